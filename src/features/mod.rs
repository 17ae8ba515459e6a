//! Stage 5a, features: per-line facts for the stages after it: the folded lines the matcher
//! searches and the heuristics read, a chunk at a time; and each line's feature row
//! ([`LineFeatures`]: its characters and its words), which the judgement reads.

pub(crate) mod chars;

use chars::CharCounts;

use crate::language::{Language, WordCounts};
use crate::segment::Document;
use crate::text::fold::fold_into;

/// A line's feature row: what a pass over its characters and one over its words tell. The
/// judgement shapes a line from it (`heuristics::shape`). A new feature goes here, computed in
/// [`LineFeatures::of`], where one pass serves the characters and the words of most lines.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct LineFeatures {
    /// Of the line, trimmed.
    pub(crate) chars: CharCounts,
    /// Of the line's folded form.
    pub(crate) words: WordCounts,
}

impl LineFeatures {
    /// The row of `line` in a document in `language`. `known_words` are its word counts when
    /// already counted (the language sample counts some lines); else they are counted on
    /// `folded`, its folded form, when held; else on the line itself if folding would only
    /// lower its case; else `fold_again` folds the line. The stopwords of a language beyond
    /// the core lists are counted on the folded line.
    #[inline]
    pub(crate) fn of<'f>(
        line: &str,
        language: Option<Language>,
        known_words: Option<WordCounts>,
        folded: Option<&'f str>,
        fold_again: impl FnOnce() -> &'f str,
    ) -> Self {
        let words = match language.filter(|l| !l.is_core()) {
            Some(language) => {
                let folded = folded.unwrap_or_else(fold_again);
                let mut words = known_words.unwrap_or_else(|| WordCounts::of(folded));
                words.count_in(language, folded);
                words
            }
            None => known_words.unwrap_or_else(|| match folded {
                Some(folded) => WordCounts::of(folded),
                None => WordCounts::of_unfolded(line).unwrap_or_else(|| WordCounts::of(fold_again())),
            }),
        };
        LineFeatures { chars: CharCounts::of(line.trim()), words }
    }
}

/// Consecutive lines of a document folded into one buffer, so that the matcher searches them
/// all at once. The matcher folds a huge document a chunk at a time (see
/// [`FoldedLines::fold_chunk`]) rather than holding a folded copy of all of it; a web page is
/// one chunk, which the heuristics then read too (see [`FoldedLines::folded_line`]).
#[derive(Debug, Default)]
pub struct FoldedLines {
    /// The folded lines, each followed by `\n`.
    pub(crate) text: String,
    /// Where each line starts in `text`, plus the end.
    pub(crate) starts: Vec<usize>,
    /// Index in the document of the first line held.
    pub(crate) first: usize,
}

impl FoldedLines {
    /// Folds every line of `doc`.
    pub fn new(doc: &Document) -> Self {
        let mut folded = FoldedLines::default();
        folded.fold_chunk(doc, 0, usize::MAX);
        folded
    }

    /// Replaces the lines held with lines `first..` of `doc`, as many as fit in about
    /// `budget` bytes (at least one); returns the index after the last line held.
    pub fn fold_chunk(&mut self, doc: &Document, first: usize, budget: usize) -> usize {
        self.text.clear();
        self.starts.clear();
        self.first = first;
        // Folding rarely lengthens text: the chunk's share of the document is about what it
        // needs, where growing by doubling could leave a huge document's chunk half empty.
        let rest = doc.lines().get(first).map_or(0, |line| doc.text().len() - line.start());
        self.text.reserve(rest.min(budget.saturating_add(1 << 16)));
        let mut line = first;
        while line < doc.len() && (line == first || self.text.len() < budget) {
            self.starts.push(self.text.len());
            // Room for the line end too: pushed after a huge line that filled its buffer, it
            // would double the buffer.
            let text = doc.line_text(line);
            self.text.reserve(text.len() + 1);
            fold_into(text, &mut self.text);
            self.text.push('\n');
            line += 1;
        }
        self.starts.push(self.text.len());
        line
    }

    /// The folded form of line `line` of `doc`: read from the lines held, or else folded into
    /// `scratch`.
    pub fn folded_line<'a>(&'a self, doc: &Document, line: usize, scratch: &'a mut String) -> &'a str {
        match self.held(line) {
            Some(folded) => folded,
            None => {
                scratch.clear();
                fold_into(doc.line_text(line), scratch);
                scratch
            }
        }
    }

    /// The folded form of line `line` of the document, if it is held.
    pub fn held(&self, line: usize) -> Option<&str> {
        let k = line.checked_sub(self.first).filter(|&k| k < self.len())?;
        Some(self.line(k))
    }

    /// Number of lines held.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Holds no lines any more, and frees the buffers.
    pub fn release(&mut self) {
        *self = FoldedLines::default();
    }

    /// The folded form of the `index`-th line held.
    pub fn line(&self, index: usize) -> &str {
        &self.text[self.starts[index]..self.starts[index + 1] - 1]
    }

    /// Number of words of the `index`-th line held, as [`crate::text::fold::word_count`] counts them: a folded
    /// line is its words joined by single spaces.
    pub fn word_count(&self, index: usize) -> usize {
        let line = self.line(index).as_bytes();
        if line.is_empty() {
            0
        } else {
            1 + line.iter().filter(|&&b| b == b' ').count()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold::word_count;

    #[test]
    fn folded_lines_count_words_like_the_text() {
        let text = "  One  two\tthree \n\n\u{a0}\n`x` ´y´ Ünï\u{2003}code\nsolo\n";
        let doc = crate::segment::Document::from_normalized(crate::normalize::normalize(text));
        let folded = FoldedLines::new(&doc);
        let counts: Vec<usize> = (0..doc.len()).map(|i| folded.word_count(i)).collect();
        assert_eq!(counts, (0..doc.len()).map(|i| word_count(doc.line_text(i))).collect::<Vec<_>>());
        assert_eq!(counts, [3, 4, 1]);
    }
}
