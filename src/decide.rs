//! Stage 6, decide: hits → one verdict per line, with the reason.
//!
//! Precedence, highest first:
//! 1. **Exceptions.** A line hit by a `keep` rule stays, whatever else matched. A structural
//!    marker (drop-to-end, drop-to-start, drop-window) that an exception keeps is disarmed:
//!    the user said that line is not chrome, so it cannot mark chrome either.
//! 2. **Structural cuts.** The first live drop-to-end marker drops everything after it (and
//!    itself, when inclusive); the last live drop-to-start marker drops everything before it.
//! 3. **Windows and blocks.** drop-window drops lines or blocks around its marker; drop-block
//!    drops the marker's paragraph.
//! 4. **Line drops.** drop-line and drop-repeat drop the line itself.
//!
//! Vetoed hits (a guard or the scope said no) never drop anything; they are remembered so that
//! `explain` can say which guard kept the line. When a line is dropped for several reasons the
//! verdict names the most direct one: its own match before a block, window or cut.

use crate::matcher::{Evidence, Hit, RuleIndex, RuleSet, Veto};
use crate::rules::{Action, Unit};
use crate::segment::Document;

/// The verdict on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The line stays.
    Keep(KeepReason),
    /// The line goes.
    Drop(DropReason),
}

impl Verdict {
    /// True for [`Verdict::Keep`].
    pub fn is_keep(&self) -> bool {
        matches!(self, Verdict::Keep(_))
    }
}

/// Why a line stays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeepReason {
    /// No rule matched it.
    NoMatch,
    /// An exception (`keep`) rule matched it.
    Exception {
        /// The keep rule.
        rule: RuleIndex,
        /// What it matched.
        evidence: Evidence,
    },
    /// A drop rule matched, but a guard or the scope vetoed it.
    Vetoed {
        /// The drop rule.
        rule: RuleIndex,
        /// The guard that said no.
        veto: Veto,
    },
}

/// Why a line goes: the rule and how the line was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropReason {
    /// The rule that dropped it.
    pub rule: RuleIndex,
    /// How.
    pub cause: DropCause,
}

/// How a drop rule reached a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropCause {
    /// The rule matched this line.
    Matched(Evidence),
    /// The line shares a block with the marker line.
    InBlock {
        /// 0-based marker line.
        marker: usize,
    },
    /// The line lies in a window around the marker line.
    InWindow {
        /// 0-based marker line.
        marker: usize,
    },
    /// The line lies after a footer marker.
    AfterMarker {
        /// 0-based marker line.
        marker: usize,
    },
    /// The line lies before a header marker.
    BeforeMarker {
        /// 0-based marker line.
        marker: usize,
    },
}

/// Directness of a cause: lower wins when a line is reached by several rules.
fn rank(cause: &DropCause) -> u8 {
    match cause {
        DropCause::Matched(_) => 0,
        DropCause::InBlock { .. } => 1,
        DropCause::InWindow { .. } => 2,
        DropCause::AfterMarker { .. } | DropCause::BeforeMarker { .. } => 3,
    }
}

/// True when the lines in `range` hold more words than the rule's `max_block_words`.
fn too_big(rules: &RuleSet, rule: RuleIndex, doc: &Document, range: &std::ops::Range<usize>) -> bool {
    rules.rule(rule).guards.max_block_words.is_some_and(|max| {
        range.clone().map(|line| crate::fold::word_count(doc.line_text(line))).sum::<usize>() > max
    })
}

/// Decides every line of `doc` from its `hits` (sorted by line).
pub fn decide(rules: &RuleSet, doc: &Document, hits: &[Hit]) -> Vec<Verdict> {
    let n = doc.len();
    let mut exception: Vec<Option<&Hit>> = vec![None; n];
    for hit in hits.iter().filter(|h| h.veto.is_none()) {
        if rules.rule(hit.rule).action == Action::Keep && exception[hit.line].is_none() {
            exception[hit.line] = Some(hit);
        }
    }
    let mut drops: Vec<Option<DropReason>> = vec![None; n];
    let mut mark = |line: usize, reason: DropReason| {
        let slot = &mut drops[line];
        if slot.as_ref().is_none_or(|old| rank(&reason.cause) < rank(&old.cause)) {
            *slot = Some(reason);
        }
    };
    let live_drops = hits
        .iter()
        .filter(|h| h.veto.is_none() && exception[h.line].is_none())
        .filter(|h| rules.rule(h.rule).action != Action::Keep);

    let mut first_footer: Option<&Hit> = None;
    let mut last_header: Option<&Hit> = None;
    for hit in live_drops {
        let marker = hit.line;
        match rules.rule(hit.rule).action {
            Action::Keep => {}
            Action::DropLine | Action::DropRepeat => {
                mark(marker, DropReason { rule: hit.rule, cause: DropCause::Matched(hit.evidence.clone()) });
            }
            Action::DropBlock => {
                let block = doc.blocks()[doc.lines()[marker].block].clone();
                let block = if too_big(rules, hit.rule, doc, &block) { marker..marker + 1 } else { block };
                for line in block {
                    let cause = if line == marker {
                        DropCause::Matched(hit.evidence.clone())
                    } else {
                        DropCause::InBlock { marker }
                    };
                    mark(line, DropReason { rule: hit.rule, cause });
                }
            }
            Action::DropWindow(window) => {
                let range = match window.unit {
                    Unit::Lines => marker.saturating_sub(window.before)..(marker + window.after + 1).min(n),
                    Unit::Blocks => {
                        let block = doc.lines()[marker].block;
                        let blocks = doc.blocks();
                        let first = block.saturating_sub(window.before);
                        let last = (block + window.after).min(blocks.len() - 1);
                        let range = blocks[first].start..blocks[last].end;
                        if too_big(rules, hit.rule, doc, &range) { marker..marker + 1 } else { range }
                    }
                };
                for line in range {
                    let cause = if line == marker {
                        DropCause::Matched(hit.evidence.clone())
                    } else {
                        DropCause::InWindow { marker }
                    };
                    mark(line, DropReason { rule: hit.rule, cause });
                }
            }
            Action::DropToEnd { .. } => {
                if first_footer.is_none_or(|f| marker < f.line) {
                    first_footer = Some(hit);
                }
            }
            Action::DropToStart { .. } => {
                if last_header.is_none_or(|h| marker > h.line) {
                    last_header = Some(hit);
                }
            }
        }
    }
    if let Some(hit) = first_footer {
        let inclusive = matches!(rules.rule(hit.rule).action, Action::DropToEnd { inclusive: true });
        let marker = hit.line;
        if inclusive {
            mark(marker, DropReason { rule: hit.rule, cause: DropCause::Matched(hit.evidence.clone()) });
        }
        for line in marker + 1..n {
            mark(line, DropReason { rule: hit.rule, cause: DropCause::AfterMarker { marker } });
        }
    }
    if let Some(hit) = last_header {
        let inclusive = matches!(rules.rule(hit.rule).action, Action::DropToStart { inclusive: true });
        let marker = hit.line;
        if inclusive {
            mark(marker, DropReason { rule: hit.rule, cause: DropCause::Matched(hit.evidence.clone()) });
        }
        for line in 0..marker {
            mark(line, DropReason { rule: hit.rule, cause: DropCause::BeforeMarker { marker } });
        }
    }

    let mut verdicts = Vec::with_capacity(n);
    let mut vetoed = hits.iter().filter(|h| h.veto.is_some()).peekable();
    for line in 0..n {
        let mut first_veto = None;
        while let Some(hit) = vetoed.next_if(|h| h.line <= line) {
            if hit.line == line && first_veto.is_none() && rules.rule(hit.rule).action != Action::Keep {
                first_veto = Some(KeepReason::Vetoed { rule: hit.rule, veto: hit.veto.expect("filtered") });
            }
        }
        let verdict = if let Some(hit) = exception[line] {
            Verdict::Keep(KeepReason::Exception { rule: hit.rule, evidence: hit.evidence.clone() })
        } else if let Some(reason) = drops[line].take() {
            Verdict::Drop(reason)
        } else {
            Verdict::Keep(first_veto.unwrap_or(KeepReason::NoMatch))
        };
        verdicts.push(verdict);
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

    #[test]
    fn drop_block_takes_the_paragraph() {
        let out = run("[[rule]]\nid = \"x\"\nline = \"Promo\"\naction = \"drop-block\"\n", "a\n\nPromo\nbuy now\n\nb\n");
        assert_eq!(out, "a\n\nb\n");
    }

    #[test]
    fn max_block_words_limits_a_block_drop_to_the_marker() {
        let rules = "[[rule]]\nid = \"x\"\nline = \"Related\"\naction = \"drop-block\"\nmax_block_words = 8\n";
        assert_eq!(run(rules, "a\n\nRelated\nShort one\nShort two\n\nb\n"), "a\n\nb\n");
        let glued = "a\n\nRelated\nThe council said the new rules would take effect in March.\n";
        assert_eq!(run(rules, glued), "a\n\nThe council said the new rules would take effect in March.\n");
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
        // One pass: the marker on line 4 is outside the first three lines.
        assert_eq!(run(rules, "m1\nSkip\nm2\nSkip\nbody\nSkip\ntail\n"), "m2\nSkip\nbody\nSkip\ntail\n");
    }

    #[test]
    fn drop_window_in_blocks_and_lines() {
        let blocks = "[[rule]]\nid = \"x\"\nline = \"Other Topics\"\naction = \"drop-window\"\nwindow = { after = 2, unit = \"blocks\" }\n";
        assert_eq!(run(blocks, "a\n\nHeadline\nOther Topics\n\nHeadline\n\nSummary.\n\nb\n"), "a\n\nb\n");
        let lines = "[[rule]]\nid = \"x\"\nline = \"M\"\naction = \"drop-window\"\nwindow = { before = 1, after = 1 }\n";
        assert_eq!(run(lines, "a\nb\nM\nc\nd\n"), "a\nd\n");
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
        b.add_pack(parse_pack(Path::new("t.toml"), "[[rule]]\nid = \"x\"\ncontains = \"ad\"\nmax_words = 2\n").unwrap().pack);
        let rules = b.build().unwrap();
        let doc = Document::from_normalized(normalize("an ad here\nad\n"));
        let verdicts = decide(&rules, &doc, &rules.find_hits(&doc, Default::default()));
        assert_eq!(verdicts[0], Verdict::Keep(KeepReason::Vetoed { rule: 0, veto: Veto::MaxWords }));
        assert!(!verdicts[1].is_keep());
    }
}
