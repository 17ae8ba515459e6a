//! Stage 7, write: verdicts → cleaned text, or an explanation of every line; corpus outputs are
//! written atomically (see [`atomic`]).

pub mod atomic;

use std::io::{self, Write};

use crate::decide::{DropCause, KeepReason, Verdict};
use crate::engine::Outcome;
use crate::matcher::{Evidence, RuleSet};

/// Writes the kept text of `outcome`.
pub fn write_clean(out: &mut impl Write, outcome: &Outcome) -> io::Result<()> {
    outcome.document.write_kept(out, |i| outcome.verdicts[i].is_keep())
}

/// Writes one row per line: number, verdict, the rule or guard that decided it, and the text.
/// A blank row separates blocks, as in the input.
///
/// ```text
///     7 drop ads/advertisement-marker             | Advertisement
///     9 keep guard/max-words (ads/...)            | The advertisement that ran ...
/// ```
pub fn write_explanation(out: &mut impl Write, outcome: &Outcome, rules: &RuleSet) -> io::Result<()> {
    let doc = &outcome.document;
    let mut last_block = None;
    for (index, verdict) in outcome.verdicts.iter().enumerate() {
        let block = doc.lines()[index].block();
        if last_block.is_some_and(|b| b != block) {
            writeln!(out)?;
        }
        last_block = Some(block);
        let (word, reason) = describe(verdict, rules, doc.line_text(index));
        writeln!(out, "{:>5} {word} {reason:<40} | {}", index + 1, doc.line_text(index))?;
    }
    Ok(())
}

/// Like [`write_explanation`], but only for dropped lines and lines a guard kept.
pub fn write_changes(out: &mut impl Write, outcome: &Outcome, rules: &RuleSet) -> io::Result<()> {
    let doc = &outcome.document;
    for (index, verdict) in outcome.verdicts.iter().enumerate() {
        if matches!(verdict, Verdict::Keep(KeepReason::NoMatch)) {
            continue;
        }
        let (word, reason) = describe(verdict, rules, doc.line_text(index));
        writeln!(out, "{:>5} {word} {reason:<40} | {}", index + 1, doc.line_text(index))?;
    }
    Ok(())
}

/// `("keep" | "drop", reason)` for a verdict; line numbers in reasons are 1-based.
pub fn describe(verdict: &Verdict, rules: &RuleSet, line: &str) -> (&'static str, String) {
    match verdict {
        Verdict::Keep(KeepReason::NoMatch) => ("keep", "-".to_string()),
        Verdict::Keep(KeepReason::Exception { rule, evidence }) => {
            ("keep", format!("{}{}", rules.rule(*rule).id, evidence_note(evidence, line)))
        }
        Verdict::Keep(KeepReason::Vetoed { rule, veto }) => {
            ("keep", format!("{} ({})", veto.id(), rules.rule(*rule).id))
        }
        Verdict::Drop(reason) => {
            let id = &rules.rule(reason.rule).id;
            let note = match &reason.cause {
                DropCause::Matched(evidence) => evidence_note(evidence, line),
                DropCause::InBlock { marker } => format!(" (block of line {})", marker + 1),
                DropCause::InWindow { marker } => format!(" (window of line {})", marker + 1),
                DropCause::AfterMarker { marker } => format!(" (after line {})", marker + 1),
                DropCause::BeforeMarker { marker } => format!(" (before line {})", marker + 1),
                DropCause::Heuristic => String::new(),
            };
            ("drop", format!("{id}{note}"))
        }
    }
}

fn evidence_note(evidence: &Evidence, line: &str) -> String {
    match evidence {
        Evidence::WholeLine => String::new(),
        Evidence::Span(span) if span.start == span.end || span.range() == (0..line.len()) => String::new(),
        Evidence::Span(span) => match line.get(span.range()) {
            Some(text) => format!(" {text:?}"),
            None => String::new(),
        },
        Evidence::Repeat { first } => format!(" (repeats line {})", first + 1),
    }
}
