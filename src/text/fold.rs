//! Folding: the case- and whitespace-insensitive form of text that phrase rules match against.
//!
//! Folding lowercases, turns every run of white space into one space, trims, and maps
//! typographic apostrophes, quotes and dashes to their ASCII forms, so that a rule written as
//! `ukraine's` matches `Ukraine’s`. A *line key* is the folded line without the punctuation
//! and symbols around it: `— Advertisement —`, `Related:` and `advertisement` all have the keys
//! `advertisement` and `related`.

use super::simd::Block64;
use super::swar;

/// Appends the folded form of `text` to `out`.
pub fn fold_into(text: &str, out: &mut String) {
    let start_len = out.len();
    if is_single_spaced(text.as_bytes()) {
        if text.is_ascii() {
            // The common case: lowercase is the only change left to make.
            out.push_str(text);
            out[start_len..].make_ascii_lowercase();
            return;
        }
        // Prose with a curly quote, a dash or an accent: its spaces need no work either.
        if fold_single_spaced(text, out) {
            return;
        }
        out.truncate(start_len);
    }
    // One pass over the bytes: runs of plain ASCII are copied whole and lowercased in place;
    // only the other characters are decoded, one at a time.
    let bytes = text.as_bytes();
    let mut space_pending = false;
    let mut i = 0;
    while i < bytes.len() {
        let (ch, len) = if bytes[i].is_ascii() {
            let mut run = plain_ascii_run(&bytes[i..]);
            // Words joined by single spaces fold as they are: one copy for all of them rather
            // than one per word (prose with a curly quote or an accent takes this path).
            while run > 0 && bytes.get(i + run) == Some(&b' ') {
                let next = plain_ascii_run(&bytes[i + run + 1..]);
                if next == 0 {
                    break;
                }
                run += 1 + next;
            }
            if run > 0 {
                if space_pending {
                    out.push(' ');
                    space_pending = false;
                }
                let from = out.len();
                out.push_str(&text[i..i + run]);
                out[from..].make_ascii_lowercase();
                i += run;
                continue;
            }
            (char::from(bytes[i]), 1)
        } else {
            let ch = text[i..].chars().next().expect("i is on a character boundary");
            (ch, ch.len_utf8())
        };
        i += len;
        if ch.is_whitespace() {
            space_pending = out.len() > start_len;
        } else {
            if space_pending {
                out.push(' ');
                space_pending = false;
            }
            push_folded_char(ch, out);
        }
    }
}

pub(crate) use super::swar::is_ascii_space;

/// ASCII that folding only lowercases: not white space (which collapses), not a backtick
/// (which becomes an apostrophe).
#[cfg(test)]
fn is_plain_ascii(b: u8) -> bool {
    b.is_ascii() && !is_ascii_space(b) && b != b'`'
}

/// Length of the run of plain ASCII (see `is_plain_ascii`) that `bytes` starts with, found
/// eight bytes at a time (see [`swar`]).
fn plain_ascii_run(bytes: &[u8]) -> usize {
    let mut run = 0;
    for chunk in bytes.chunks(8) {
        let x = swar::load(chunk);
        // High bits are cleared before the tests, which assume ASCII; the bytes that had
        // them end the run anyway.
        let ascii = x & !swar::HIGH;
        let stops = (x & swar::HIGH) | swar::ascii_space(ascii) | swar::equal(ascii, b'`');
        if stops != 0 {
            return run + (stops.trailing_zeros() / 8) as usize;
        }
        run += chunk.len();
    }
    run
}

/// Appends the folded form of single-spaced text (see [`is_single_spaced`]): the ASCII between
/// other characters lowercased in one copy each, and each other character folded. False, with
/// part of it appended, if one of them is white space, whose spacing folding must look at.
fn fold_single_spaced(text: &str, out: &mut String) -> bool {
    let push_ascii = |span: &str, out: &mut String| {
        let from = out.len();
        out.push_str(span);
        out[from..].make_ascii_lowercase();
    };
    let mut copied = 0;
    for (k, chunk) in text.as_bytes().chunks(64).enumerate() {
        let mut leads = Block64::load(chunk).lead_bytes();
        while leads != 0 {
            let at = k * 64 + leads.trailing_zeros() as usize;
            leads &= leads - 1;
            push_ascii(&text[copied..at], out);
            let ch = text[at..].chars().next().expect("a lead byte starts a character");
            if ch.is_whitespace() {
                return false;
            }
            push_folded_char(ch, out);
            copied = at + ch.len_utf8();
        }
    }
    push_ascii(&text[copied..], out);
    true
}

/// True for text whose ASCII folding only lowercases: words separated by single spaces, no
/// space at either end, no other ASCII white space, no backtick. 64 bytes at a time (see
/// [`Block64`]).
fn is_single_spaced(text: &[u8]) -> bool {
    let mut space_before = 1; // A leading space must go.
    for chunk in text.chunks(64) {
        let block = Block64::load(chunk);
        if block.in_range(b'\t', b'\r') | block.eq(b'`') != 0 {
            return false;
        }
        let spaces = block.eq(b' ');
        if spaces & (spaces << 1 | space_before) != 0 {
            return false;
        }
        space_before = spaces >> (chunk.len() - 1) & 1;
    }
    space_before == 0 || text.is_empty()
}

/// The folded form of `text`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Folds `text` and records, for every byte of the folded form, the byte offset in `text` it
/// came from; used to show the matched span of a phrase in the original line.
pub fn fold_with_offsets(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len());
    let mut pending_space: Option<usize> = None;
    for (offset, ch) in text.char_indices() {
        if ch.is_whitespace() {
            if !out.is_empty() && pending_space.is_none() {
                pending_space = Some(offset);
            }
            continue;
        }
        if let Some(space_at) = pending_space.take() {
            out.push(' ');
            offsets.push(space_at);
        }
        let before = out.len();
        push_folded_char(ch, &mut out);
        offsets.extend(std::iter::repeat_n(offset, out.len() - before));
    }
    offsets.push(text.len());
    (out, offsets)
}

/// Maps a byte span of the folded form of `line` back to the span of `line` it came from.
pub fn unfold_span(line: &str, folded_span: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let (_, offsets) = fold_with_offsets(line);
    let start = offsets.get(folded_span.start).copied().unwrap_or(line.len());
    let end = offsets.get(folded_span.end).copied().unwrap_or(line.len());
    // The end offset points at the start of the next folded char; step back over spaces.
    let end = line[..end.max(start)].trim_end().len().max(start);
    start..end
}

fn push_folded_char(ch: char, out: &mut String) {
    match ch {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '`' => out.push('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => out.push('"'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
        c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        c => match single_lowercase(c) {
            Some(lower) => out.push(lower),
            None => out.extend(c.to_lowercase()),
        },
    }
}

/// The characters the tables below hold: all of one or two bytes in UTF-8 (ASCII, accented
/// Latin, Greek, Cyrillic, Hebrew, Arabic), most of the letters of the text thresh reads.
const TABLE_END: u32 = 0x800;

/// The lowercase of a character below U+0800 (accented Latin, Greek, Cyrillic...) when it is
/// one character, from a table made once: `char::to_lowercase` binary-searches a table of all
/// of Unicode for each. `None` for other characters, and for the few whose lowercase is longer.
fn single_lowercase(c: char) -> Option<char> {
    static TABLE: std::sync::OnceLock<Box<[u32]>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..TABLE_END)
            .map(|code| {
                let mut lower = char::from_u32(code).map(char::to_lowercase);
                match (lower.as_mut().and_then(Iterator::next), lower.as_mut().and_then(Iterator::next)) {
                    (Some(only), None) => u32::from(only),
                    // 0 is NUL's own lowercase, which is never asked: the mark of "look it up".
                    _ => 0,
                }
            })
            .collect()
    });
    let lower = *table.get(u32::from(c) as usize)?;
    char::from_u32(lower).filter(|_| lower != 0)
}

/// The key of an already folded line: without leading and trailing characters that are
/// neither letters nor digits.
pub fn line_key(folded: &str) -> &str {
    folded.trim_matches(|c: char| !is_alphanumeric(c))
}

/// Number of words (white-space separated tokens) in `text`.
pub fn word_count(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    ascii_space_word_count(text)
}

/// Number of words in text whose only white space is ASCII, as in normalised text (see
/// [`crate::normalize`]): counted on bytes, 64 at a time.
pub fn ascii_space_word_count(text: &str) -> usize {
    // A word starts at a byte that is not space after one that is (or at the start).
    let mut words = 0;
    let mut previous_space = 1;
    for chunk in text.as_bytes().chunks(64) {
        let block = Block64::load(chunk);
        let spaces = block.spaces();
        let starts = block.all() & !spaces & (spaces << 1 | previous_space);
        words += starts.count_ones() as usize;
        previous_space = spaces >> (chunk.len() - 1) & 1;
    }
    words
}

/// True when `c` continues a word, so a phrase ending next to it is not on a word boundary.
pub fn is_word_char(c: char) -> bool {
    is_alphanumeric(c) || c == '_'
}

/// `char::is_alphanumeric`, with the characters below U+0800 (ASCII, accented Latin, Greek,
/// Cyrillic, Hebrew, Arabic) read from a bit table made once: the standard library looks most
/// of them up by a binary search, and a page in Russian asks for every letter.
pub(crate) fn is_alphanumeric(c: char) -> bool {
    static TABLE: std::sync::OnceLock<[u64; TABLE_END as usize / 64]> = std::sync::OnceLock::new();
    let code = u32::from(c);
    if code >= TABLE_END {
        return c.is_alphanumeric();
    }
    let table = TABLE.get_or_init(|| {
        let mut bits = [0u64; TABLE_END as usize / 64];
        for c in (0..TABLE_END).filter_map(char::from_u32).filter(|c| c.is_alphanumeric()) {
            bits[c as usize / 64] |= 1 << (c as usize % 64);
        }
        bits
    });
    table[code as usize / 64] >> (code % 64) & 1 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lowercase_table_agrees_with_the_standard_library() {
        for c in (1..0x3000).filter_map(char::from_u32) {
            let mut folded = String::new();
            push_folded_char(c, &mut folded);
            let expected: String = match c {
                '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '`' => "'".into(),
                '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => "\"".into(),
                '\u{2010}'..='\u{2015}' | '\u{2212}' => "-".into(),
                c => c.to_lowercase().collect(),
            };
            assert_eq!(folded, expected, "U+{:04X}", u32::from(c));
        }
        assert_eq!(single_lowercase('\u{130}'), None, "İ lowercases to two characters");
    }

    #[test]
    fn the_alphanumeric_table_agrees_with_the_standard_library() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn folds_case_space_and_typography() {
        assert_eq!(fold("  Ukraine’s   “Main”\tDirectorate — HUR "), "ukraine's \"main\" directorate - hur");
        assert_eq!(fold("ПОДЕЛИТЬСЯ Straße"), "поделиться straße");
    }

    /// Folding by its definition, one character at a time.
    fn fold_by_character(text: &str) -> String {
        let mut folded = String::new();
        for ch in text.chars() {
            if ch.is_whitespace() {
                if !folded.is_empty() && !folded.ends_with(' ') {
                    folded.push(' ');
                }
            } else {
                push_folded_char(ch, &mut folded);
            }
        }
        folded.trim_end().to_string()
    }

    #[test]
    fn folding_in_runs_matches_folding_by_character() {
        for text in [
            "  Share   THIS\tArticle ",
            "",
            "   ",
            "It`s a \x0b test",
            "a\r\nb\x0cC",
            "MiXeD-Case: 42!",
            "One Two",
            " x",
            "x ",
            "Ünï  Côdé’s\u{a0}Straße `x`",
            "\u{3000}全角\u{3000}スペース\u{2003}",
            "  É\u{85}x\u{2028}  `Ö`  ",
            "ÀB\tc\x0bD",
            "İstanbul ΣΑΣ",
        ] {
            assert_eq!(fold(text), fold_by_character(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn folding_matches_its_definition(text in "[aZ`' \t\x0b\u{a0}\u{2003}\u{3000}Éß’“—İΣ全.-]{0,40}") {
            proptest::prop_assert_eq!(fold(&text), fold_by_character(&text));
        }

        /// Mostly ASCII, as most lines are: runs and spacing cross the eight-byte steps.
        #[test]
        fn folding_ascii_matches_its_definition(text in "[aZ.`\x00 \t\r]{0,40}|[aZ é]{0,40}") {
            proptest::prop_assert_eq!(fold(&text), fold_by_character(&text));
        }

        /// Prose with curly quotes, dashes, accents and Unicode spaces among single spaces.
        #[test]
        fn folding_spaced_prose_matches_its_definition(text in "[aZ .’“é\u{3000}\u{a0}—`\t]{0,80}") {
            proptest::prop_assert_eq!(fold(&text), fold_by_character(&text));
        }

        #[test]
        fn byte_steps_agree_with_byte_tests(text in "[aZ.`\x00 \t\x0b\x7féß’]{0,40}") {
            let bytes = text.as_bytes();
            let run = bytes.iter().take_while(|&&b| is_plain_ascii(b)).count();
            proptest::prop_assert_eq!(plain_ascii_run(bytes), run);
            // Other characters do not count: they are folded one by one.
            let single_spaced = !text.starts_with(' ')
                && !text.ends_with(' ')
                && !text.contains("  ")
                && !bytes.iter().any(|&b| b == b'`' || (is_ascii_space(b) && b != b' '));
            proptest::prop_assert_eq!(is_single_spaced(bytes), single_spaced);
        }
    }

    #[test]
    fn keys_strip_surrounding_punctuation() {
        assert_eq!(line_key(&fold("— Advertisement —")), "advertisement");
        assert_eq!(line_key(&fold("Related:")), "related");
        assert_eq!(line_key(&fold("Privacy and Cookie Policies.")), "privacy and cookie policies");
        assert_eq!(line_key(&fold("* * *")), "");
    }

    #[test]
    fn offsets_point_into_the_original() {
        let text = "Read  MORE: Ünïcode";
        let (folded, offsets) = fold_with_offsets(text);
        assert_eq!(folded, "read more: ünïcode");
        let start = folded.find("more").unwrap();
        assert_eq!(&text[offsets[start]..offsets[start + 4]], "MORE");
        let u = folded.find('ü').unwrap();
        assert_eq!(&text[offsets[u]..], "Ünïcode");
        assert_eq!(offsets.len(), folded.len() + 1);
    }

    proptest::proptest! {
        #[test]
        fn byte_word_counts_match_splitting(text in "[a \t\n\x0b\x0c\rZ.é]{0,200}") {
            proptest::prop_assert_eq!(ascii_space_word_count(&text), text.split_whitespace().count());
        }
    }

    #[test]
    fn ascii_space_is_what_char_calls_white_space() {
        for b in 0..=0x7Fu8 {
            assert_eq!(is_ascii_space(b), char::from(b).is_whitespace(), "{b:#04x}");
        }
    }

    #[test]
    fn counts_words() {
        assert_eq!(word_count("  one two\tthree "), 3);
        assert_eq!(word_count("un\u{a0}deux trois"), 3, "Unicode spaces split words too");
        assert_eq!(word_count("a\x0bb\x0cc"), 3);
        assert_eq!(word_count(""), 0);
        assert_eq!(ascii_space_word_count(" été  à\tParis\n "), 3);
        assert_eq!(ascii_space_word_count("x"), 1);
        assert_eq!(ascii_space_word_count(""), 0);
    }
}
