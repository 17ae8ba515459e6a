//! The engine: the one module that knows every stage, runs them in order for each document,
//! and owns the rounds between the judgement and the rules.
//!
//! normalise → segment → features and match (once) → decide → then, in *phases*: the
//! judgement runs rounds until it settles; if it dropped lines and some rule has a scope, the
//! rules' scopes are settled again among the lines kept (lines the judgement dropped can bring
//! a line into a scoped rule's reach); until a phase changes nothing. Matching runs only once;
//! everything that depends on position (scopes, cuts) is settled in [`crate::decide`], so
//! cleaning a cleaned text changes nothing. With the line model, when the rules' evidence (a
//! line dropped as chrome or as a marker before a kept line) played a part, the phases run
//! once more with the judgement blind to it, as it will be when the output is cleaned again:
//! the model reads the rounds' verdicts, which that evidence can move either way.
//!
//! The engine owns the one [`RoundBudget`] that bounds this work: phases, judgement rounds in
//! a phase (a round that judges again in another language counts too), and the sweeps each
//! settling of scopes may take.

use std::collections::HashMap;

use crate::decide::{decide, decide_after, dropped, Verdict};
use crate::heuristics::Row;
use crate::heuristics::{CommentMarks, Judgement, JudgementRules, Round};
use crate::matcher::{DocumentContext, Hit, RuleSet};
use crate::model::LineModel;
use crate::normalize::{normalize, normalize_owned};
use crate::segment::Document;
use crate::types::RoundBudget;

/// Cleans documents with one compiled [`RuleSet`] and a line model; share it across threads
/// by reference.
#[derive(Debug)]
pub struct Cleaner {
    rules: RuleSet,
    model: ModelSource,
}

/// Where a cleaner's line model comes from.
#[derive(Debug)]
enum ModelSource {
    /// The bundled model, parsed the first time a cleaner uses it.
    Bundled,
    /// A model given by the caller.
    Given(LineModel),
    /// None: the judgement's hand-written rounds decide alone.
    Without,
}

/// What the line model made of one line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineJudgement {
    /// The probability that the line is article text.
    pub probability: f32,
    /// The line's feature row.
    pub row: Row,
    /// The features that moved the probability most, with how much (log-odds), largest first.
    pub reasons: Vec<(usize, f32)>,
    /// The dial the line was judged at: the setting, or less in a text the rules found no
    /// chrome in (a line of the article needs a third of it).
    pub dial: f32,
}

impl LineJudgement {
    /// Features shown as reasons.
    pub const REASONS: usize = 4;

    fn of(model: &LineModel, row: Row, dial: f64) -> Self {
        let mut reasons: Vec<(usize, f32)> = model.contributions(&row).into_iter().enumerate().collect();
        reasons.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        reasons.truncate(Self::REASONS);
        LineJudgement { probability: model.probability(&row), row, reasons, dial: dial as f32 }
    }
}

/// The feature rows the judgement made for one document, each with its line (see
/// [`Cleaner::judgement_rows`]).
#[derive(Debug, Clone)]
pub struct JudgedRows {
    /// The outcome of cleaning.
    pub outcome: Outcome,
    /// Every row of every round, in the order they were judged, with its line.
    pub rows: Vec<(usize, Row)>,
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
    /// A cleaner over `rules`, with the bundled line model.
    pub fn new(rules: RuleSet) -> Self {
        Cleaner { rules, model: ModelSource::Bundled }
    }

    /// A cleaner over `rules` with `model` as its line model, or none (the judgement's rounds
    /// decide alone, as with `--disable heuristics/line-model`).
    pub fn with_model(rules: RuleSet, model: Option<LineModel>) -> Self {
        Cleaner { rules, model: model.map_or(ModelSource::Without, ModelSource::Given) }
    }

    /// Replaces the line model (`None`: the judgement's rounds decide alone).
    pub fn set_model(&mut self, model: Option<LineModel>) {
        self.model = model.map_or(ModelSource::Without, ModelSource::Given);
    }

    /// The line model, unless there is none or its rule is switched off.
    pub fn model(&self) -> Option<&LineModel> {
        let on = self.rules.heuristic_rules()[crate::types::Heuristic::LineModel.index()].is_some();
        match &self.model {
            _ if !on => None,
            ModelSource::Bundled => Some(crate::heuristics::bundled_model()),
            ModelSource::Given(model) => Some(model),
            ModelSource::Without => None,
        }
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
        self.run_recording(document, context, false).outcome
    }

    /// Cleans decoded text and returns, besides the outcome, the feature row of every line
    /// in every round of the judgement: what `thresh train` learns from.
    pub fn judgement_rows(&self, text: &str, context: DocumentContext<'_>) -> JudgedRows {
        let document = Document::from_normalized(normalize(text));
        let Recorded { outcome, rows, .. } = self.run_recording(document, context, true);
        JudgedRows { outcome, rows: rows.into_iter().map(|(line, row)| (line as usize, row)).collect() }
    }

    /// Cleans decoded text like [`Cleaner::run`] and tells, for each line the line model
    /// judged, what it made of it in the last round the line was judged in (the round that
    /// dropped it, or the last one): what `thresh explain` shows.
    pub fn run_explained(
        &self,
        text: &str,
        context: DocumentContext<'_>,
    ) -> (Outcome, Vec<Option<LineJudgement>>) {
        let document = Document::from_normalized(normalize(text));
        let Recorded { outcome, rows, dial } = self.run_recording(document, context, self.model().is_some());
        let mut judged: Vec<Option<LineJudgement>> = vec![None; outcome.document.len()];
        if let Some(model) = self.model() {
            for (line, row) in rows {
                judged[line as usize] = Some(LineJudgement::of(model, row, dial));
            }
        }
        (outcome, judged)
    }

    fn run_recording(&self, document: Document, context: DocumentContext<'_>, record: bool) -> Recorded {
        #[cfg(debug_assertions)]
        injected_fault(&document);
        let mut folded = crate::features::FoldedLines::default();
        let hits = self.rules.find_hits_folding(&document, context, &mut folded);
        let verdicts = decide(&self.rules, &document, &hits);
        let (verdicts, rows, dial) = self.settle(&document, &hits, &folded, verdicts, record);
        Recorded { outcome: Outcome { document, verdicts, hits }, rows, dial }
    }
}

/// What cleaning a document with its rows recorded gives.
struct Recorded {
    outcome: Outcome,
    /// Every row of every round (when recorded), with its line.
    rows: Vec<(u32, Row)>,
    /// The line model's dial for the document.
    dial: f64,
}

impl Cleaner {
    /// Runs the phases (see the module doc) from the rules' first `verdicts`.
    fn settle(
        &self,
        document: &Document,
        hits: &[Hit],
        folded: &crate::features::FoldedLines,
        mut verdicts: Vec<Verdict>,
        record: bool,
    ) -> (Vec<Verdict>, Vec<(u32, Row)>, f64) {
        let rules = JudgementRules {
            config: self.rules.heuristics_config(),
            heuristics: self.rules.heuristic_rules(),
            roles: self.rules.drop_roles(),
            model: self.model(),
        };
        let dial = rules.config.min_article_probability;
        let rules_dropped = verdicts.iter().any(|v| !v.is_keep());
        let comment_marks = CommentMarks::of(hits, rules.roles);
        let Some(mut judgement) = Judgement::new(rules, document, folded, rules_dropped, comment_marks)
        else {
            return (verdicts, Vec::new(), dial);
        };
        if record {
            judgement.record_rows();
        }
        // Without a scoped rule, the rules' verdicts cannot change: one phase is all.
        let scoped = hits.iter().any(|h| !self.rules.rule(h.rule).scope.is_whole_document());
        verdicts = self.phases(&mut judgement, document, hits, verdicts, scoped);
        // The line model reads the rounds' verdicts, which the rules' evidence can move either
        // way; cleaning the output sees no such evidence. Judging once more without it, until
        // settled, makes the output what cleaning it again would keep.
        if rules.model.is_some() && judgement.forget_evidence() {
            verdicts = self.phases(&mut judgement, document, hits, verdicts, scoped);
        }
        let dial = judgement.dial();
        (verdicts, judgement.take_recorded(), dial)
    }

    /// Phases (see the module doc) from `verdicts` until one changes nothing, within the
    /// budget.
    fn phases(
        &self,
        judgement: &mut Judgement<'_>,
        document: &Document,
        hits: &[Hit],
        mut verdicts: Vec<Verdict>,
        scoped: bool,
    ) -> Vec<Verdict> {
        let budget = RoundBudget::DEFAULT;
        for _ in 0..budget.phases {
            judgement.start_phase();
            let mut dropped_any = false;
            let mut rounds = 0;
            loop {
                match judgement.round(&mut verdicts) {
                    Round::Dropped => {
                        dropped_any = true;
                        rounds += 1;
                        if rounds == budget.rounds_per_phase {
                            break;
                        }
                    }
                    // Settled after drops: judge again if what is left reads as another language.
                    Round::Settled
                        if dropped_any
                            && rounds < budget.rounds_per_phase
                            && judgement.relabel(&verdicts) =>
                    {
                        rounds += 1;
                    }
                    Round::Settled | Round::Idle => break,
                }
            }
            if !dropped_any || !scoped {
                break;
            }
            let before = dropped(&verdicts);
            verdicts = decide_after(&self.rules, document, hits, verdicts, budget.sweeps);
            if dropped(&verdicts) == before {
                break;
            }
        }
        verdicts
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

    /// True when no line is kept, whether the input had lines or not: the cleaned text is
    /// empty.
    pub fn kept_nothing(&self) -> bool {
        self.verdicts.iter().all(|v| !v.is_keep())
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
