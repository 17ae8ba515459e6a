//! The tally of a corpus run: documents, bytes and lines in and out, what each rule dropped,
//! flagged documents with the command that explains them, failures.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::decide::Verdict;
use crate::engine::Outcome;

/// A document of at least this many bytes of which less than [`FLAG_KEPT_SHARE`] is kept is
/// flagged in the summary: the cleaner removed an implausibly large share of it.
const FLAG_MIN_BYTES: usize = 1000;
/// See [`FLAG_MIN_BYTES`].
const FLAG_KEPT_SHARE: f64 = 0.05;
/// How many flagged documents the stats name.
const FLAG_EXAMPLES: usize = 20;

/// One failed file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Failure {
    /// The input file.
    pub path: String,
    /// What went wrong.
    pub error: String,
}

/// Totals of a run, printed as the summary and written by `--stats`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Files cleaned completely.
    pub files_done: u64,
    /// Files skipped (not text, or output already there with --skip-existing).
    pub files_skipped: u64,
    /// Files that failed.
    pub files_failed: u64,
    /// Documents cleaned.
    pub documents: u64,
    /// Documents of which every line was dropped.
    pub documents_emptied: u64,
    /// Documents that lost an implausibly large share of their text (emptied ones included):
    /// worth a look with `thresh explain`.
    pub documents_flagged: u64,
    /// The first flagged documents (file, or file:line for JSONL records).
    pub flagged_examples: Vec<String>,
    /// For each of them, the `thresh explain` command that shows why its lines went.
    pub flagged_explain_commands: Vec<String>,
    /// JSONL lines that were not records (skipped or kept as they were).
    pub records_malformed: u64,
    /// Of those, records without the text field (or with a non-string one): a wrong
    /// `--text-field` shows here.
    pub records_missing_text_field: u64,
    /// Documents that were not valid UTF-8 in places but mostly were (or JSONL/WET records
    /// with invalid bytes): decoded as UTF-8 with each malformed sequence replaced by U+FFFD.
    pub documents_with_replacements: u64,
    /// Malformed byte sequences replaced by U+FFFD, over all documents.
    pub replaced_byte_sequences: u64,
    /// Documents whose cleaning hit an internal error (a bug, caught and reported); their
    /// records followed the `--on-error` policy, a text file failed alone.
    pub documents_failed: u64,
    /// Bytes of document text in.
    pub bytes_in: u64,
    /// Bytes of document text out.
    pub bytes_out: u64,
    /// Lines of document text in.
    pub lines_in: u64,
    /// Lines dropped.
    pub lines_dropped: u64,
    /// Lines dropped per rule id.
    pub lines_dropped_by_rule: BTreeMap<String, u64>,
    /// The failed files.
    pub failures: Vec<Failure>,
    /// True when the run was interrupted (Ctrl-C, SIGTERM).
    pub interrupted: bool,
    /// Unfinished temporary outputs of an interrupted run removed by `--skip-existing`.
    pub stale_temporaries_removed: u64,
    /// Documents left out of the output because their cleaned text was empty (`--drop-empty`).
    pub documents_dropped_empty: u64,
}

impl Stats {
    /// Share of the input text removed, in percent.
    pub fn percent_removed(&self) -> f64 {
        if self.bytes_in == 0 {
            0.0
        } else {
            100.0 * (1.0 - self.bytes_out as f64 / self.bytes_in as f64)
        }
    }

    /// The `n` rules that dropped most lines.
    pub fn top_rules(&self, n: usize) -> Vec<(&str, u64)> {
        let mut rules: Vec<(&str, u64)> =
            self.lines_dropped_by_rule.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        rules.truncate(n);
        rules
    }
}

/// A flagged document: its name in reports, and how to explain it.
pub(super) struct Flagged {
    pub(super) name: String,
    path: String,
    /// The `--record` of a JSONL or WET record.
    record: Option<String>,
}

impl Flagged {
    pub(super) fn file(path: &str) -> Self {
        Flagged { name: path.to_string(), path: path.to_string(), record: None }
    }

    pub(super) fn record(path: &str, record: String, name: String) -> Self {
        Flagged { name, path: path.to_string(), record: Some(record) }
    }

    /// `thresh explain [--record R] PATH`, quoted for a POSIX shell where needed.
    fn explain_command(&self) -> String {
        let quote = |word: &str| {
            let plain = !word.is_empty()
                && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
            if plain {
                word.to_string()
            } else {
                format!("'{}'", word.replace('\'', "'\\''"))
            }
        };
        match &self.record {
            Some(record) => format!("thresh explain --record {} {}", quote(record), quote(&self.path)),
            None => format!("thresh explain {}", quote(&self.path)),
        }
    }
}

/// Counts kept while documents are cleaned; rule drops by index, named at the end.
#[derive(Debug, Default)]
pub(super) struct Tally {
    pub(super) stats: Stats,
    pub(super) rule_drops: Vec<u64>,
}

impl Tally {
    pub(super) fn add_document(
        &mut self,
        text_len: usize,
        outcome: &Outcome,
        out_len: usize,
        name: impl FnOnce() -> Flagged,
    ) {
        let s = &mut self.stats;
        s.documents += 1;
        s.bytes_in += text_len as u64;
        s.bytes_out += out_len as u64;
        s.lines_in += outcome.document.len() as u64;
        if outcome.emptied() {
            s.documents_emptied += 1;
        }
        let implausible = text_len >= FLAG_MIN_BYTES && (out_len as f64) < FLAG_KEPT_SHARE * text_len as f64;
        if outcome.emptied() || implausible {
            s.documents_flagged += 1;
            if s.flagged_examples.len() < FLAG_EXAMPLES {
                let flagged = name();
                s.flagged_explain_commands.push(flagged.explain_command());
                s.flagged_examples.push(flagged.name);
            }
        }
        for verdict in &outcome.verdicts {
            if let Verdict::Drop(reason) = verdict {
                s.lines_dropped += 1;
                let rule = reason.rule as usize;
                if self.rule_drops.len() <= rule {
                    self.rule_drops.resize(rule + 1, 0);
                }
                self.rule_drops[rule] += 1;
            }
        }
    }

    /// Counts the malformed byte sequences replaced in one document.
    pub(super) fn add_replacements(&mut self, replacements: usize) {
        if replacements > 0 {
            self.stats.documents_with_replacements += 1;
            self.stats.replaced_byte_sequences += replacements as u64;
        }
    }

    pub(super) fn merge(&mut self, other: Tally) {
        // Destructured so that a new field cannot be forgotten here.
        let Stats {
            files_done,
            files_skipped,
            files_failed,
            documents,
            documents_emptied,
            documents_flagged,
            flagged_examples,
            flagged_explain_commands,
            records_malformed,
            records_missing_text_field,
            documents_with_replacements,
            replaced_byte_sequences,
            documents_failed,
            bytes_in,
            bytes_out,
            lines_in,
            lines_dropped,
            lines_dropped_by_rule,
            failures,
            interrupted,
            stale_temporaries_removed,
            documents_dropped_empty,
        } = other.stats;
        let a = &mut self.stats;
        a.files_done += files_done;
        a.files_skipped += files_skipped;
        a.files_failed += files_failed;
        a.documents += documents;
        a.documents_emptied += documents_emptied;
        a.documents_flagged += documents_flagged;
        let room = FLAG_EXAMPLES.saturating_sub(a.flagged_examples.len());
        a.flagged_examples.extend(flagged_examples.into_iter().take(room));
        a.flagged_explain_commands.extend(flagged_explain_commands.into_iter().take(room));
        a.records_malformed += records_malformed;
        a.records_missing_text_field += records_missing_text_field;
        a.documents_with_replacements += documents_with_replacements;
        a.replaced_byte_sequences += replaced_byte_sequences;
        a.documents_failed += documents_failed;
        a.bytes_in += bytes_in;
        a.bytes_out += bytes_out;
        a.lines_in += lines_in;
        a.lines_dropped += lines_dropped;
        // Named per rule only at the end (`Batch::finish`), from `rule_drops`.
        debug_assert!(lines_dropped_by_rule.is_empty());
        a.failures.extend(failures);
        a.interrupted |= interrupted;
        a.stale_temporaries_removed += stale_temporaries_removed;
        a.documents_dropped_empty += documents_dropped_empty;
        if self.rule_drops.len() < other.rule_drops.len() {
            self.rule_drops.resize(other.rule_drops.len(), 0);
        }
        for (i, n) in other.rule_drops.into_iter().enumerate() {
            self.rule_drops[i] += n;
        }
    }
}
