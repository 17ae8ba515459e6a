//! Stage 6, decide: hits → one verdict per line, with the reason.
//!
//! Precedence, highest first:
//! 1. **Exceptions.** A line hit by a `keep` rule stays, whatever else matched. A structural
//!    marker (drop-to-end, drop-to-start, drop-window) that an exception keeps is disarmed:
//!    the user said that line is not chrome, so it cannot mark chrome either.
//! 2. **Structural cuts.** A live drop-to-end marker drops everything after it (and itself,
//!    when inclusive); the first such marker wins. drop-to-start drops everything before it.
//! 3. **Windows and blocks.** drop-window drops lines or blocks around its marker; drop-block
//!    drops the marker's paragraph (only the marker when the block exceeds `max_block_words`).
//! 4. **Line drops.** drop-line and drop-repeat drop the line itself.
//!
//! **Scope is measured in the output.** "The first 20 lines" means the first 20 lines that are
//! kept, so chrome removed above a repeated headline brings it into reach, and cleaning a
//! cleaned text changes nothing. Rules without a scope do not depend on position and apply
//! once; scoped rules are then applied in a forward sweep (exact counts for first-N bounds) and
//! a backward sweep (last-N bounds), repeated until nothing changes (within the engine's
//! [`RoundBudget`]). Matching runs only once.
//!
//! Vetoed hits (a guard or the scope said no) never drop anything; they are remembered so that
//! `explain` can say which guard kept the line. When a line is dropped for several reasons the
//! verdict names the most direct one: its own match before a block, window or cut.

mod positions;

use positions::{in_scope, KeptRank, Positions};

use crate::matcher::RuleSet;
use crate::rules::{Action, Unit};
use crate::segment::Document;
pub use crate::types::{dropped, DropCause, DropReason, KeepReason, Verdict};
use crate::types::{Hit, RoundBudget, RuleIndex, Veto};

/// Directness of a cause: lower wins when a line is reached by several rules.
fn rank(cause: &DropCause) -> u8 {
    match cause {
        DropCause::Matched(_) => 0,
        DropCause::InBlock { .. } => 1,
        DropCause::InWindow { .. } => 2,
        DropCause::AfterMarker { .. } | DropCause::BeforeMarker { .. } => 3,
        DropCause::Heuristic => 4,
    }
}

/// The drops decided so far: a verdict per line, where every `Keep` still means "not
/// dropped" only (why it stays is settled at the end). One table instead of drops and verdicts
/// side by side: on a huge document every byte per line counts.
struct Decision<'a> {
    rules: &'a RuleSet,
    doc: &'a Document,
    drops: Vec<Verdict>,
}

impl Decision<'_> {
    /// The blocks `range` to drop for `rule`, or just `marker` when they hold more words than
    /// the rule's `max_block_words`.
    fn limit_blocks(
        &mut self,
        rule: RuleIndex,
        blocks: std::ops::RangeInclusive<usize>,
        marker: usize,
    ) -> std::ops::Range<usize> {
        let doc = self.doc;
        let lines = doc.blocks()[*blocks.start()].start..doc.blocks()[*blocks.end()].end;
        let Some(max) = self.rules.rule(rule).guards.max_block_words else { return lines };
        let words = doc.words_in_blocks(blocks);
        if words > max {
            marker..marker + 1
        } else {
            lines
        }
    }

    fn kept(&self, line: usize) -> bool {
        self.drops[line].is_keep()
    }

    fn mark(&mut self, line: usize, rule: RuleIndex, cause: DropCause) {
        let slot = &mut self.drops[line];
        let replace = match slot {
            Verdict::Drop(old) => rank(&cause) < rank(&old.cause),
            Verdict::Keep(_) => true,
        };
        if replace {
            *slot = Verdict::Drop(DropReason { rule, cause });
        }
    }

    /// Applies one live hit; cuts are applied here too.
    fn apply(&mut self, hit: &Hit) {
        let (rules, doc) = (self.rules, self.doc);
        // The marker's index for positions, and as the causes hold it.
        let (at, marker) = (hit.line as usize, hit.line);
        let matched = DropCause::Matched(hit.evidence);
        match rules.rule(hit.rule).action {
            Action::Keep | Action::Heuristic | Action::Mark => {}
            Action::DropLine | Action::DropRepeat => self.mark(at, hit.rule, matched),
            Action::DropBlock { from_line } => {
                let block = doc.lines()[at].block();
                let range = self.limit_blocks(hit.rule, block..=block, at);
                // `max_block_words` still weighs the whole block, as without `from_line`: a
                // heading inside a long block loses only itself.
                let range = if from_line { range.start.max(at)..range.end } else { range };
                self.mark_range(range, hit, |_| DropCause::InBlock { marker });
            }
            Action::DropWindow(window) => {
                let range = match window.unit {
                    Unit::Lines => at.saturating_sub(window.before)..(at + window.after + 1).min(doc.len()),
                    Unit::Blocks => {
                        let block = doc.lines()[at].block();
                        let first = block.saturating_sub(window.before);
                        let last = (block + window.after).min(doc.blocks().len() - 1);
                        self.limit_blocks(hit.rule, first..=last, at)
                    }
                };
                self.mark_range(range, hit, |_| DropCause::InWindow { marker });
            }
            Action::DropToEnd { inclusive } => {
                if inclusive {
                    self.mark(at, hit.rule, matched);
                }
                for line in at + 1..doc.len() {
                    self.mark(line, hit.rule, DropCause::AfterMarker { marker });
                }
            }
            Action::DropToStart { inclusive } => {
                if inclusive {
                    self.mark(at, hit.rule, matched);
                }
                for line in 0..at {
                    self.mark(line, hit.rule, DropCause::BeforeMarker { marker });
                }
            }
        }
    }

    fn mark_range(&mut self, range: std::ops::Range<usize>, hit: &Hit, cause: impl Fn(usize) -> DropCause) {
        for line in range {
            let cause =
                if line == hit.line as usize { DropCause::Matched(hit.evidence) } else { cause(line) };
            self.mark(line, hit.rule, cause);
        }
    }

    /// Where every line stands among the kept lines and blocks before a sweep changes them.
    fn positions(&self) -> Positions {
        let doc = self.doc;
        let lines = KeptRank::new((0..doc.len()).map(|l| self.kept(l)));
        let blocks = KeptRank::new(doc.blocks().iter().map(|b| b.clone().any(|l| lines.get(l))));
        Positions { lines, blocks }
    }

    /// Applies the scoped hits that are in scope, walking forward (exact first-N counts) or
    /// backward (exact last-N counts, `scoped` in reverse); returns whether anything new was
    /// dropped.
    fn sweep<'h>(&mut self, scoped: impl Iterator<Item = &'h Hit>, forward: bool) -> bool {
        let before = dropped(&self.drops);
        let snapshot = self.positions();
        let n = self.doc.len();
        // Lines passed so far that are still kept, counted from the sweep's starting end.
        let mut passed_kept = 0;
        let mut next = if forward { 0 } else { n };
        for hit in scoped {
            let line = hit.line as usize;
            if forward {
                while next < line {
                    passed_kept += usize::from(self.kept(next));
                    next += 1;
                }
            } else {
                while next > line + 1 {
                    next -= 1;
                    passed_kept += usize::from(self.kept(next));
                }
            }
            // A marker acts even when another rule already dropped its line: chrome often marks
            // where more chrome begins or ends ("Privacy and Cookie Policies." ends a header).
            let mut at = snapshot.of(self.doc, line);
            if forward {
                at.lines_before = passed_kept as u32;
            } else {
                at.lines_after = passed_kept as u32;
            }
            if in_scope(&self.rules.rule(hit.rule).scope, at) {
                self.apply(hit);
                // A cut empties one side: recount from the cut.
                if let Action::DropToStart { .. } = self.rules.rule(hit.rule).action {
                    passed_kept = 0;
                }
                if let Action::DropToEnd { .. } = self.rules.rule(hit.rule).action {
                    passed_kept = 0;
                }
            }
        }
        dropped(&self.drops) > before
    }
}

/// Decides every line of `doc` from its `hits` (sorted by line).
pub fn decide(rules: &RuleSet, doc: &Document, hits: &[Hit]) -> Vec<Verdict> {
    decide_after(rules, doc, hits, Vec::new(), RoundBudget::DEFAULT.sweeps)
}

/// Like [`decide`], with the drops already made by a later stage (the heuristics) taken as
/// given, so that scoped rules count positions among the lines those drops leave. `earlier`
/// (one verdict per line, or empty) is taken over and becomes the result: no second table.
/// Scoped rules are swept forward and backward at most `max_sweeps` times (the engine's
/// [`RoundBudget`]).
pub fn decide_after(
    rules: &RuleSet,
    doc: &Document,
    hits: &[Hit],
    earlier: Vec<Verdict>,
    max_sweeps: usize,
) -> Vec<Verdict> {
    let n = doc.len();
    // The first live exception of each line, in line order (hits come sorted by line). Few
    // lines have one: a list, where a table per line took 8 bytes of each.
    let mut exceptions: Vec<&Hit> = Vec::new();
    for hit in hits.iter().filter(|h| h.veto.is_none() && rules.rule(h.rule).action == Action::Keep) {
        if exceptions.last().is_none_or(|last| last.line != hit.line) {
            exceptions.push(hit);
        }
    }
    let excepted = |line: u32| exceptions.binary_search_by_key(&line, |h| h.line).is_ok();
    // Live drop hits, walked in place: lists of them took 8 bytes a hit, and a huge document
    // can have a hit on most lines.
    let live = |scoped: bool| {
        hits.iter().filter(move |h| {
            let rule = rules.rule(h.rule);
            h.veto.is_none()
                && rule.action != Action::Keep
                && rule.scope.is_whole_document() != scoped
                && !excepted(h.line)
        })
    };

    let mut drops = earlier;
    drops.resize(n, Verdict::Keep(KeepReason::NoMatch));
    let mut decision = Decision { rules, doc, drops };
    // Position-free rules first. Of several footers only the first matters; applying each is
    // the same as applying the first.
    for hit in live(false) {
        decision.apply(hit);
    }
    for _ in 0..max_sweeps {
        let forward = decision.sweep(live(true), true);
        let backward = decision.sweep(live(true).rev(), false);
        if !forward && !backward {
            break;
        }
    }

    let mut verdicts = decision.drops;
    let mut vetoed = hits.iter().filter(|h| rules.rule(h.rule).action != Action::Keep).peekable();
    let mut exceptions = exceptions.into_iter().peekable();
    for (line, verdict) in verdicts.iter_mut().enumerate() {
        let mut first_veto = None;
        while let Some(hit) = vetoed.next_if(|h| h.line as usize <= line) {
            if hit.line as usize != line || first_veto.is_some() {
                continue;
            }
            let veto = match hit.veto {
                Some(veto) => Some(veto),
                None if !rules.rule(hit.rule).scope.is_whole_document() => Some(Veto::Scope),
                None => None,
            };
            first_veto = veto.map(|veto| KeepReason::Vetoed { rule: hit.rule, veto });
        }
        if let Some(hit) = exceptions.next_if(|h| h.line as usize == line) {
            *verdict = Verdict::Keep(KeepReason::Exception { rule: hit.rule, evidence: hit.evidence });
        } else if verdict.is_keep() {
            *verdict = Verdict::Keep(first_veto.unwrap_or(KeepReason::NoMatch));
        }
    }
    verdicts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::RuleSetBuilder;
    use crate::normalize::normalize;
    use crate::rules::parse_pack;
    use std::path::Path;

    fn run(rules_toml: &str, text: &str) -> String {
        let mut b = RuleSetBuilder::new();
        b.add_pack(parse_pack(Path::new("t.toml"), rules_toml).unwrap().pack);
        let rules = b.build().unwrap();
        let doc = Document::from_normalized(normalize(text));
        let hits = rules.find_hits(&doc, Default::default());
        let verdicts = decide(&rules, &doc, &hits);
        doc.render_kept(|i| verdicts[i].is_keep())
    }

    proptest::proptest! {
        #[test]
        fn kept_rank_counts_like_a_walk(kept in proptest::collection::vec(proptest::bool::ANY, 0..300)) {
            let rank = KeptRank::new(kept.iter().copied());
            let total = kept.iter().filter(|&&k| k).count() as u32;
            for (i, &k) in kept.iter().enumerate() {
                let before = kept[..i].iter().filter(|&&k| k).count() as u32;
                proptest::prop_assert_eq!(rank.get(i), k);
                proptest::prop_assert_eq!(rank.before(i), before);
                proptest::prop_assert_eq!(rank.after(i), total - before - u32::from(k));
            }
        }
    }

    #[test]
    fn drop_block_takes_the_paragraph() {
        let out = run(
            "[[rule]]\nid = \"x\"\nline = \"Promo\"\naction = \"drop-block\"\n",
            "a\n\nPromo\nbuy now\n\nb\n",
        );
        assert_eq!(out, "a\n\nb\n");
    }

    #[test]
    fn max_block_words_limits_a_block_drop_to_the_marker() {
        let rules =
            "[[rule]]\nid = \"x\"\nline = \"Related\"\naction = \"drop-block\"\nmax_block_words = 8\n";
        assert_eq!(run(rules, "a\n\nRelated\nShort one\nShort two\n\nb\n"), "a\n\nb\n");
        let glued = "a\n\nRelated\nThe council said the new rules would take effect in March.\n";
        assert_eq!(run(rules, glued), "a\n\nThe council said the new rules would take effect in March.\n");
    }

    #[test]
    fn drop_block_from_line_spares_what_is_above_the_marker() {
        let rules =
            "[[rule]]\nid = \"x\"\nline = \"Related Posts\"\naction = \"drop-block\"\nfrom_line = true\n";
        // An extractor's output in one block: the article above the heading stays.
        let one_block =
            "Headline\nA short article of one paragraph.\nRelated Posts\nOther story\nAnother story\n";
        assert_eq!(run(rules, one_block), "Headline\nA short article of one paragraph.\n");
        assert_eq!(run(rules, "a\n\nRelated Posts\nOther story\n\nb\n"), "a\n\nb\n");
        // max_block_words still weighs the whole block: a long one loses only the heading.
        let guarded = rules.replace("from_line = true", "from_line = true\nmax_block_words = 8");
        assert_eq!(
            run(&guarded, one_block),
            "Headline\nA short article of one paragraph.\nOther story\nAnother story\n"
        );
    }

    #[test]
    fn drop_to_end_cuts_at_the_first_marker() {
        let rules = "[[rule]]\nid = \"x\"\nline = \"Related:\"\naction = \"drop-to-end\"\n";
        assert_eq!(run(rules, "a\n\nRelated:\n\nb\n\nRelated:\n\nc\n"), "a\n");
        let keep_marker = rules.replace("drop-to-end\"", "drop-to-end\"\ninclusive = false");
        assert_eq!(run(&keep_marker, "a\n\nRelated:\n\nb\n"), "a\n\nRelated:\n");
    }

    #[test]
    fn drop_to_start_cuts_at_the_last_marker_in_scope() {
        let rules = "[[rule]]\nid = \"x\"\nline = \"Skip\"\naction = \"drop-to-start\"\nscope = { first_lines = 3 }\n";
        // Line 4's marker is the second kept line once the first cut is made, so it cuts too;
        // line 6's marker stays out of reach (body precedes it in the first three kept lines).
        assert_eq!(run(rules, "m1\nSkip\nm2\nSkip\nbody\nx\ny\nSkip\ntail\n"), "body\nx\ny\nSkip\ntail\n");
    }

    #[test]
    fn drop_window_in_blocks_and_lines() {
        let blocks = "[[rule]]\nid = \"x\"\nline = \"Other Topics\"\naction = \"drop-window\"\nwindow = { after = 2, unit = \"blocks\" }\n";
        assert_eq!(run(blocks, "a\n\nHeadline\nOther Topics\n\nHeadline\n\nSummary.\n\nb\n"), "a\n\nb\n");
        let lines = "[[rule]]\nid = \"x\"\nline = \"M\"\naction = \"drop-window\"\nwindow = { before = 1, after = 1 }\n";
        assert_eq!(run(lines, "a\nb\nM\nc\nd\n"), "a\nd\n");
    }

    #[test]
    fn scope_counts_kept_lines_so_repeats_freed_by_drops_go_in_one_decision() {
        let rules = "[[rule]]\nid = \"rep\"\naction = \"drop-repeat\"\nscope = { first_lines = 2 }\n\
                     [[rule]]\nid = \"ad\"\nline = \"Ad\"\n";
        // Every repeat of "Head" lies within the first two *kept* lines once the ads are gone.
        assert_eq!(run(rules, "Ad\nAd\nHead\nAd\nHead\nHead\nBody\nHead\n"), "Head\nBody\nHead\n");
    }

    #[test]
    fn last_scopes_count_from_the_end_of_the_kept_text() {
        let rules = "[[rule]]\nid = \"tags\"\nline = \"Tags\"\nscope = { last_blocks = 1 }\n\
                     [[rule]]\nid = \"share\"\nline = \"Share\"\n";
        assert_eq!(run(rules, "Body.\n\nTags\n\nShare\n"), "Body.\n");
        assert_eq!(run(rules, "Tags\n\nBody.\n\nShare\n"), "Tags\n\nBody.\n");
    }

    #[test]
    fn exceptions_win_and_disarm_markers() {
        let rules = "[[rule]]\nid = \"drop\"\nline = [\"Share\", \"Related\"]\naction = \"drop-to-end\"\n\
                     [[rule]]\nid = \"keep\"\nline = \"Share\"\naction = \"keep\"\n";
        assert_eq!(run(rules, "a\n\nShare\n\nb\n\nRelated\n\nc\n"), "a\n\nShare\n\nb\n");
    }

    #[test]
    fn vetoed_hits_keep_the_line_and_say_why() {
        let mut b = RuleSetBuilder::new();
        b.add_pack(
            parse_pack(Path::new("t.toml"), "[[rule]]\nid = \"x\"\ncontains = \"ad\"\nmax_words = 2\n")
                .unwrap()
                .pack,
        );
        let rules = b.build().unwrap();
        let doc = Document::from_normalized(normalize("an ad here\nad\n"));
        let verdicts = decide(&rules, &doc, &rules.find_hits(&doc, Default::default()));
        assert_eq!(verdicts[0], Verdict::Keep(KeepReason::Vetoed { rule: 0, veto: Veto::MaxWords }));
        assert!(!verdicts[1].is_keep());
    }
}
