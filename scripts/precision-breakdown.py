#!/usr/bin/env python3
"""Where the kept text that is not article text sits, and what kept it.

Runs `thresh explain` over a gold benchmark view (default: the dev page view), labels each
line as the trainer does (article text when most of its tokens are in the gold, consuming the
gold's token counts), and sums the characters of kept non-article lines by where they sit
relative to the gold's first and last article line (before, inside, after) and by what kept
them: the line model above the dial, the article guard ("(guarded)"), or a rule's guard. The
table in docs/model.md ("Where precision goes") comes from this script.

    scripts/precision-breakdown.py [--view page] [--bench ../shared/bench] [--thresh BIN]
"""
import argparse
import collections
import os
import re
import subprocess
import sys

ROW = re.compile(r"^ *(\d+) (keep|drop) (.*?)\s*\| (.*)$")
TOKEN = re.compile(r"\w+")


def tokens(text):
    return TOKEN.findall(text.lower())


def explained(thresh, files):
    """Yields (document name, [(verdict, reason, text)]) from `thresh explain` over files."""
    out = subprocess.run(
        [thresh, "explain", "--color", "never", *files], check=True, capture_output=True, text=True
    ).stdout
    name, rows = None, []
    for line in out.splitlines():
        if line.startswith("==> ") and line.endswith(" <=="):
            if name is not None:
                yield name, rows
            name, rows = os.path.basename(line[4:-4]), []
            continue
        match = ROW.match(line)
        if match:
            rows.append((match.group(2), match.group(3), match.group(4)))
    if name is not None:
        yield name, rows


def kept_by(reason):
    if "(guarded)" in reason:
        return "the article guard"
    if reason.startswith("guard/"):
        return "a rule's guard"
    if reason.startswith("exception"):
        return "an exception"
    return "the model (p >= dial)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--view", default="page")
    parser.add_argument("--bench", default=os.path.join(os.path.dirname(__file__), "../../shared/bench"))
    parser.add_argument("--thresh", default=os.path.join(os.path.dirname(__file__), "../target/release/thresh"))
    args = parser.parse_args()
    gold_dir = os.path.join(args.bench, "dev", "gold")
    view_dir = os.path.join(args.bench, "dev", args.view)
    files = sorted(os.path.join(view_dir, f) for f in os.listdir(view_dir) if f.endswith(".txt"))
    if not files:
        sys.exit(f"no .txt files in {view_dir}")
    chars = collections.Counter()
    for name, rows in explained(args.thresh, files):
        gold_path = os.path.join(gold_dir, name)
        if not os.path.exists(gold_path):
            continue
        with open(gold_path, encoding="utf-8") as f:
            gold = collections.Counter(tokens(f.read()))
        labels = []
        for _, _, text in rows:
            words = tokens(text)
            article = bool(words) and 2 * sum(1 for w in words if gold[w] > 0) > len(words)
            if article:
                gold.subtract(words)
            labels.append(article)
        article_lines = [i for i, article in enumerate(labels) if article]
        if not article_lines:
            continue
        first, last = article_lines[0], article_lines[-1]
        for i, (verdict, reason, text) in enumerate(rows):
            if verdict != "keep" or labels[i] or not tokens(text):
                continue
            where = "before" if i < first else "after" if i > last else "inside"
            chars[(where, kept_by(reason))] += len(text)
    total = sum(chars.values())
    kinds = sorted({kind for _, kind in chars})
    print(f"kept characters not in the gold ({args.view} view): {total}\n")
    print("| where | " + " | ".join(kinds) + " |")
    print("|---" * (len(kinds) + 1) + "|")
    for where in ("before", "inside", "after"):
        cells = [f"{chars[(where, k)] // 1000}k ({100 * chars[(where, k)] / max(total, 1):.0f}%)" for k in kinds]
        print(f"| {where} the article | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
