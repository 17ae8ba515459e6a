"""The Cleaner itself: same output as the CLI, batches, threads, explain, errors."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

import thresh


@pytest.fixture(scope="module")
def cleaner():
    return thresh.Cleaner()


def test_clean_matches_the_cli_document_by_document(cleaner, corpus, cli_output):
    for doc, expected in zip(corpus, cli_output):
        assert cleaner.clean(doc["text"], url=doc["url"]) == expected["text"], doc["id"]


def test_the_corpus_has_chrome_to_remove(cli_output):
    removed = sum(r["thresh"]["removed_lines"] for r in cli_output)
    assert removed > 50
    assert any(r["thresh"]["removed_lines"] == 0 for r in cli_output), "clean pages stay whole"


def test_clean_many_matches_clean_in_order(cleaner, corpus, cli_output):
    texts = [d["text"] for d in corpus]
    urls = [d["url"] for d in corpus]
    assert cleaner.clean_many(texts, urls) == [r["text"] for r in cli_output]


def test_run_many_reports_what_was_removed_like_annotate(cleaner, corpus, cli_output):
    results = cleaner.run_many([d["text"] for d in corpus], [d["url"] for d in corpus])
    for result, expected in zip(results, cli_output):
        assert result.text == expected["text"]
        assert result.lines_removed == expected["thresh"]["removed_lines"]
        assert result.removed_by_rule == expected["thresh"]["rules"]
        assert sum(result.removed_by_rule.values()) == result.lines_removed <= result.lines


def test_one_cleaner_is_shared_by_threads(cleaner, corpus, cli_output):
    expected = [r["text"] for r in cli_output]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda d: cleaner.clean(d["text"], url=d["url"]), corpus * 3))
    assert got == expected * 3


def test_explain_names_the_rule_for_each_line(cleaner):
    lines = cleaner.explain("Advertisement\n\nThe council met on Monday to approve the budget.\n")
    assert [(l["line"], l["action"], l["rule"]) for l in lines] == [
        (1, "drop", "ads/advertisement-marker"),
        (2, "keep", None),
    ]
    assert lines[1]["text"] == "The council met on Monday to approve the budget."


def test_user_rules_and_switches(tmp_path):
    rules = tmp_path / "mysite.toml"
    rules.write_text('[[rule]]\nid = "mysite/promo"\nline = "Buy the print edition"\n')
    page = "Buy the print edition\n\nAdvertisement\n\nThe council met on Monday.\n"
    assert thresh.Cleaner(rules=[rules]).clean(page) == "The council met on Monday.\n"
    only_mine = thresh.Cleaner(rules=[str(rules)], default_rules=False)
    assert only_mine.clean(page) == "Advertisement\n\nThe council met on Monday.\n"
    assert "mysite/promo" in only_mine.rule_ids()
    assert thresh.Cleaner(disable=["ads"]).clean("Advertisement\n\nText here.\n").startswith("Advertisement")


def test_rule_file_errors_carry_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "x"\nlin = "typo"\n')
    with pytest.raises(thresh.RuleError) as error:
        thresh.Cleaner(rules=[bad])
    assert f"{bad}:3:1: unknown key `lin`" in str(error.value)
    assert isinstance(error.value, ValueError)
    with pytest.raises(thresh.RuleError, match="nope.toml"):
        thresh.Cleaner(rules=[tmp_path / "nope.toml"])
    with pytest.raises(ValueError, match="leaves no rules"):
        thresh.Cleaner(default_rules=False)
    with pytest.raises(ValueError, match="one URL"):
        thresh.Cleaner().clean_many(["a", "b"], ["https://example.com"])


def test_a_model_of_its_own_and_the_dial(tmp_path):
    page = (
        "Home\nNews\nSport\n\n"
        "The council met on Monday evening and approved the budget for the coming year after a long debate.\n\n"
        "Contact us\nJobs\nSite map\n"
    )
    everything = thresh.Cleaner(min_article_probability=0.0).clean(page)
    assert len(thresh.Cleaner().clean(page)) <= len(everything)
    assert "The council met on Monday" in thresh.Cleaner(min_article_probability=0.9).clean(page)
    with pytest.raises(ValueError, match="min_article_probability"):
        thresh.Cleaner(min_article_probability=2.0)
    old = tmp_path / "old.json"
    old.write_text('{"version":1,"features":["length"],"base_score":0,"trees":[]}')
    with pytest.raises(ValueError, match="old.json: not a thresh model: trained on other features"):
        thresh.Cleaner(model=old)
