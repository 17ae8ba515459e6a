//! Token-level precision, recall and F1 of cleaned outputs against human gold text, exactly as
//! the thresh benchmark defines them: both texts lower-cased and split into `\w+` tokens,
//! compared as multisets (overlap = Σ min(count_out, count_gold)); macro = mean over
//! documents, micro = pooled. Edge cases: empty output and empty gold score 1/1/1; empty output
//! alone P=1, R=0, F1=0; empty gold alone P=0, R=1, F1=0.

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

/// Scores every `GOLD_DIR/<id>.txt` against `OUT_DIR/<id>.txt` (missing outputs count as empty).
pub fn evaluate(gold_dir: &Path, out_dir: &Path) -> std::io::Result<Evaluation> {
    let mut ids: Vec<String> = std::fs::read_dir(gold_dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".txt")).map(str::to_string))
        .collect();
    ids.sort();
    let read = |path: &Path| -> std::io::Result<Option<String>> {
        match std::fs::read(path) {
            Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    };
    let mut per_doc = Vec::with_capacity(ids.len());
    let mut missing = 0;
    for id in ids {
        let gold = read(&gold_dir.join(format!("{id}.txt")))?.unwrap_or_default();
        let out = match read(&out_dir.join(format!("{id}.txt")))? {
            Some(text) => text,
            None => {
                missing += 1;
                String::new()
            }
        };
        let (overlap, out_tokens, gold_tokens) = overlap(&gold, &out);
        let Prf { p, r, f1 } = prf(overlap, out_tokens, gold_tokens);
        per_doc.push(DocScore { id, overlap, out_tokens, gold_tokens, p, r, f1 });
    }
    let n = per_doc.len().max(1) as f64;
    let mean = |f: fn(&DocScore) -> f64| per_doc.iter().map(f).sum::<f64>() / n;
    let macro_avg = Prf { p: mean(|d| d.p), r: mean(|d| d.r), f1: mean(|d| d.f1) };
    let sum = |f: fn(&DocScore) -> usize| per_doc.iter().map(f).sum::<usize>();
    let micro_avg = prf(sum(|d| d.overlap), sum(|d| d.out_tokens), sum(|d| d.gold_tokens));
    Ok(Evaluation { docs: per_doc.len(), missing_outputs: missing, macro_avg, micro_avg, per_doc })
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
    }
}
