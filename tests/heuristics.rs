//! The judgement on small hand-written pages. Its hand-written rounds (`cleaner()`, without
//! the line model) judge what no rule names by the line's shape, its neighbours and the
//! article's main stretch, and explain names the heuristic; the default judgement (`judged()`,
//! the rounds and the bundled line model) must keep every piece of content they keep here.

use std::path::Path;
use std::process::Command;

use thresh::decide::Verdict;
use thresh::rules::parse_pack;
use thresh::{Cleaner, DocumentContext, RuleSetBuilder};

const P1: &str = "The city council voted on Tuesday to build forty kilometres of protected bike lanes over the next three years, ending a debate that had divided residents and shop owners for most of the past decade.";
const P2: &str = "Supporters said that the lanes would make the city safer for the children who cycle to school, while opponents argued that the loss of parking spaces would hurt the small shops along the main road.";
const P3: &str = "The mayor said that the first lanes would open in the spring, and that the council would report on their use to the residents of each district before it decided where the next ones should go.";

/// The rounds alone.
fn cleaner() -> Cleaner {
    Cleaner::with_model(RuleSetBuilder::with_bundled().build().unwrap(), None)
}

/// The default judgement: the rounds and the bundled line model.
fn judged() -> Cleaner {
    Cleaner::new(RuleSetBuilder::with_bundled().build().unwrap())
}

/// Both.
fn both() -> [Cleaner; 2] {
    [cleaner(), judged()]
}

fn cleaner_with(extra: &str) -> Cleaner {
    let mut builder = RuleSetBuilder::with_bundled();
    builder.add_pack(parse_pack(Path::new("extra.toml"), extra).unwrap().pack);
    Cleaner::with_model(builder.build().unwrap(), None)
}

/// The id of the rule or heuristic that dropped each line (`None` for kept lines).
fn reasons(cleaner: &Cleaner, text: &str) -> Vec<(String, Option<String>)> {
    let outcome = cleaner.run(text, DocumentContext::default());
    outcome
        .verdicts
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let line = outcome.document.line_text(i).to_string();
            match v {
                Verdict::Drop(r) => (line, Some(cleaner.rules().rule(r.rule).id.clone())),
                Verdict::Keep(_) => (line, None),
            }
        })
        .collect()
}

fn reason_of<'a>(reasons: &'a [(String, Option<String>)], line: &str) -> Option<&'a str> {
    reasons.iter().find(|(l, _)| l == line).unwrap_or_else(|| panic!("no line {line:?}")).1.as_deref()
}

#[test]
fn a_menu_run_goes_and_the_article_stays() {
    let page = format!("Latest\nWorld\nBusiness\nCulture\nOpinion\nPodcasts\nCity desk\n\nBike lanes approved\n\n{P1}\n\n{P2}\n\n{P3}\n");
    let r = reasons(&cleaner(), &page);
    // Items more than max_edge_lines (4) lines above the article go; the few right above the
    // headline could be its kicker or date and are given the benefit of the doubt.
    for item in ["Latest", "World", "Business", "Culture"] {
        assert_eq!(reason_of(&r, item), Some("heuristics/short-in-boilerplate"), "{item}");
    }
    assert_eq!(reason_of(&r, "Bike lanes approved"), None, "the headline right above the article stays");
    for c in both() {
        let r = reasons(&c, &page);
        for p in ["Bike lanes approved", P1, P2, P3] {
            assert_eq!(reason_of(&r, p), None);
        }
    }
}

#[test]
fn a_separator_menu_line_goes() {
    let page = format!("Home | News | Sport | Business | Travel\n\n{P1}\n\n{P2}\n");
    let r = reasons(&cleaner(), &page);
    assert_eq!(reason_of(&r, "Home | News | Sport | Business | Travel"), Some("heuristics/menu-line"));
}

#[test]
fn a_subheading_between_paragraphs_stays() {
    let page = format!("{P1}\n\nWhat happens next\n\n{P2}\n\n{P3}\n");
    for c in both() {
        assert_eq!(c.clean(&page), thresh::normalize::normalize(&page));
    }
}

#[test]
fn keyword_stuffed_alt_text_goes_even_without_its_rule() {
    let alt =
        "city council bike lanes vote tuesday forty kilometres protected lanes residents shop owners decade";
    let page = format!("{P1}\n{alt}\n\n{P2}\n\n{P3}\n");
    let c = cleaner_with("[pack]\ndisable = [\"alt-text\"]\n");
    assert_eq!(reason_of(&reasons(&c, &page), alt), Some("heuristics/keyword-stuffed"));
}

#[test]
fn a_counter_line_goes() {
    let page = format!("{P1}\n\n{P2}\n\n{P3}\n\n12 | 4,512 | 09:45\nMenu\nAbout us\n");
    let r = reasons(&cleaner(), &page);
    assert_eq!(reason_of(&r, "12 | 4,512 | 09:45"), Some("heuristics/counter"));
}

#[test]
fn dates_and_versions_inside_an_article_do_not_cut_it() {
    // A changelog: its version lines are counters by their shape (mostly digits), but between
    // the article's paragraphs they are its subheadings, and the short paragraph after them
    // is still the article's.
    let short = "The mesh satellite may need a restart after the update, and a fix is on its way.";
    let page = format!(
        "{P1}\n\n2.4.0 (12 March 2024)\nAdded: a guest network schedule\nFixed: the 5 GHz radio dropping clients\n\
         2.3.2 (8 January 2024)\nFixed: the time zone of the system log\n\n{short}\n\nPrivacy Policy\n"
    );
    for c in both() {
        let r = reasons(&c, &page);
        for line in [
            P1,
            "2.4.0 (12 March 2024)",
            "Fixed: the 5 GHz radio dropping clients",
            "2.3.2 (8 January 2024)",
            short,
        ] {
            assert_eq!(reason_of(&r, line), None, "{line}");
        }
    }
}

#[test]
fn a_markdown_table_inside_an_article_stays() {
    let table = [
        "| Model | Weight | Holes per charge |",
        "|---|---|---|",
        "| Budget 12 V | 1.1 kg | 64 |",
        "| Pro 18 V | 1.8 kg | 188 |",
    ];
    let page = format!("{P1}\n\n{}\n\n{P2}\n\n{P3}\n", table.join("\n"));
    for c in both() {
        let r = reasons(&c, &page);
        for line in table.iter().chain(&[P2, P3]) {
            assert_eq!(reason_of(&r, line), None, "{line}");
        }
    }
    // Bars only between the items: a menu.
    let r = reasons(&cleaner(), &format!("Home | News | Sport\n\n{P1}\n\n{P2}\n"));
    assert_eq!(reason_of(&r, "Home | News | Sport"), Some("heuristics/menu-line"));
}

#[test]
fn an_unrelated_teaser_paragraph_goes_and_a_related_one_stays() {
    let teaser = "Hundreds of people gathered outside the national assembly in Seoul, demanding the repeal of martial law while lawmakers voted against the president's declaration.";
    let related = "Council members also said that the bike lanes would connect the schools of each district, and residents will be asked about the next lanes.";
    let page =
        format!("{P1}\n\n{P2}\n\nRead more\n\n{teaser}\n\n{P3}\n\nRelated\n\n{related}\n\n{P1} Again.\n");
    let r = reasons(&cleaner(), &page);
    assert_eq!(reason_of(&r, teaser), Some("heuristics/unrelated-teaser"));
    assert_eq!(reason_of(&r, related), None, "a paragraph about the article's subject stays");
    assert_eq!(reason_of(&r, P3), None);
}

#[test]
fn the_article_s_last_lines_stay_after_a_marker() {
    // A quote after an inline "READ MORE: <other story>" link, and a short closing sentence
    // after an ad marker: both the article's, in both judgements.
    let quote = "\"This is the most important decision we have made for the next generation,\" the mayor said after the vote.";
    let page =
        format!("{P1}\n\n{P2}\n\nREAD MORE: How other cities paid for their bike networks\n\n{quote}\n");
    for c in both() {
        assert_eq!(reason_of(&reasons(&c, &page), quote), None);
    }
    let closing = "Work starts in March.";
    let page = format!("{P1}\n\n{P2}\n\nAdvertisement\n\n{closing}\n");
    for c in both() {
        assert_eq!(reason_of(&reasons(&c, &page), closing), None);
    }
}

#[test]
fn a_one_line_article_survives() {
    for page in
        ["The mayor resigned on Friday, citing health reasons.\n", "Storm warning for the coast tonight\n"]
    {
        for c in both() {
            assert_eq!(c.clean(page), page);
        }
    }
}

#[test]
fn an_article_of_short_paragraphs_stays_when_a_long_line_elsewhere_is_prose() {
    // Wire copy: every paragraph one short sentence, none long enough to be good on its own,
    // between menu lines; the only long prose on the page is a note about the site.
    let article = [
        "The council met on Monday evening to discuss the budget for the coming year.",
        "After a long debate it approved a plan to fund the new library in the city.",
        "The mayor said that the work would start in the spring and end by the autumn.",
        "Some residents said that they were worried about the cost of the project.",
    ];
    let about = "This site is run by a small team of volunteers who write about the life of the town and its people, and who have done so since the first issue of the paper was printed in the old mill by the river many years ago.";
    let page = format!(
        "News | Sport | Business | Jobs | Travel\n\n{}\n\nEmail | Print | Share | Reprints\n\n{about}\n",
        article.join("\n\n")
    );
    let cleaned = cleaner().clean(&page);
    assert!(!cleaned.contains("Email | Print"), "{cleaned}");
    for c in both() {
        let cleaned = c.clean(&page);
        for line in article {
            assert!(cleaned.contains(line), "lost {line:?}:\n{cleaned}");
        }
    }
}

#[test]
fn headlines_under_a_teaser_heading_are_not_rescued_by_the_article_above() {
    // Each teaser headline is its own paragraph (as in page text), so the heading rule takes
    // only itself; without the marker between them, the article above would rescue the short
    // lines under it as its last lines.
    let page = format!(
        "{P1}\n\n{P2}\n\nRelated stories\n\nCouncil delays vote on road repairs\n\nMayor names new head of parks department\n\nSchools to open an hour later\n\n© 2024 City Herald Media\n"
    );
    let marked = reasons(&cleaner(), &page);
    assert_eq!(reason_of(&marked, P1), None);
    assert_eq!(reason_of(&marked, P2), None);
    assert_eq!(reason_of(&marked, "Related stories"), Some("teasers/related-heading"));
    for headline in [
        "Council delays vote on road repairs",
        "Mayor names new head of parks department",
        "Schools to open an hour later",
    ] {
        assert!(reason_of(&marked, headline).is_some_and(|r| r.starts_with("heuristics/")), "{marked:?}");
    }
    // The same short lines without the marker end the article and stay.
    let unmarked = page.replace("Related stories\n\n", "");
    assert_eq!(reason_of(&reasons(&cleaner(), &unmarked), "Schools to open an hour later"), None);
}

#[test]
fn repeated_captions_inside_an_article_do_not_end_it() {
    // A gallery repeats its captions; the paragraphs after them are still the article.
    let page = format!(
        "{P1}\n\nThe old bridge at dawn\n\nThe old bridge at dawn\n\nThe old bridge at dawn\n\n{P2}\n\nThe new lanes\n\nThe new lanes\n\nThe new lanes\n\n{P3}\n"
    );
    for c in both() {
        let cleaned = c.clean(&page);
        for paragraph in [P1, P2, P3] {
            assert!(cleaned.contains(paragraph), "lost {paragraph:?}:\n{cleaned}");
        }
    }
}

#[test]
fn comments_after_the_article_go() {
    let comment = "I really liked this article and I think that the author is right about most of the points that were made in it, thanks for writing it all down for us and for the people of the city.";
    let page = format!("{P1}\n\n{P2}\n\n{P3}\n\n3 Comments\n\nJane on Monday\n\n{comment}\n\nBob on Tuesday\n\n{comment} Yes.\n");
    let r = reasons(&cleaner(), &page);
    assert_eq!(reason_of(&r, comment), Some("heuristics/outside-main-text"));
    assert_eq!(reason_of(&r, P3), None);
}

#[test]
fn a_list_introduced_by_a_colon_stays() {
    let page = format!("{P1}\n\nThe first lanes will run through:\nNorth Street\nHarbour Road\nOld Town\nThe station square\nMill Lane\n");
    for c in both() {
        assert_eq!(c.clean(&page), thresh::normalize::normalize(&page));
    }
}

#[test]
fn guard_rail_no_prose_means_no_judgement() {
    // A page without any line of prose has no article to anchor on: only rules apply.
    let page = "Opening hours\nMonday to Friday\n9:00 to 17:00\nClosed on holidays\n";
    for c in both() {
        assert_eq!(c.clean(page), page);
    }
}

#[test]
fn guard_rail_exceptions_are_never_dropped_by_heuristics() {
    let page = format!("Latest\nWorld\nBusiness\nCulture\nOpinion\nPodcasts\nVideo\n\n{P1}\n\n{P2}\n");
    let c = cleaner_with("[[rule]]\nid = \"mine/keep-culture\"\nline = \"Culture\"\naction = \"keep\"\n");
    let r = reasons(&c, &page);
    assert_eq!(reason_of(&r, "Culture"), None);
    assert_eq!(reason_of(&r, "World"), Some("heuristics/short-in-boilerplate"));
}

#[test]
fn thresholds_and_switches_come_from_rule_files() {
    let page = format!("Latest\nWorld\nBusiness\nCulture\nOpinion\nPodcasts\nVideo\n\n{P1}\n\n{P2}\n");
    let off = cleaner_with("[heuristics]\nenabled = false\n");
    assert_eq!(off.clean(&page), thresh::normalize::normalize(&page));
    let mut builder = RuleSetBuilder::with_bundled();
    builder.disable("heuristics");
    assert_eq!(Cleaner::new(builder.build().unwrap()).clean(&page), thresh::normalize::normalize(&page));
    // With a very high bar for "good" prose, nothing anchors the article: nothing is judged.
    let strict = cleaner_with("[heuristics]\nlength_high = 5000\nstopwords_high = 0.99\n");
    assert_eq!(strict.clean(&page), thresh::normalize::normalize(&page));
}

#[test]
fn explain_names_the_heuristic() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.txt");
    std::fs::write(
        &file,
        format!("Latest\nWorld\nBusiness\nCulture\nOpinion\nPodcasts\nVideo\n\n{P1}\n\n{P2}\n"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_thresh"))
        .args(["explain", file.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // A menu item the rounds drop as short in boilerplate, named by its heuristic.
    assert!(text.contains(" drop heuristics/short-in-boilerplate "), "{text}");
    let list = Command::new(env!("CARGO_BIN_EXE_thresh")).args(["rules", "list"]).output().unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    assert!(
        list.lines().any(|l| l.starts_with("heuristics/unrelated-teaser") && l.contains("heuristics")),
        "{list}"
    );
}

#[test]
fn implausible_removals_are_flagged_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("ok.txt"), format!("{P1}\n\n{P2}\n")).unwrap();
    std::fs::write(input.join("all-chrome.txt"), "Advertisement\n\nShare\n\nPrivacy Policy\n").unwrap();
    let stats = dir.path().join("stats.json");
    let out = Command::new(env!("CARGO_BIN_EXE_thresh"))
        .args([
            "clean",
            input.to_str().unwrap(),
            "-o",
            dir.path().join("out").to_str().unwrap(),
            "--stats",
            stats.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 documents flagged (most of their text removed, 1 emptied)"), "{err}");
    assert!(err.contains("flagged: ") && err.contains("all-chrome.txt"), "{err}");
    let stats: serde_json::Value = serde_json::from_slice(&std::fs::read(stats).unwrap()).unwrap();
    assert_eq!(stats["documents_flagged"], 1);
}

#[test]
fn a_page_is_judged_again_in_the_language_of_what_is_left() {
    // The long Italian comment makes the first sample read as Italian; once the heuristics
    // drop it, what is left is English, and the page is judged again in English, where the
    // headline between the comment and the teaser heading is one more teaser. Judged in
    // Italian it would stay.
    let page = "When the last overnight service between the two capitals was cancelled a decade ago, few people expected that it would ever come back, but the new operator says that the first trains of the season were sold out within a week.\n\n\
                Ho preso questo treno la settimana scorsa e devo dire che è stata un'esperienza bellissima, anche se il vagone ristorante era già chiuso quando siamo saliti e non c'era niente da mangiare.\n\
                The Quiet Return of the Night Train\nRead more\nIl treno era in ritardo.\nReply\nBy Anna Miller on March 3, 2024\nFrancesca March 5, 2024 at 8:40 pm\n";
    let r = reasons(&cleaner(), page);
    assert_eq!(r[0].1, None, "the English paragraph stays");
    assert_eq!(reason_of(&r, "The Quiet Return of the Night Train"), Some("heuristics/unrelated-teaser"));
    let once = cleaner().clean(page);
    assert_eq!(cleaner().clean(&once), once);
}

#[test]
fn a_text_without_chrome_is_judged_at_a_lower_dial() {
    let cleaner = Cleaner::new(RuleSetBuilder::with_bundled().build().unwrap());
    let dials = |text: &str| -> Vec<f32> {
        let (_, judged) = cleaner.run_explained(text, DocumentContext::default());
        judged.into_iter().flatten().map(|j| j.dial).collect()
    };
    // Nothing here is chrome to the rules: the text is most likely an article already.
    let clean = dials(&format!("Bike lanes approved\n\n{P1}\n\n{P2}\n"));
    assert!(!clean.is_empty());
    assert!(clean.iter().all(|&d| (d - 0.2).abs() < 1e-6), "{clean:?}");
    // An advertisement marker the rules drop: a page, judged at the dial's setting.
    let page = dials(&format!("Bike lanes approved\n\n{P1}\n\nAdvertisement\n\n{P2}\n"));
    assert!(!page.is_empty());
    assert!(page.iter().all(|&d| (d - 0.3).abs() < 1e-6), "{page:?}");
}

#[test]
fn explain_says_when_a_text_is_judged_at_the_lower_dial() {
    let explain = |text: String| {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("page.txt");
        std::fs::write(&file, text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_thresh"))
            .args(["explain", file.to_str().unwrap()])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let note = "the rules found no chrome in this text: the model judges it at 0.20, not 0.30";
    let clean = explain(format!("Bike lanes approved\n\n{P1}\n\n{P2}\n"));
    assert!(clean.lines().next().unwrap().ends_with(note), "{clean}");
    let page = explain(format!("Bike lanes approved\n\n{P1}\n\nAdvertisement\n\n{P2}\n"));
    assert!(!page.contains("found no chrome"), "{page}");
}
