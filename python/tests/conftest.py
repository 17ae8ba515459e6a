"""A small corpus made from the repository's fixtures, and the CLI's output for it: every
Python entry point must clean it exactly as `thresh clean` does."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def thresh_bin() -> str:
    found = os.environ.get("THRESH_BIN") or shutil.which("thresh")
    for candidate in (REPO / "target/release/thresh", REPO / "target/debug/thresh"):
        if not found and candidate.exists():
            found = str(candidate)
    if not found:
        pytest.fail("set THRESH_BIN to the thresh binary (cargo build) to compare with the CLI")
    return found


def make_corpus() -> list[dict]:
    """Real pages from the fixtures (seeds, languages, clean prose), plus variations: each
    page without its last line, and the Kyiv Post seed with its domain for the site pack."""
    docs = []
    for path in sorted(REPO.glob("fixtures/**/*.in.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        docs.append({"id": path.stem, "text": text, "url": None})
        docs.append({"id": path.stem + "-cut", "text": text.rsplit("\n", 2)[0], "url": None})
    docs.append({"id": "empty", "text": "", "url": None})
    docs.append({"id": "chrome-only", "text": "Advertisement\n\nShare this article\n", "url": None})
    docs.append({"id": "site", "text": (REPO / "fixtures/seeds/000.in.txt").read_text(), "url": "https://www.kyivpost.com/post/1"})
    return docs


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    return make_corpus()


@pytest.fixture(scope="session")
def cli_output(corpus, tmp_path_factory) -> list[dict]:
    """`thresh clean --annotate` over the corpus as one JSONL shard: the expected records."""
    directory = tmp_path_factory.mktemp("cli")
    shard = directory / "corpus.jsonl"
    with shard.open("w", encoding="utf-8") as f:
        for doc in corpus:
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    run = subprocess.run([thresh_bin(), "clean", "-q", "--annotate", str(shard)], capture_output=True, check=True)
    records = [json.loads(line) for line in run.stdout.decode("utf-8").splitlines()]
    assert len(records) == len(corpus)
    return records
