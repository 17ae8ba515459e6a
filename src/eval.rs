//! Token-level precision, recall and F1 of cleaned outputs against human gold text, exactly as
//! the thresh benchmark defines them: both texts lower-cased and split into `\w+` tokens,
//! compared as multisets (overlap = Σ min(count_out, count_gold)); macro = mean over
//! documents, micro = pooled. Edge cases: empty output and empty gold score 1/1/1; empty output
//! alone P=1, R=0, F1=0; empty gold alone P=0, R=1, F1=0.
//!
//! Lines are labelled by the gold the same way ([`line_labels`]): a [`LineReport`] tells what
//! each rule and heuristic dropped of the article and of the rest.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

/// Scores of one document.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DocScore {
    /// The file stem shared by gold and output.
    pub id: String,
    /// Shared tokens.
    pub overlap: usize,
    /// Tokens in the output.
    pub out_tokens: usize,
    /// Tokens in the gold text.
    pub gold_tokens: usize,
    /// Precision.
    pub p: f64,
    /// Recall.
    pub r: f64,
    /// F1.
    pub f1: f64,
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Prf {
    /// Precision.
    pub p: f64,
    /// Recall.
    pub r: f64,
    /// F1.
    pub f1: f64,
}

/// Scores of a whole output directory.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// Number of gold documents.
    pub docs: usize,
    /// Gold documents without an output file (scored as empty output).
    pub missing_outputs: usize,
    /// Mean of the per-document scores.
    pub macro_avg: Prf,
    /// Scores of the pooled counts.
    pub micro_avg: Prf,
    /// Documents that lost more than a fifth of their gold tokens (recall below 0.8): on clean
    /// article text as input, the documents whose article was cut.
    pub docs_losing_a_fifth: usize,
    /// Per-document scores, in id order.
    pub per_doc: Vec<DocScore>,
}

fn token_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\w+").expect("valid"))
}

fn tokens(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for m in token_regex().find_iter(&text.to_lowercase()) {
        *counts.entry(m.as_str().to_string()).or_default() += 1;
    }
    counts
}

/// `(overlap, output tokens, gold tokens)` of two texts.
pub fn overlap(gold: &str, out: &str) -> (usize, usize, usize) {
    let (g, o) = (tokens(gold), tokens(out));
    let overlap = g.iter().map(|(t, n)| (*n).min(o.get(t).copied().unwrap_or(0))).sum();
    (overlap, o.values().sum(), g.values().sum())
}

/// P, R and F1 from counts, with the benchmark's edge cases.
pub fn prf(overlap: usize, out: usize, gold: usize) -> Prf {
    match (out, gold) {
        (0, 0) => Prf { p: 1.0, r: 1.0, f1: 1.0 },
        (0, _) => Prf { p: 1.0, r: 0.0, f1: 0.0 },
        (_, 0) => Prf { p: 0.0, r: 1.0, f1: 0.0 },
        _ => {
            let p = overlap as f64 / out as f64;
            let r = overlap as f64 / gold as f64;
            let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
            Prf { p, r, f1 }
        }
    }
}

/// The ids of a directory of gold texts (`<id>.txt`), sorted.
pub fn gold_ids(gold_dir: &Path) -> std::io::Result<Vec<String>> {
    let mut ids: Vec<String> = std::fs::read_dir(gold_dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".txt")).map(str::to_string))
        .collect();
    ids.sort();
    Ok(ids)
}

/// A text file as the scorer reads it (bytes that are not UTF-8 replaced); `None` when missing.
pub fn read_text(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// An input file decoded as `clean` decodes it; `None` when missing. An unreadable or
/// undecodable file is an error naming it.
pub fn read_decoded(path: &Path) -> anyhow::Result<Option<String>> {
    use anyhow::Context;
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let name = path.display().to_string();
    Ok(Some(crate::decode(&bytes, &name, crate::DecodeOptions::default())?.text))
}

/// Scores every `GOLD_DIR/<id>.txt` against `OUT_DIR/<id>.txt` (missing outputs count as empty).
pub fn evaluate(gold_dir: &Path, out_dir: &Path) -> std::io::Result<Evaluation> {
    let mut per_doc = Vec::new();
    let mut missing = 0;
    for id in gold_ids(gold_dir)? {
        let gold = read_text(&gold_dir.join(format!("{id}.txt")))?.unwrap_or_default();
        let out = read_text(&out_dir.join(format!("{id}.txt")))?.unwrap_or_else(|| {
            missing += 1;
            String::new()
        });
        per_doc.push(DocScore::of(id, &gold, &out));
    }
    Ok(Evaluation::of(per_doc, missing))
}

/// Cleans every `INPUT_DIR/<id>.txt` that has a gold text `GOLD_DIR/<id>.txt` with `cleaner`,
/// scores the output, and labels the input's lines by the gold ([`line_labels`]) to tell what
/// each rule and heuristic dropped ([`LineReport`], sorted). A missing input counts as an empty
/// output (in `missing_outputs`); an input that cannot be read or decoded is an error naming it.
pub fn evaluate_cleaning(
    cleaner: &crate::Cleaner,
    gold_dir: &Path,
    input_dir: &Path,
) -> anyhow::Result<(Evaluation, LineReport)> {
    use anyhow::Context;
    use rayon::prelude::*;

    let ids = gold_ids(gold_dir).with_context(|| format!("cannot read {}", gold_dir.display()))?;
    let scored: Vec<(DocScore, Option<LineReport>)> = ids
        .into_par_iter()
        .map(|id| -> anyhow::Result<_> {
            let gold = read_text(&gold_dir.join(format!("{id}.txt")))?.unwrap_or_default();
            let Some(text) = read_decoded(&input_dir.join(format!("{id}.txt")))? else {
                return Ok((DocScore::of(id, &gold, ""), None));
            };
            let outcome = cleaner.run(&text, crate::DocumentContext::default());
            let doc = &outcome.document;
            let labels = line_labels(&gold, (0..doc.len()).map(|i| doc.line_text(i)));
            let dropped_by = outcome.verdicts.iter().map(|verdict| match verdict {
                crate::types::Verdict::Drop(reason) => Some(cleaner.rules().rule(reason.rule).id.clone()),
                _ => None,
            });
            let mut report = LineReport::default();
            report.add(&labels, dropped_by);
            Ok((DocScore::of(id, &gold, &outcome.text()), Some(report)))
        })
        .collect::<anyhow::Result<_>>()?;
    let missing = scored.iter().filter(|(_, report)| report.is_none()).count();
    let mut total = LineReport::default();
    let mut per_doc = Vec::with_capacity(scored.len());
    for (score, report) in scored {
        per_doc.push(score);
        if let Some(report) = report {
            total.merge(report);
        }
    }
    total.sort();
    Ok((Evaluation::of(per_doc, missing), total))
}

impl DocScore {
    /// The scores of output `out` against `gold`.
    pub fn of(id: String, gold: &str, out: &str) -> Self {
        let (overlap, out_tokens, gold_tokens) = overlap(gold, out);
        let Prf { p, r, f1 } = prf(overlap, out_tokens, gold_tokens);
        DocScore { id, overlap, out_tokens, gold_tokens, p, r, f1 }
    }
}

impl Evaluation {
    /// The totals of per-document scores (in id order), `missing_outputs` of them scored as
    /// empty outputs.
    pub fn of(per_doc: Vec<DocScore>, missing_outputs: usize) -> Self {
        let n = per_doc.len().max(1) as f64;
        let mean = |f: fn(&DocScore) -> f64| per_doc.iter().map(f).sum::<f64>() / n;
        let macro_avg = Prf { p: mean(|d| d.p), r: mean(|d| d.r), f1: mean(|d| d.f1) };
        let sum = |f: fn(&DocScore) -> usize| per_doc.iter().map(f).sum::<usize>();
        let micro_avg = prf(sum(|d| d.overlap), sum(|d| d.out_tokens), sum(|d| d.gold_tokens));
        let docs_losing_a_fifth = per_doc.iter().filter(|d| d.r < 0.8).count();
        Evaluation {
            docs: per_doc.len(),
            missing_outputs,
            macro_avg,
            micro_avg,
            docs_losing_a_fifth,
            per_doc,
        }
    }
}

/// What the gold says of one line of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineLabel {
    /// Most of the line's tokens are in the gold text: the line is article text.
    pub article: bool,
    /// The line's tokens, as the scorer counts them.
    pub tokens: usize,
}

/// Labels the lines of an input by its gold text: a line is article text when most of its
/// tokens are among the gold's tokens not yet taken by earlier article lines (each gold token
/// counts once, in line order, so a menu item that repeats a word of the article is not
/// article text by that word). Cleaning that keeps exactly the article lines is the best a
/// line cleaner can score.
pub fn line_labels<'a>(gold: &str, lines: impl IntoIterator<Item = &'a str>) -> Vec<LineLabel> {
    let mut left = tokens(gold);
    lines
        .into_iter()
        .map(|line| {
            let words: Vec<String> =
                token_regex().find_iter(&line.to_lowercase()).map(|m| m.as_str().to_string()).collect();
            let in_gold = words.iter().filter(|w| left.get(w.as_str()).is_some_and(|&n| n > 0)).count();
            let article = in_gold * 2 > words.len();
            if article {
                for word in &words {
                    if let Some(n) = left.get_mut(word.as_str()) {
                        *n = n.saturating_sub(1);
                    }
                }
            }
            LineLabel { article, tokens: words.len() }
        })
        .collect()
}

/// Lines and tokens of one kind, as [`ReasonCounts`] adds them up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Lines.
    pub lines: usize,
    /// Their tokens.
    pub tokens: usize,
}

impl Tally {
    fn add(&mut self, label: LineLabel) {
        *self += Tally { lines: 1, tokens: label.tokens };
    }
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        self.lines += other.lines;
        self.tokens += other.tokens;
    }
}

/// What one reason (a rule or a heuristic, by id) did: the article lines and the other lines
/// it dropped, by the gold's [`line_labels`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReasonCounts {
    /// The rule's id.
    pub reason: String,
    /// Article lines it dropped: content lost.
    pub article: Tally,
    /// Other lines it dropped: chrome removed.
    pub other: Tally,
}

/// Where the lines of cleaned documents went, by the gold: what each reason dropped, and
/// what was kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LineReport {
    /// Each reason that dropped a line, most article tokens first (then by id).
    pub dropped: Vec<ReasonCounts>,
    /// Article lines kept.
    pub kept_article: Tally,
    /// Other lines kept: chrome left.
    pub kept_other: Tally,
}

impl LineReport {
    /// Adds a document: its labels, and for each line the id of what dropped it (`None` when
    /// kept).
    pub fn add(&mut self, labels: &[LineLabel], dropped_by: impl IntoIterator<Item = Option<String>>) {
        for (&label, reason) in labels.iter().zip(dropped_by) {
            match reason {
                None if label.article => self.kept_article.add(label),
                None => self.kept_other.add(label),
                Some(reason) => {
                    let at = match self.dropped.iter().position(|c| c.reason == reason) {
                        Some(at) => at,
                        None => {
                            self.dropped.push(ReasonCounts { reason, ..Default::default() });
                            self.dropped.len() - 1
                        }
                    };
                    let counts = &mut self.dropped[at];
                    if label.article {
                        counts.article.add(label);
                    } else {
                        counts.other.add(label);
                    }
                }
            }
        }
    }

    /// Adds another report.
    pub fn merge(&mut self, other: LineReport) {
        for counts in other.dropped {
            match self.dropped.iter_mut().find(|c| c.reason == counts.reason) {
                Some(mine) => {
                    mine.article += counts.article;
                    mine.other += counts.other;
                }
                None => self.dropped.push(counts),
            }
        }
        self.kept_article += other.kept_article;
        self.kept_other += other.kept_other;
    }

    /// Orders the reasons: most article tokens lost first, then most chrome removed, then id.
    pub fn sort(&mut self) {
        self.dropped.sort_by(|a, b| {
            b.article
                .tokens
                .cmp(&a.article.tokens)
                .then(b.other.tokens.cmp(&a.other.tokens))
                .then(a.reason.cmp(&b.reason))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiset_overlap_and_edge_cases() {
        assert_eq!(overlap("The cat, the hat.", "the THE the dog"), (2, 4, 4));
        assert_eq!(prf(0, 0, 0), Prf { p: 1.0, r: 1.0, f1: 1.0 });
        assert_eq!(prf(0, 0, 5), Prf { p: 1.0, r: 0.0, f1: 0.0 });
        assert_eq!(prf(0, 5, 0), Prf { p: 0.0, r: 1.0, f1: 0.0 });
        let x = prf(2, 4, 4);
        assert!((x.f1 - 0.5).abs() < 1e-12);
    }

    #[test]
    fn unicode_words() {
        assert_eq!(overlap("Zürich — naïve_word 2024", "zürich naïve_word"), (2, 2, 3));
    }

    #[test]
    fn lines_are_article_text_when_most_of_their_tokens_are_in_the_gold() {
        let gold = "The council met on Monday. It approved the budget.";
        let lines = [
            "Home News",
            "The council met on Monday.",
            "Share on Monday",
            "It approved the budget.",
            "the the the",
        ];
        let labels = line_labels(gold, lines);
        let article: Vec<bool> = labels.iter().map(|l| l.article).collect();
        // "Share on Monday": "on" and "monday" were taken by the line before; "the the the":
        // both of the gold's "the" were taken by article lines before it.
        assert_eq!(article, [false, true, false, true, false]);
        assert_eq!(labels.iter().map(|l| l.tokens).collect::<Vec<_>>(), [2, 5, 3, 4, 3]);
        assert!(line_labels("", ["Anything"]).iter().all(|l| !l.article));
        assert_eq!(line_labels("x", ["", "—"]), [LineLabel { article: false, tokens: 0 }; 2]);
    }

    #[test]
    fn a_report_counts_what_each_reason_dropped() {
        let labels = [
            LineLabel { article: true, tokens: 5 },
            LineLabel { article: false, tokens: 2 },
            LineLabel { article: true, tokens: 3 },
            LineLabel { article: false, tokens: 4 },
        ];
        let mut report = LineReport::default();
        report.add(
            &labels,
            [None, Some("menu".to_string()), Some("short".to_string()), Some("menu".to_string())],
        );
        let mut other = LineReport::default();
        other.add(&labels[..1], [Some("short".to_string())]);
        report.merge(other);
        report.sort();
        let rows: Vec<(&str, Tally, Tally)> =
            report.dropped.iter().map(|c| (c.reason.as_str(), c.article, c.other)).collect();
        assert_eq!(
            rows,
            [
                ("short", Tally { lines: 2, tokens: 8 }, Tally::default()),
                ("menu", Tally::default(), Tally { lines: 2, tokens: 6 }),
            ]
        );
        assert_eq!(report.kept_article, Tally { lines: 1, tokens: 5 });
        assert_eq!(report.kept_other, Tally::default());
    }

    #[test]
    fn directories_with_a_missing_output() {
        let dir = tempfile::tempdir().unwrap();
        let (gold, out) = (dir.path().join("gold"), dir.path().join("out"));
        std::fs::create_dir_all(&gold).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(gold.join("a.txt"), "one two three four").unwrap();
        std::fs::write(gold.join("b.txt"), "five six").unwrap();
        std::fs::write(out.join("a.txt"), "one two menu").unwrap();
        let e = evaluate(&gold, &out).unwrap();
        assert_eq!((e.docs, e.missing_outputs), (2, 1));
        let a = &e.per_doc[0];
        assert!((a.p - 2.0 / 3.0).abs() < 1e-12 && (a.r - 0.5).abs() < 1e-12);
        assert_eq!(e.per_doc[1].f1, 0.0);
        assert!((e.micro_avg.r - 2.0 / 6.0).abs() < 1e-12);
        // a lost half of its tokens, b all of them.
        assert_eq!(e.docs_losing_a_fifth, 2);
    }
}
