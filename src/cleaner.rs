//! The pipeline end to end: normalise → segment → match → decide.
//!
//! Matching runs once per document; everything that depends on position (scopes, cuts) is
//! settled in [`crate::decide`], so cleaning a cleaned text changes nothing.

use std::collections::HashMap;

use crate::decide::{decide, decide_after, dropped, Verdict};

/// Upper bound on rounds of rules and heuristics; real pages settle in one or two.
const MAX_ROUNDS: usize = 8;
use crate::matcher::{DocumentContext, Hit, RuleSet};
use crate::normalize::{normalize, normalize_owned};
use crate::segment::Document;

/// Cleans documents with one compiled [`RuleSet`]; share it across threads by reference.
#[derive(Debug)]
pub struct Cleaner {
    rules: RuleSet,
}

/// The result of cleaning one document: the normalised input and a verdict for each line.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The normalised, segmented input.
    pub document: Document,
    /// One verdict per line of `document`.
    pub verdicts: Vec<Verdict>,
    /// Every hit, live or vetoed, with line numbers of `document`.
    pub hits: Vec<Hit>,
}

impl Cleaner {
    /// A cleaner over `rules`.
    pub fn new(rules: RuleSet) -> Self {
        Cleaner { rules }
    }

    /// The compiled rules.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Cleans decoded text and returns the kept text.
    pub fn clean(&self, text: &str) -> String {
        self.run(text, DocumentContext::default()).text()
    }

    /// Cleans decoded text and returns every verdict.
    pub fn run(&self, text: &str, context: DocumentContext<'_>) -> Outcome {
        let document = Document::from_normalized(normalize(text));
        self.run_document(document, context)
    }

    /// Like [`Cleaner::run`], normalising the text in its own buffer (a huge document is
    /// not held twice).
    pub fn run_owned(&self, text: String, context: DocumentContext<'_>) -> Outcome {
        self.run_document(Document::from_normalized(normalize_owned(text)), context)
    }

    /// Cleans an already normalised and segmented document.
    pub fn run_document(&self, document: Document, context: DocumentContext<'_>) -> Outcome {
        #[cfg(debug_assertions)]
        injected_fault(&document);
        let mut folded = crate::features::FoldedLines::default();
        let hits = self.rules.find_hits_folding(&document, context, &mut folded);
        let mut verdicts = decide(&self.rules, &document, &hits);
        // Rules and heuristics settle together: lines the heuristics drop can bring lines into
        // a scoped rule's reach, and the rules' drops change the heuristics' context.
        let scoped = hits.iter().any(|h| !self.rules.rule(h.rule).scope.is_whole_document());
        let judgement = crate::heuristics::JudgementRules {
            config: self.rules.heuristics_config(),
            heuristics: self.rules.heuristic_rules(),
            roles: self.rules.drop_roles(),
        };
        for _ in 0..MAX_ROUNDS {
            if !crate::heuristics::apply(&judgement, &document, &folded, &mut verdicts) || !scoped {
                break;
            }
            let before = dropped(&verdicts);
            verdicts = decide_after(&self.rules, &document, &hits, verdicts);
            if dropped(&verdicts) == before {
                break;
            }
        }
        Outcome { document, verdicts, hits }
    }
}

/// Test hook, in debug builds only: a document containing the value of
/// `THRESH_TEST_PANIC_ON` panics, so tests can check that a bug in one document is contained.
#[cfg(debug_assertions)]
fn injected_fault(document: &Document) {
    static MARKER: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let marker = MARKER.get_or_init(|| std::env::var("THRESH_TEST_PANIC_ON").ok().filter(|m| !m.is_empty()));
    if let Some(marker) = marker {
        if document.text().contains(marker.as_str()) {
            panic!("injected fault for THRESH_TEST_PANIC_ON");
        }
    }
}

impl Outcome {
    /// The kept text: kept lines, blocks separated by one blank line.
    pub fn text(&self) -> String {
        self.document.render_kept(|i| self.verdicts[i].is_keep())
    }

    /// The kept text for a document held in a field (a JSONL record, a dataframe cell): like
    /// [`Outcome::text`], but ending with a newline only if `original` did.
    pub fn field_text(&self, original: &str) -> String {
        self.text_for_field(original.ends_with('\n'))
    }

    /// Like [`Outcome::field_text`], for an original that is no longer at hand.
    pub(crate) fn text_for_field(&self, original_ends_with_newline: bool) -> String {
        let mut text = self.text();
        if !original_ends_with_newline && text.ends_with('\n') {
            text.pop();
        }
        text
    }

    /// Number of lines dropped.
    pub fn dropped_lines(&self) -> usize {
        dropped(&self.verdicts)
    }

    /// True when the input had lines and none was kept.
    pub fn emptied(&self) -> bool {
        !self.document.is_empty() && self.verdicts.iter().all(|v| !v.is_keep())
    }

    /// Lines dropped per rule id, most first.
    pub fn drops_by_rule<'r>(&self, rules: &'r RuleSet) -> Vec<(&'r str, usize)> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for verdict in &self.verdicts {
            if let Verdict::Drop(reason) = verdict {
                *counts.entry(rules.rule(reason.rule).id.as_str()).or_default() += 1;
            }
        }
        let mut counts: Vec<_> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::RuleSetBuilder;
    use crate::rules::parse_pack;
    use std::path::Path;

    fn cleaner(toml: &str) -> Cleaner {
        let mut b = RuleSetBuilder::new();
        b.add_pack(parse_pack(Path::new("t.toml"), toml).unwrap().pack);
        Cleaner::new(b.build().unwrap())
    }

    #[test]
    fn a_scoped_rule_reaches_lines_freed_by_other_drops() {
        // "Tags" is in the last block only once the share line below it has gone.
        let c = cleaner(
            "[[rule]]\nid = \"tags\"\nline = \"Tags\"\nscope = { last_blocks = 1 }\n\
             [[rule]]\nid = \"share\"\nline = \"Share\"\n",
        );
        let once = c.clean("Body text.\n\nTags\n\nShare\n");
        assert_eq!(once, "Body text.\n");
        assert_eq!(c.clean(&once), once);
    }

    #[test]
    fn reports_emptied_documents() {
        let c = cleaner("[[rule]]\nid = \"x\"\nline = \"Advertisement\"\n");
        let outcome = c.run("Advertisement\n", DocumentContext::default());
        assert!(outcome.emptied());
        assert_eq!(outcome.text(), "");
        assert!(!c.run("", DocumentContext::default()).emptied());
    }
}
