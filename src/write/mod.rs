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

/// How an explanation is laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExplainStyle {
    /// Colour the verdicts (ANSI): drop red, a guard's keep yellow, other keeps green.
    pub color: bool,
}

/// Reasons wider than this do not widen the column for every row.
const MAX_REASON_WIDTH: usize = 72;

/// What the line model made of each line (see [`crate::engine::Cleaner::run_explained`]), for
/// an explanation to show.
#[derive(Debug, Clone, Copy, Default)]
pub struct ModelNotes<'a> {
    /// Per line, its judgement, when the model judged it.
    pub judged: &'a [Option<crate::engine::LineJudgement>],
    /// Also print each judged line's whole feature row.
    pub features: bool,
}

/// Writes one row per line: number, verdict, the rule or guard that decided it, and the text.
/// A blank row separates blocks, as in the input. The reason column is as wide as the widest
/// reason of the document (up to 72 characters), so the texts line up.
///
/// ```text
///     7 drop ads/advertisement-marker     | Advertisement
///     9 keep guard/max-words (ads/...)    | The advertisement that ran ...
/// ```
pub fn write_explanation(
    out: &mut impl Write,
    outcome: &Outcome,
    rules: &RuleSet,
    style: ExplainStyle,
) -> io::Result<()> {
    write_rows(out, outcome, rules, style, Rows::EveryLine, ModelNotes::default())
}

/// Like [`write_explanation`], with the line model's probability after the reason of each line
/// it judged, and under each line it dropped the features that weighed most (with `features`,
/// under every judged line its whole row).
pub fn write_explanation_with_model(
    out: &mut impl Write,
    outcome: &Outcome,
    rules: &RuleSet,
    style: ExplainStyle,
    notes: ModelNotes<'_>,
) -> io::Result<()> {
    write_rows(out, outcome, rules, style, Rows::EveryLine, notes)
}

/// Like [`write_explanation`], but only for dropped lines and lines a guard kept.
pub fn write_changes(
    out: &mut impl Write,
    outcome: &Outcome,
    rules: &RuleSet,
    style: ExplainStyle,
) -> io::Result<()> {
    write_rows(out, outcome, rules, style, Rows::Changes, ModelNotes::default())
}

/// Which lines an explanation shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rows {
    /// Every line, blocks separated by a blank row as in the input.
    EveryLine,
    /// Dropped lines and lines a guard kept, one after another.
    Changes,
}

fn write_rows(
    out: &mut impl Write,
    outcome: &Outcome,
    rules: &RuleSet,
    style: ExplainStyle,
    rows: Rows,
    notes: ModelNotes<'_>,
) -> io::Result<()> {
    let doc = &outcome.document;
    let shown =
        |verdict: &Verdict| rows == Rows::EveryLine || !matches!(verdict, Verdict::Keep(KeepReason::NoMatch));
    // A line kept below the dial stayed by a guard: the article's own line, a unit (sentence,
    // table, list) the model kept part of, or a model that would have kept nothing.
    let listed: Vec<(usize, &'static str, String)> = (0..doc.len())
        .filter(|&i| shown(&outcome.verdicts[i]))
        .map(|i| {
            let (word, mut reason) = describe(&outcome.verdicts[i], rules, doc.line_text(i));
            if let Some(Some(judged)) = notes.judged.get(i) {
                reason.push_str(&format!(" p={:.2}", judged.probability));
                if matches!(outcome.verdicts[i], Verdict::Keep(_)) && judged.probability < judged.dial {
                    reason.push_str(" (guarded)");
                }
            }
            (i, word, reason)
        })
        .collect();
    let width = listed.iter().map(|(_, _, r)| r.chars().count()).max().unwrap_or(0).min(MAX_REASON_WIDTH);
    // Notes under a row start at its text's column.
    let pad = width + 12;
    // A text the rules found no chrome in is judged at a lower dial: say so once, above it.
    let setting = rules.heuristics_config().min_article_probability as f32;
    if let Some(dial) = notes.judged.iter().flatten().map(|j| j.dial).next().filter(|&d| d < setting) {
        writeln!(
            out,
            "{:pad$}| the rules found no chrome in this text: the model judges it at {dial:.2}, not {setting:.2}",
            ""
        )?;
    }
    let mut last_block = None;
    for (index, word, reason) in listed {
        let block = doc.lines()[index].block();
        if rows == Rows::EveryLine && last_block.is_some_and(|b| b != block) {
            writeln!(out)?;
        }
        last_block = Some(block);
        let word = match (style.color, word, &outcome.verdicts[index]) {
            (false, word, _) => word.to_string(),
            (true, word, Verdict::Drop(_)) => format!("\x1b[31m{word}\x1b[0m"),
            (true, word, Verdict::Keep(KeepReason::Vetoed { .. })) => format!("\x1b[33m{word}\x1b[0m"),
            (true, word, Verdict::Keep(_)) => format!("\x1b[32m{word}\x1b[0m"),
        };
        writeln!(out, "{:>5} {word} {reason:<width$} | {}", index + 1, doc.line_text(index))?;
        if let Some(Some(judged)) = notes.judged.get(index) {
            if matches!(outcome.verdicts[index], Verdict::Drop(_)) || notes.features {
                let reasons: Vec<String> = judged
                    .reasons
                    .iter()
                    .map(|&(f, weight)| format!("{} ({weight:+.2})", feature_in_words(f, judged.row[f])))
                    .collect();
                writeln!(out, "{:pad$}| weighed most: {}", "", reasons.join(", "))?;
            }
            if notes.features {
                let row: Vec<String> = crate::heuristics::FEATURE_NAMES
                    .iter()
                    .zip(judged.row)
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect();
                writeln!(out, "{:pad$}| features: {}", "", row.join(" "))?;
            }
        }
    }
    Ok(())
}

/// A feature's value in words ("7 words", "after a comment-section start").
pub fn feature_in_words(feature: usize, value: f32) -> String {
    let name = crate::heuristics::FEATURE_NAMES[feature];
    let yes = value > 0.5;
    let share = |what: &str| format!("{:.0}% {what}", value * 100.0);
    // A share less that of the document's prose.
    let against_prose = |what: &str| {
        let side = if value < 0.0 { "below" } else { "above" };
        format!("{what} {:.0} points {side} the prose", (value * 100.0).abs())
    };
    let class = |whose: &str| {
        let class = match value as i32 {
            0 => "good",
            1 => "near-good",
            2 => "short",
            3 => "bad",
            _ => return format!("no {whose}"),
        };
        format!("{whose} {class}")
    };
    match name {
        "chars" => format!("{value} characters"),
        "words" => format!("{value} words"),
        "tokens" => format!("{value} tokens"),
        // -1 only without a stoplist: a share less that of the prose is above -1.
        "stopwords" if value <= -1.0 => "no stoplist".into(),
        "stopwords" => against_prose("function words"),
        "best_stopwords" => share("function words at best"),
        "capitalised" => against_prose("capitalised"),
        "digits" => share("digits"),
        "symbols" => share("symbols"),
        "letters" => share("letters"),
        "shape_class" => class("shape"),
        "round_class" => class("class"),
        "prev_class" => class("line before"),
        "next_class" => class("line after"),
        "prev2_class" => class("two before"),
        "next2_class" => class("two after"),
        "position" => format!("at {:.0}% of the kept lines", value * 100.0),
        "text_before" => format!("{:.0}% of the text before it", value * 100.0),
        "lines_before_main" if value < 0.0 => "no main stretch".into(),
        "lines_before_main" => format!("{value} lines before the article"),
        "lines_after_main" if value < 0.0 => "no main stretch".into(),
        "lines_after_main" => format!("{value} lines after the article"),
        "prose_around" => format!("{:.0}% prose around", value * 100.0),
        "short_run" if value == 0.0 => "not in a run of short lines".into(),
        "short_run" => format!("in a run of {value} short lines"),
        "chrome_before" => format!("{value} lines of chrome before"),
        "kept_lines" => format!("{value} lines kept"),
        "prose_share" => format!("{:.0}% of the page in prose", value * 100.0),
        "heuristics_keep" => (if yes { "the rounds keep it" } else { "the rounds drop it" }).into(),
        "judged_good" => (if yes { "the revision keeps it" } else { "the revision drops it" }).into(),
        "in_main_stretch" => (if yes { "in the main stretch" } else { "outside the main stretch" }).into(),
        "terminal" => (if yes { "ends a sentence" } else { "no closing mark" }).into(),
        // The mean of the lines up to 3 each side.
        "around_stopwords" => against_prose("function words around"),
        "around_terminal" => format!("{:.0}% of the lines around end a sentence", value * 100.0),
        "around_words" => format!("{value:.1} words a line around"),
        "around_capitalised" => against_prose("capitalised around"),
        "around_symbols" => format!("{:.0}% symbols around", value * 100.0),
        "around_letters" => format!("{:.0}% letters around", value * 100.0),
        "around_separators" => format!("{value:.1} separators a line around"),
        "around_heading" => format!("{:.0}% of the lines around like titles", value * 100.0),
        "prev2_chars" | "prev_chars" | "next_chars" | "next2_chars" => {
            let which = match name {
                "prev2_chars" => "line two before",
                "prev_chars" => "line before",
                "next_chars" => "line after",
                _ => "line two after",
            };
            if value < 0.0 {
                format!("no {which}")
            } else {
                format!("{which} {value} characters")
            }
        }
        _ if value == 0.0 || value == 1.0 => {
            format!("{}{}", if yes { "" } else { "not " }, name.replace('_', " "))
        }
        _ => format!("{name} {value}"),
    }
}

/// `("keep" | "drop", reason)` for a verdict; line numbers in reasons are 1-based.
pub fn describe(verdict: &Verdict, rules: &RuleSet, line: &str) -> (&'static str, String) {
    match verdict {
        Verdict::Keep(KeepReason::NoMatch) => ("keep", "-".to_string()),
        Verdict::Keep(KeepReason::Exception { rule, evidence }) => {
            ("keep", format!("{}{}", rules.rule(*rule).id, evidence_note(evidence, line, rules)))
        }
        Verdict::Keep(KeepReason::Vetoed { rule, veto }) => {
            ("keep", format!("{} ({})", veto.id(), rules.rule(*rule).id))
        }
        Verdict::Drop(reason) => {
            let id = &rules.rule(reason.rule).id;
            let note = match &reason.cause {
                DropCause::Matched(evidence) => evidence_note(evidence, line, rules),
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

fn evidence_note(evidence: &Evidence, line: &str, rules: &RuleSet) -> String {
    let quoted = |span: std::ops::Range<usize>| {
        if span.start == span.end || span == (0..line.len()) {
            return String::new();
        }
        line.get(span).map(|text| format!(" {text:?}")).unwrap_or_default()
    };
    match evidence {
        Evidence::WholeLine => String::new(),
        // Found, or mapped back, only now, when it is shown.
        Evidence::Regex { index } => quoted(rules.regex_span(*index, line)),
        Evidence::FoldedSpan(span) => quoted(crate::text::fold::unfold_span(line, span.range())),
        Evidence::Repeat { first } => format!(" (repeats line {})", first + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::feature_in_words;
    use crate::heuristics::FEATURE_NAMES;

    fn words(name: &str, value: f32) -> String {
        feature_in_words(FEATURE_NAMES.iter().position(|n| *n == name).unwrap(), value)
    }

    #[test]
    fn features_read_as_words() {
        assert_eq!(words("words", 7.0), "7 words");
        assert_eq!(words("heuristics_keep", 0.0), "the rounds drop it");
        assert_eq!(words("prev_chars", -1.0), "no line before");
        assert_eq!(words("next2_chars", 12.0), "line two after 12 characters");
        assert_eq!(words("short_run", 5.0), "in a run of 5 short lines");
        assert_eq!(words("stopwords", -1.0), "no stoplist");
        assert_eq!(words("stopwords", -0.3), "function words 30 points below the prose");
        assert_eq!(words("capitalised", 0.25), "capitalised 25 points above the prose");
        assert_eq!(words("around_capitalised", -0.1), "capitalised around 10 points below the prose");
        assert_eq!(words("bullet", 1.0), "bullet");
        assert_eq!(words("key_value", 0.0), "not key value");
        assert_eq!(words("around_words", 20.0 / 3.0), "6.7 words a line around");
        assert_eq!(words("around_terminal", 0.5), "50% of the lines around end a sentence");
        // Every feature has words.
        for (index, _) in FEATURE_NAMES.iter().enumerate() {
            assert!(!feature_in_words(index, 1.0).is_empty());
        }
    }
}
