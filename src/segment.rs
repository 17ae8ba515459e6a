//! Stage 4, segment: normalised text → lines and blocks.
//!
//! A line is a non-blank line of the normalised text, kept as a byte span; a block is a run of
//! lines between blank lines (a paragraph). Lines are numbered from 1 in the order of the
//! *normalised* text, which is what `thresh explain` shows.

use std::ops::Range;

/// A normalised document cut into lines and blocks.
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    lines: Vec<Line>,
    blocks: Vec<Range<usize>>,
    /// Words per block, counted on first use (by `max_block_words`) and kept: decisions are
    /// remade in every round of rules and heuristics.
    block_words: std::sync::OnceLock<Vec<usize>>,
}

/// One non-blank line. Positions are held as `u32` (a document is at most 4 GiB, as
/// `--max-document-size` allows): a huge document has millions of lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    start: u32,
    end: u32,
    block: u32,
}

impl Line {
    /// Byte offset of the line in the document text.
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// End of the line's byte span, without the line end.
    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// Index of the block (paragraph) the line belongs to.
    pub fn block(&self) -> usize {
        self.block as usize
    }
}

/// The largest text a [`Document`] holds: its positions are `u32`.
pub const MAX_DOCUMENT_BYTES: usize = u32::MAX as usize;

impl Document {
    /// Segments text that has already been normalised (see [`crate::normalize`]).
    ///
    /// # Panics
    /// When `text` is longer than [`MAX_DOCUMENT_BYTES`] (the CLI refuses such documents).
    pub fn from_normalized(text: String) -> Self {
        assert!(text.len() <= MAX_DOCUMENT_BYTES, "a document is at most 4 GiB");
        let at = |offset: usize| offset as u32; // In range: checked above.
        let mut lines = Vec::new();
        let mut blocks = Vec::new();
        let mut block_start = 0;
        let mut offset = 0;
        // Line ends come from one SIMD scanner over the text; `str::split` starts a search per
        // line, which cost more than the search itself on lines of web text.
        let line_ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1).chain([text.len()]);
        for end in line_ends {
            if end == offset {
                continue; // The text ended with a line end already.
            }
            let raw = &text[offset..end];
            let content = raw.strip_suffix('\n').unwrap_or(raw);
            if content.trim().is_empty() {
                if block_start < lines.len() {
                    blocks.push(block_start..lines.len());
                    block_start = lines.len();
                }
            } else {
                lines.push(Line {
                    start: at(offset),
                    end: at(offset + content.len()),
                    block: at(blocks.len()),
                });
            }
            offset = end;
        }
        if block_start < lines.len() {
            blocks.push(block_start..lines.len());
        }
        Document { text, lines, blocks, block_words: std::sync::OnceLock::new() }
    }

    /// Words in each block, counted on first use (a pass over the whole text).
    pub fn block_word_counts(&self) -> &[usize] {
        self.block_words.get_or_init(|| (0..self.blocks.len()).map(|b| self.count_block_words(b)).collect())
    }

    /// Words in the blocks `blocks`: counted on the spot when their text is short (a
    /// block-dropping rule asks about a paragraph or a few, and most documents never need the
    /// others), else from [`Document::block_word_counts`], so that asking about a huge block
    /// again and again costs no more than one pass over the document.
    pub fn words_in_blocks(&self, blocks: std::ops::RangeInclusive<usize>) -> usize {
        const COUNT_ON_THE_SPOT_BYTES: usize = 4096;
        let first = self.lines[self.blocks[*blocks.start()].start].start();
        let end = self.lines[self.blocks[*blocks.end()].end - 1].end();
        if end - first <= COUNT_ON_THE_SPOT_BYTES && self.block_words.get().is_none() {
            blocks.map(|b| self.count_block_words(b)).sum()
        } else {
            self.block_word_counts()[blocks].iter().sum()
        }
    }

    fn count_block_words(&self, block: usize) -> usize {
        // A block's lines are one span of the text, and normalised text has only ASCII white
        // space: one byte count per block.
        let b = &self.blocks[block];
        let span = self.lines[b.start].start()..self.lines[b.end - 1].end();
        crate::text::fold::ascii_space_word_count(&self.text[span])
    }

    /// The whole normalised text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// All lines in order.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// Line index ranges of the blocks, in order.
    pub fn blocks(&self) -> &[Range<usize>] {
        &self.blocks
    }

    /// The text of line `index`.
    pub fn line_text(&self, index: usize) -> &str {
        let line = self.lines[index];
        &self.text[line.start()..line.end()]
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True when the document has no lines.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines for which `keep` is true, blocks separated by one blank line.
    pub fn render_kept(&self, keep: impl Fn(usize) -> bool) -> String {
        let mut out = Vec::with_capacity(self.text.len());
        self.write_kept(&mut out, keep).expect("writing to a Vec cannot fail");
        String::from_utf8(out).expect("lines are UTF-8")
    }

    /// Streams the lines for which `keep` is true to `out`, blocks separated by one blank line.
    pub fn write_kept(
        &self,
        out: &mut impl std::io::Write,
        keep: impl Fn(usize) -> bool,
    ) -> std::io::Result<()> {
        let mut wrote_any = false;
        for block in &self.blocks {
            let mut block_started = false;
            for index in block.clone() {
                if !keep(index) {
                    continue;
                }
                if !block_started && wrote_any {
                    out.write_all(b"\n")?;
                }
                block_started = true;
                wrote_any = true;
                out.write_all(self.line_text(index).as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_blocks() {
        let doc = Document::from_normalized("a\nb\n\nc\n\nd\ne\n".to_string());
        assert_eq!(doc.len(), 5);
        assert_eq!(doc.blocks(), &[0..2, 2..3, 3..5]);
        assert_eq!(doc.line_text(2), "c");
        assert_eq!(doc.lines()[4].block(), 2);
    }

    proptest::proptest! {
        /// Lines are the non-blank pieces between line ends, with or without a last one.
        #[test]
        fn lines_are_the_non_blank_pieces_between_line_ends(text in "[a \n]{0,30}") {
            let doc = Document::from_normalized(text.clone());
            let mut expected = Vec::new();
            let mut offset = 0;
            for piece in text.split_inclusive('\n') {
                let content = piece.strip_suffix('\n').unwrap_or(piece);
                if !content.trim().is_empty() {
                    expected.push(offset..offset + content.len());
                }
                offset += piece.len();
            }
            let lines: Vec<_> = doc.lines().iter().map(|l| l.start()..l.end()).collect();
            proptest::prop_assert_eq!(lines, expected);
        }
    }

    #[test]
    fn render_kept_drops_empty_blocks() {
        let doc = Document::from_normalized("a\nb\n\nc\n\nd\n".to_string());
        assert_eq!(doc.render_kept(|i| i != 2), "a\nb\n\nd\n");
        assert_eq!(doc.render_kept(|i| i == 1), "b\n");
        assert_eq!(doc.render_kept(|_| false), "");
    }
}
