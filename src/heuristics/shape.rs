//! A line's shape: its class on its own (good prose, near-good, short, bad) and the marks the
//! context rules read (heading, sentence, colon, menu-like, continues).

use super::HeuristicsConfig;
use crate::features::chars::{CharCounts, TERMINAL_MARKS};
use crate::features::LineFeatures;
use crate::language::Language;
use crate::types::Heuristic;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Good,
    NearGood,
    Short,
    Bad,
}

/// One per line of a document: 8 bytes (the five marks share a byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shape {
    /// Length in characters (see `shape`); `u32` as there is one shape per line.
    pub(super) chars: u32,
    pub(super) class: Class,
    pub(super) why: Heuristic,
    /// Bits of [`Mark`].
    pub(super) marks: u8,
}

/// What else a line's shape tells, one bit each in [`Shape::marks`].
#[derive(Debug, Clone, Copy)]
#[repr(u8)]
pub(super) enum Mark {
    /// Starts like a title and is short, without closing punctuation.
    Heading = 1,
    /// Reads as a finished sentence of prose: closing punctuation and many stopwords.
    Sentence = 2,
    /// Ends with a colon: introduces what follows ("Check out a few highlights:").
    Colon = 4,
    /// One to three words without closing punctuation: a menu item, a label, a tag.
    NavLike = 8,
    /// Ends with a comma or semicolon: the sentence goes on in the next line.
    Continues = 16,
}

impl Shape {
    pub(super) fn has(&self, mark: Mark) -> bool {
        self.marks & mark as u8 != 0
    }
}

/// The [`Shape::marks`] byte holding the marks that are `true`.
pub(super) fn marks(set: &[(Mark, bool)]) -> u8 {
    set.iter().filter(|(_, on)| *on).fold(0, |bits, (mark, _)| bits | *mark as u8)
}

/// The shape of one line, from its text and its feature row.
pub(super) fn shape(
    line: &str,
    features: &LineFeatures,
    language: Option<Language>,
    cfg: &HeuristicsConfig,
) -> Shape {
    let text = line.trim();
    let (counts, word_counts) = (features.chars, &features.words);
    // Length comparable across scripts: a wide character counts as three.
    let chars = counts.width;
    let stored_chars = chars as u32;
    let words = word_counts.words;
    let CharCounts { tokens, separators, capitalised, .. } = counts;
    let terminal = ends_with_sentence_mark(text);
    let heading = !terminal
        && tokens <= 20
        && text.chars().next().is_some_and(|c| c.is_uppercase() || c.is_numeric() || c == '"' || c == '“');
    let colon = text.ends_with(':');
    let nav_like = tokens <= 3 && !terminal;
    let continues = text.ends_with([',', ';']);
    let marks_with = |sentence| {
        marks(&[
            (Mark::Heading, heading),
            (Mark::Sentence, sentence),
            (Mark::Colon, colon),
            (Mark::NavLike, nav_like),
            (Mark::Continues, continues),
        ])
    };
    let bad = |why| Shape { chars: stored_chars, class: Class::Bad, why, marks: marks_with(false) };

    let CharCounts { non_space, digits, digits_and_symbols, .. } = counts;
    if chars < cfg.length_low && digits > 0 && digits_and_symbols * 5 > non_space.max(1) * 3 {
        return bad(Heuristic::Counter);
    }
    // A stoplist judges only lines in its own script.
    let mut ratio = language.filter(|l| counts.mostly_in(l.script())).map(|l| word_counts.ratio(l));
    // Detecting a line's language is dear; when no other stoplist of the line's script reaches
    // half of `stopwords_low`, its verdict could not change the line's class.
    let another_could_matter = || {
        ratio.is_none()
            || Language::core()
                .filter(|&l| Some(l) != language && counts.mostly_in(l.script()))
                .any(|l| word_counts.ratio(l) >= cfg.stopwords_low / 2.0)
    };
    // The rest of the shape, from the ratio of the line's function words.
    let table_row = is_table_row(text);
    let with_ratio = |ratio: Option<f64>| {
        if !table_row
            && separators >= 2
            && capitalised * 2 >= tokens.saturating_sub(separators)
            && ratio.is_none_or(|r| r < cfg.stopwords_low)
        {
            return bad(Heuristic::MenuLine);
        }
        // Alt text is lower case: only a script with case can show that.
        if words >= 12
            && !counts.punctuated
            && !counts.upper
            && counts.lower
            && ratio.is_none_or(|r| r < 0.15)
        {
            return bad(Heuristic::KeywordStuffed);
        }
        let sentence = terminal && ratio.is_some_and(|r| r >= cfg.stopwords_high);
        if chars < cfg.length_low {
            return Shape {
                chars: stored_chars,
                class: Class::Short,
                why: Heuristic::ShortInBoilerplate,
                marks: marks_with(sentence),
            };
        }
        let class = match ratio {
            Some(r) if r >= cfg.stopwords_high && chars > cfg.length_high => Class::Good,
            Some(r) if r >= cfg.stopwords_low => Class::NearGood,
            // A sentence full of names still reads as a sentence.
            Some(r)
                if (terminal || has_sentence_break(text)) && tokens >= 8 && r >= cfg.stopwords_low / 2.0 =>
            {
                Class::NearGood
            }
            // A title has few function words; its neighbours tell whether it heads the article.
            Some(_) if heading => Class::Short,
            Some(_) => Class::Bad,
            // No stoplist for this language: judge by length and sentence shape alone.
            None if terminal && chars > cfg.length_high => Class::Good,
            None if terminal => Class::NearGood,
            None => Class::Bad,
        };
        Shape { chars: stored_chars, class, why: Heuristic::NotProse, marks: marks_with(sentence) }
    };
    if chars >= cfg.length_low && ratio.is_none_or(|r| r < cfg.stopwords_low) && another_could_matter() {
        // A long line in another bundled language (a quote, a bilingual page) is judged by its
        // own stoplist, so the verdict does not hang on which language the page was taken for.
        let mut others = Language::core().filter(|&l| Some(l) != language && counts.mostly_in(l.script()));
        let in_own = |own: Language| {
            let own_ratio = word_counts.ratio(own);
            Some(ratio.map_or(own_ratio, |r| r.max(own_ratio)))
        };
        // The detector answers one of `others` or none: when every answer gives the same
        // shape, it need not be asked (it costs about as much as cleaning the page).
        let unchanged = with_ratio(ratio);
        if others.all(|own| with_ratio(in_own(own)) == unchanged) {
            return unchanged;
        }
        let own = Language::detect_core_lines(std::iter::once(text))
            .filter(|&own| Some(own) != language && counts.mostly_in(own.script()));
        if let Some(own) = own {
            ratio = in_own(own);
        }
    }
    with_ratio(ratio)
}

/// True when the trimmed line is a row of a Markdown table ("| Budget 12 V | 1.1 kg | 64 |"):
/// framed by its bars, where a menu's separators stand only between its items.
pub(super) fn is_table_row(text: &str) -> bool {
    text.len() > 2 && text.starts_with('|') && text.ends_with('|')
}

/// True when the trimmed line ends with a sentence mark, perhaps inside closing quotes or
/// brackets.
pub(super) fn ends_with_sentence_mark(text: &str) -> bool {
    text.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '」', '』']).ends_with(TERMINAL_MARKS)
}

/// True when a sentence ends inside the line (". " before a capital or digit).
pub(super) fn has_sentence_break(text: &str) -> bool {
    text.match_indices(['.', '!', '?']).any(|(i, _)| {
        let mut rest = text[i + 1..].chars();
        rest.next() == Some(' ') && rest.next().is_some_and(|c| c.is_uppercase() || c.is_numeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_stay_small() {
        // One per line of a document, in the cache a round reads them from: a 200 MB document
        // has 3.6 million lines.
        assert_eq!(std::mem::size_of::<Option<Shape>>(), 8);
    }
}
