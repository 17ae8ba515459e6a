//! Stage 3, normalise: decoded text → the canonical text every later stage works on.
//!
//! Line ends (`\r\n`, `\r`, and Unicode's NEL, LINE and PARAGRAPH SEPARATOR) become `\n`;
//! no-break and other Unicode spaces become a plain space; invisible characters that only break matching (zero-width space, word joiner, stray BOMs, soft hyphens,
//! C0/C1 controls other than tab) are removed; trailing white space is trimmed; runs of blank lines
//! collapse to one blank line, which marks a paragraph break; leading and trailing blank lines go.
//! ZWJ and ZWNJ stay: they change how emoji and several scripts render.
//!
//! The text is rewritten in its own buffer: nothing makes it longer (every line end, mapped
//! character and removed one takes at least as many bytes as what replaces it), so each line
//! moves down over bytes already read, and a huge document is never held twice.

use crate::text::simd::Block64;

/// Returns the normalised form of `text`; non-empty output always ends with `\n`.
pub fn normalize(text: &str) -> String {
    normalize_owned(text.to_owned())
}

/// Lines whose ends are found at once, before their bytes are rewritten.
const LINE_BATCH: usize = 1024;

/// Where a line ends: the line is `..end`, the next one starts at `next`; a paragraph
/// separator ends the line and adds a blank one.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LineEnd {
    end: usize,
    next: usize,
    paragraph: bool,
}

/// Like [`normalize`], in `text`'s own buffer.
pub fn normalize_owned(text: String) -> String {
    let newlines_only = has_only_newlines(&text);
    let mut bytes = text.into_bytes();
    // The text read; only a last line without a line end writes past it (its `\n`).
    let text_len = bytes.len();
    let mut written = 0;
    let mut pending_blank = false;
    let mut mapped = String::new();
    let mut ends = Vec::with_capacity(LINE_BATCH);
    let mut start = 0;
    while start < text_len {
        ends.clear();
        if newlines_only {
            // The common case: one SIMD scanner over the text (`str::split` would start a
            // search per line, which costs more than the search on lines of web text).
            let found = memchr::memchr_iter(b'\n', &bytes[start..text_len]).take(LINE_BATCH);
            ends.extend(found.map(|at| LineEnd { end: start + at, next: start + at + 1, paragraph: false }));
        } else {
            let mut from = start;
            while ends.len() < LINE_BATCH {
                let Some(end) = next_line_end(&bytes[..text_len], from) else { break };
                from = end.next;
                ends.push(end);
            }
        }
        if ends.len() < LINE_BATCH {
            // The last line, when the text does not end with a line end.
            let last_start = ends.last().map_or(start, |end| end.next);
            if last_start < text_len {
                ends.push(LineEnd { end: text_len, next: text_len, paragraph: false });
            }
        }
        for &LineEnd { end, next, paragraph } in &ends {
            let line = start..end;
            start = next;
            // The trimmed line, in place or mapped; only tabs and spaces are white space in a
            // line that maps to itself (every other white space is a line end or is mapped).
            let (from, len) = if maps_to_itself(&bytes[line.clone()]) {
                let kept = bytes[line.clone()].iter().rposition(|&b| b != b' ' && b != b'\t');
                (Some(line.start), kept.map_or(0, |last| last + 1))
            } else {
                let raw = std::str::from_utf8(&bytes[line])
                    .expect("a str split at an ASCII or whole line end is a str");
                mapped.clear();
                mapped.extend(raw.chars().filter_map(map_char));
                mapped.truncate(mapped.trim_end().len());
                (None, mapped.len())
            };
            if len == 0 || (from.is_none() && mapped.trim_start().is_empty()) {
                pending_blank = written > 0;
            } else {
                if pending_blank {
                    // A blank line or a paragraph separator was read since the last write:
                    // its line end is free.
                    bytes[written] = b'\n';
                    written += 1;
                    pending_blank = false;
                }
                match from {
                    // Until the first change the text stays where it is: nothing to move.
                    Some(from) if from == written => {}
                    Some(from) => bytes.copy_within(from..from + len, written),
                    None => bytes[written..written + len].copy_from_slice(mapped.as_bytes()),
                }
                written += len;
                // The line's own line end, or one past the text for a last line without one.
                if written < bytes.len() {
                    bytes[written] = b'\n';
                } else {
                    bytes.push(b'\n');
                }
                written += 1;
            }
            if paragraph {
                pending_blank = written > 0;
            }
        }
    }
    bytes.truncate(written);
    bytes.shrink_to_fit();
    String::from_utf8(bytes).expect("whole characters were moved")
}

/// True when `\n` is the only kind of line end in `text`.
fn has_only_newlines(text: &str) -> bool {
    let bytes = text.as_bytes();
    !line_end_starts(bytes, 0, false).any(|i| line_end_at(bytes, i).is_some())
}

/// The first line end at or after `from`: `\n`, `\r\n`, a lone `\r`, vertical tab, form feed,
/// NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR (UTF-8 bytes, so that the text can be rewritten
/// behind the search).
fn next_line_end(bytes: &[u8], from: usize) -> Option<LineEnd> {
    line_end_starts(bytes, from, true).find_map(|i| line_end_at(bytes, i))
}

/// Where, at or after `from`, lie the bytes that may start a line end (see [`line_end_at`]),
/// `\n` among them or not: found 64 bytes at a time, so that a page with one stray `\r`, which
/// sends its whole text down the search, does not step through it byte by byte.
fn line_end_starts(bytes: &[u8], from: usize, newline: bool) -> impl Iterator<Item = usize> + '_ {
    bytes[from..].chunks(64).enumerate().flat_map(move |(k, chunk)| {
        let block = Block64::load(chunk);
        let mut starts =
            block.any_of([b'\r', 0x0B, 0x0C, 0xC2, 0xE2]) | if newline { block.eq(b'\n') } else { 0 };
        std::iter::from_fn(move || {
            (starts != 0).then(|| {
                let at = starts.trailing_zeros() as usize;
                starts &= starts - 1;
                from + k * 64 + at
            })
        })
    })
}

/// The line end starting at `bytes[i]`, if one does.
fn line_end_at(bytes: &[u8], i: usize) -> Option<LineEnd> {
    let at = |i: usize| bytes.get(i).copied();
    let (len, paragraph) = match bytes[i] {
        b'\n' | 0x0B | 0x0C => (1, false),
        b'\r' => (if at(i + 1) == Some(b'\n') { 2 } else { 1 }, false),
        0xC2 if at(i + 1) == Some(0x85) => (2, false),
        0xE2 if at(i + 1) == Some(0x80) && matches!(at(i + 2), Some(0xA8 | 0xA9)) => {
            (3, at(i + 2) == Some(0xA9))
        }
        _ => return None,
    };
    Some(LineEnd { end: i, next: i + len, paragraph })
}

/// True when [`map_char`] leaves every character of `line` (UTF-8, without line ends) as it
/// is; decided on bytes: only the UTF-8 forms of the few characters it changes are looked for,
/// 64 bytes at a time (see [`Block64`]).
fn maps_to_itself(line: &[u8]) -> bool {
    for (k, chunk) in line.chunks(64).enumerate() {
        let block = Block64::load(chunk);
        // Printable ASCII and tabs are most lines; of the rest, the controls change, and so
        // may a character whose first byte is one of these.
        let plain = block.in_range(0x20, 0x7E) | block.eq(b'\t');
        let others = block.all() & !plain;
        if others & !block.non_ascii() != 0 {
            return false;
        }
        let mut suspects = others & block.any_of([0xC2, 0xE1, 0xE2, 0xE3, 0xEF]);
        while suspects != 0 {
            let i = k * 64 + suspects.trailing_zeros() as usize;
            suspects &= suspects - 1;
            if changes_at(line, i) {
                return false;
            }
        }
    }
    true
}

/// True when the character whose first byte is `line[i]` (0xC2, 0xE1, 0xE2, 0xE3 or 0xEF) is
/// one [`map_char`] changes.
fn changes_at(line: &[u8], i: usize) -> bool {
    let next = |k: usize| line.get(i + k).copied();
    match line[i] {
        // C1 controls, no-break space, soft hyphen.
        0xC2 => matches!(next(1), Some(0x80..=0xA0 | 0xAD)),
        // Ogham space mark.
        0xE1 => next(1) == Some(0x9A) && next(2) == Some(0x80),
        // Typographic spaces, zero-width space, narrow no-break space, word joiner and
        // invisible operators.
        0xE2 => matches!(
            (next(1), next(2)),
            (Some(0x80), Some(0x80..=0x8B | 0xAF)) | (Some(0x81), Some(0x9F..=0xA4))
        ),
        // Ideographic space.
        0xE3 => next(1) == Some(0x80) && next(2) == Some(0x80),
        // Byte order mark.
        0xEF => next(1) == Some(0xBB) && next(2) == Some(0xBF),
        _ => false,
    }
}

fn map_char(ch: char) -> Option<char> {
    match ch {
        '\t' => Some('\t'),
        // No-break, figure, narrow and the other typographic spaces.
        '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => Some(' '),
        // Zero-width space, word joiner, BOM used as ZWNBSP, soft hyphen, invisible operators.
        '\u{200B}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' => None,
        c if c.is_control() => None,
        c => Some(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The fast path (text with `\n` line ends only) and the general one agree.
        #[test]
        fn newline_text_normalises_as_its_crlf_form(text in "[a \t\n]{0,40}") {
            proptest::prop_assert_eq!(normalize(&text), normalize(&text.replace('\n', "\r\n")));
        }
    }

    /// The copying normaliser this module had before it worked in place, line by line with
    /// `str` searches: the reference.
    fn reference(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut pending_blank = false;
        let mut mapped = String::new();
        let push_line = |raw_line: &str| {
            // Most lines map to themselves: no need to map each character.
            let line = if maps_to_itself(raw_line.as_bytes()) {
                raw_line
            } else {
                mapped.clear();
                mapped.extend(raw_line.chars().filter_map(map_char));
                mapped.as_str()
            };
            let trimmed = line.trim_end();
            if trimmed.trim_start().is_empty() {
                pending_blank = !out.is_empty();
                return;
            }
            if pending_blank {
                out.push('\n');
                pending_blank = false;
            }
            out.push_str(trimmed);
            out.push('\n');
        };
        split_lines(text).for_each(push_line);
        out
    }

    /// Splits on `\n`, `\r\n`, lone `\r`, and the Unicode line ends (NEL, vertical tab, form
    /// feed, LINE SEPARATOR); a PARAGRAPH SEPARATOR ends the line and adds a blank one.
    fn split_lines(text: &str) -> impl Iterator<Item = &str> {
        const LINE_ENDS: [char; 7] = ['\n', '\r', '\u{85}', '\u{0B}', '\u{0C}', '\u{2028}', '\u{2029}'];
        let mut rest = text;
        let mut blank_next = false;
        std::iter::from_fn(move || {
            if std::mem::take(&mut blank_next) {
                return Some("");
            }
            if rest.is_empty() {
                return None;
            }
            match rest.find(LINE_ENDS) {
                Some(i) => {
                    let line = &rest[..i];
                    let end = rest[i..].chars().next().expect("a line end was found");
                    let skip = if rest[i..].starts_with("\r\n") { 2 } else { end.len_utf8() };
                    blank_next = end == '\u{2029}';
                    rest = &rest[i + skip..];
                    Some(line)
                }
                None => {
                    let line = rest;
                    rest = "";
                    Some(line)
                }
            }
        })
    }

    proptest::proptest! {
        /// In place, as the copying reference, with every kind of line end and of character
        /// the mapping treats apart, lines of every length across the batches of line ends.
        #[test]
        fn normalises_as_the_reference(
            text in "([a é\t\n\r\u{0B}\u{0C}\u{85}\u{2028}\u{2029}\u{00A0}\u{200B}\u{00AD}\u{3000}\u{0007}\u{FEFF}\u{200D}]|\r\n){0,60}"
        ) {
            proptest::prop_assert_eq!(normalize(&text), reference(&text));
        }
    }

    #[test]
    fn normalises_batches_of_lines_as_the_reference() {
        for line_end in ["\n", "\r\n", "\u{2029}"] {
            let many =
                format!("x {line_end}{line_end}\u{00A0}{line_end}y\u{200B}{line_end}").repeat(3 * LINE_BATCH);
            assert_eq!(normalize(&many), reference(&many));
        }
        for text in [
            "no end",
            "trailing ",
            "trailing\t\n",
            "x\n\n \n",
            "\u{00A0}a \u{00A0}",
            "a\n\u{200B}\nb",
            "a\r",
            "a\u{2029}",
            "\u{2029}a",
        ] {
            assert_eq!(normalize(text), reference(text), "{text:?}");
        }
    }

    #[test]
    fn line_ends_and_blank_runs() {
        assert_eq!(normalize("a\r\nb\rc\n\n\n\nd\n\n"), "a\nb\nc\n\nd\n");
    }

    #[test]
    fn unicode_line_and_paragraph_separators() {
        assert_eq!(normalize("a\u{2028}b\u{85}c\u{2029}d\u{0C}e"), "a\nb\nc\n\nd\ne\n");
        assert_eq!(normalize("a\u{2029}\u{2029}\n\u{2029}b"), "a\n\nb\n");
    }

    #[test]
    fn leading_blank_lines_and_whitespace_only_lines_go() {
        assert_eq!(normalize("\n \n\t\na  \n   \nb"), "a\n\nb\n");
    }

    #[test]
    fn spaces_and_invisibles() {
        assert_eq!(
            normalize("non\u{00A0}breaking\u{200B} zero\u{FEFF}width soft\u{00AD}hyphen\u{0007}"),
            "non breaking zerowidth softhyphen\n"
        );
    }

    #[test]
    fn the_byte_test_agrees_with_the_mapping_for_every_character() {
        for ch in (0..=0x10FFFFu32).filter_map(char::from_u32).filter(|&c| c != '\n') {
            let mut utf8 = [0; 4];
            let alone = ch.encode_utf8(&mut utf8).as_bytes();
            assert_eq!(maps_to_itself(alone), map_char(ch) == Some(ch), "U+{:04X}", ch as u32);
            let in_text = format!("a{ch}b");
            assert_eq!(maps_to_itself(in_text.as_bytes()), map_char(ch) == Some(ch), "U+{:04X}", ch as u32);
        }
    }

    #[test]
    fn all_white_space_comes_out_ascii() {
        // Word counts of normalised text rely on this (see `fold::ascii_space_word_count`).
        let every_space: String = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .flat_map(|c| ['a', c])
            .collect();
        let normalized = normalize(&every_space);
        assert!(normalized.chars().all(|c| c.is_ascii() || !c.is_whitespace()), "{normalized:?}");
    }

    #[test]
    fn joiners_that_carry_meaning_stay() {
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(normalize(family), format!("{family}\n"));
    }

    #[test]
    fn leading_indentation_is_kept() {
        assert_eq!(normalize("    Euromaidan Press"), "    Euromaidan Press\n");
    }

    #[test]
    fn empty_input_stays_empty() {
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("\n\n  \n"), "");
    }
}
