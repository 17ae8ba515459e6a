//! The pipeline end to end: normalise → segment → match → decide, repeated to a fixed point.
//!
//! Why more than one pass: a rule limited to the last N blocks (or first N lines) may reach a
//! line only after other chrome around it has gone. Cleaning is defined as repeating the pass on
//! the kept lines until nothing changes, so that cleaning a cleaned text changes nothing. A
//! further pass runs only when the last one dropped something *and* some drop rule was held back
//! by its scope, which is rare; at most [`MAX_PASSES`] run.

use std::collections::HashMap;

use crate::decide::{decide, DropCause, DropReason, KeepReason, Verdict};
use crate::matcher::{DocumentContext, Evidence, Hit, RuleSet, Veto};
use crate::normalize::normalize;
use crate::rules::Action;
use crate::segment::Document;

/// Upper bound on passes over one document.
pub const MAX_PASSES: usize = 4;

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
    /// How many passes ran.
    pub passes: usize,
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

    /// Cleans an already normalised and segmented document.
    pub fn run_document(&self, document: Document, context: DocumentContext<'_>) -> Outcome {
        let mut hits = self.rules.find_hits(&document, context);
        let mut verdicts = decide(&self.rules, &document, &hits);
        let mut passes = 1;
        // `origin[i]` is the line of `document` that line i of the current pass came from.
        let mut origin: Vec<usize> = (0..document.len()).collect();
        let mut changed = verdicts.iter().any(|v| !v.is_keep());
        let mut held_back = self.held_back_by_scope(&hits);
        while changed && held_back && passes < MAX_PASSES {
            origin.retain(|&line| verdicts[line].is_keep());
            let pass_doc = kept_document(&document, &origin);
            let pass_hits = self.rules.find_hits(&pass_doc, context);
            let pass_verdicts = decide(&self.rules, &pass_doc, &pass_hits);
            changed = false;
            for (line, verdict) in pass_verdicts.into_iter().enumerate() {
                if !verdict.is_keep() {
                    changed = true;
                    verdicts[origin[line]] = remap_verdict(verdict, &origin);
                }
            }
            held_back = self.held_back_by_scope(&pass_hits);
            merge_hits(&mut hits, pass_hits, &origin);
            passes += 1;
        }
        Outcome { document, verdicts, hits, passes }
    }

    fn held_back_by_scope(&self, hits: &[Hit]) -> bool {
        hits.iter()
            .any(|h| h.veto == Some(Veto::Scope) && self.rules.rule(h.rule).action != Action::Keep)
    }
}

/// The lines of `document` listed in `lines`, keeping the block structure.
fn kept_document(document: &Document, lines: &[usize]) -> Document {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut last_block = None;
    for &line in lines {
        let block = document.lines()[line].block;
        if last_block != Some(block) {
            blocks.push(Vec::new());
            last_block = Some(block);
        }
        blocks.last_mut().expect("pushed above").push(document.line_text(line));
    }
    Document::from_blocks(blocks)
}

fn remap_evidence(evidence: Evidence, origin: &[usize]) -> Evidence {
    match evidence {
        Evidence::Repeat { first } => Evidence::Repeat { first: origin[first] },
        other => other,
    }
}

fn remap_verdict(verdict: Verdict, origin: &[usize]) -> Verdict {
    match verdict {
        Verdict::Drop(DropReason { rule, cause }) => {
            let cause = match cause {
                DropCause::Matched(e) => DropCause::Matched(remap_evidence(e, origin)),
                DropCause::InBlock { marker } => DropCause::InBlock { marker: origin[marker] },
                DropCause::InWindow { marker } => DropCause::InWindow { marker: origin[marker] },
                DropCause::AfterMarker { marker } => DropCause::AfterMarker { marker: origin[marker] },
                DropCause::BeforeMarker { marker } => DropCause::BeforeMarker { marker: origin[marker] },
            };
            Verdict::Drop(DropReason { rule, cause })
        }
        Verdict::Keep(KeepReason::Exception { rule, evidence }) => {
            Verdict::Keep(KeepReason::Exception { rule, evidence: remap_evidence(evidence, origin) })
        }
        keep => keep,
    }
}

fn merge_hits(hits: &mut Vec<Hit>, pass_hits: Vec<Hit>, origin: &[usize]) {
    let mut seen: HashMap<(usize, usize), usize> =
        hits.iter().enumerate().map(|(i, h)| ((h.line, h.rule), i)).collect();
    for hit in pass_hits {
        let line = origin[hit.line];
        let mapped = Hit { line, evidence: remap_evidence(hit.evidence, origin), ..hit };
        match seen.get(&(line, mapped.rule)) {
            // A hit held back by scope in an earlier pass may be live now.
            Some(&i) => hits[i] = mapped,
            None => {
                seen.insert((line, mapped.rule), hits.len());
                hits.push(mapped);
            }
        }
    }
    hits.sort_by_key(|h| (h.line, h.rule));
}

impl Outcome {
    /// The kept text: kept lines, blocks separated by one blank line.
    pub fn text(&self) -> String {
        self.document.render_kept(|i| self.verdicts[i].is_keep())
    }

    /// Number of lines dropped.
    pub fn dropped_lines(&self) -> usize {
        self.verdicts.iter().filter(|v| !v.is_keep()).count()
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
        let outcome = c.run("Body text.\n\nTags\n\nShare\n", DocumentContext::default());
        assert_eq!(outcome.passes, 2);
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
