//! What one pass over a line's characters tells: length (a wide CJK character counting three),
//! letters by script, digits and symbols, case, punctuation, and tokens (which of them are
//! separators or capitalised). ASCII runs are counted 64 bytes at a time as bit masks (see
//! [`crate::text::simd`]); other characters from tables made once, or their Unicode properties.

use crate::language::{self, Script};
use crate::text::fold;
use crate::text::simd::Block64;
use crate::text::swar;

/// Sentence-final marks of the scripts thresh meets (Latin, CJK, Devanagari, Arabic, Armenian,
/// Ethiopic); `:` and `;` end a line that goes on.
pub(crate) const TERMINAL_MARKS: [char; 16] =
    ['.', '!', '?', '…', ':', ';', '。', '！', '？', '．', '।', '॥', '؟', '۔', '։', '።'];

/// Ideographs, kana and hangul: a word takes one to three of them, not five or six letters, so
/// each counts as several characters of length.
pub(crate) fn is_wide_script(c: char) -> bool {
    match language::script_of(c) {
        Some(Script::Cjk) => true,
        // Syllables and conjoining jamo; a compatibility jamo stands alone as one letter.
        Some(Script::Hangul) => !matches!(c, '\u{3130}'..='\u{318F}'),
        _ => false,
    }
}

/// What one pass over a line's characters tells.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CharCounts {
    /// Length, a wide (CJK) character counting three.
    pub(crate) width: usize,
    pub(crate) non_space: usize,
    pub(crate) digits: usize,
    /// Digits, punctuation and symbols.
    pub(crate) digits_and_symbols: usize,
    pub(crate) upper: bool,
    pub(crate) lower: bool,
    /// Has a comma or a sentence mark.
    pub(crate) punctuated: bool,
    /// Letters, and those of each script with a bundled stoplist (by `Script as usize`).
    pub(crate) letters: usize,
    pub(crate) by_script: [u32; Script::COUNT],
    /// White-space separated tokens; of them, the separators (`|`, `»`, `-`) and those
    /// starting with a capital.
    pub(crate) tokens: usize,
    pub(crate) separators: usize,
    pub(crate) capitalised: usize,
}

/// A comma or a sentence mark.
pub(crate) const fn is_punctuation(c: char) -> bool {
    if matches!(c, ',' | '،' | '，' | '、') {
        return true;
    }
    let mut i = 0;
    while i < TERMINAL_MARKS.len() {
        if TERMINAL_MARKS[i] == c {
            return true;
        }
        i += 1;
    }
    false
}

/// Tokens made only of these separate menu items: `Home | News » Sport`.
pub(crate) const fn is_separator(c: char) -> bool {
    matches!(c, '|' | '•' | '·' | '»' | '›' | '>' | '/' | '–' | '-' | '*' | '◦' | '▪')
}

/// What one character is, as [`CharCounts`] needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CharKind {
    pub(crate) space: bool,
    pub(crate) separator: bool,
    pub(crate) digit: bool,
    /// Letter or other alphanumeric that is not a digit (a letter-like numeral counts here).
    pub(crate) letter: bool,
    /// Among the letters: alphabetic, and in which script.
    pub(crate) alphabetic: bool,
    pub(crate) script: Option<Script>,
    pub(crate) upper: bool,
    pub(crate) lower: bool,
    /// A comma or a sentence mark.
    pub(crate) punctuation: bool,
    /// Counts three for length.
    pub(crate) wide: bool,
}

pub(crate) const ASCII_KINDS: [CharKind; 128] = {
    let mut kinds = [CharKind::of_ascii_byte(0); 128];
    let mut b = 1;
    while b < 128 {
        kinds[b] = CharKind::of_ascii_byte(b as u8);
        b += 1;
    }
    kinds
};

impl CharKind {
    /// For an ASCII byte, the common case: looked up in a table made at compile time.
    pub(crate) fn of_ascii(b: u8) -> Self {
        ASCII_KINDS[usize::from(b & 0x7F)]
    }

    pub(crate) const fn of_ascii_byte(b: u8) -> Self {
        let (upper, lower) = (b.is_ascii_uppercase(), b.is_ascii_lowercase());
        CharKind {
            space: fold::is_ascii_space(b),
            separator: is_separator(b as char),
            digit: b.is_ascii_digit(),
            letter: upper || lower,
            alphabetic: upper || lower,
            script: if upper || lower { Some(Script::Latin) } else { None },
            upper,
            lower,
            punctuation: is_punctuation(b as char),
            wide: false,
        }
    }

    /// For any character: ASCII and the common ranges from tables, others by their Unicode
    /// properties.
    pub(crate) fn of_char(ch: char) -> Self {
        if ch.is_ascii() {
            return Self::of_ascii(ch as u8);
        }
        COMMON_KINDS.get_or_init(CommonKinds::new).get(ch).unwrap_or_else(|| Self::by_properties(ch))
    }

    /// Looked up in Unicode's tables, some of them a binary search each: several hundred
    /// instructions per character.
    pub(crate) fn by_properties(ch: char) -> Self {
        let (digit, alphanumeric) = (ch.is_numeric(), ch.is_alphanumeric());
        CharKind {
            space: ch.is_whitespace(),
            separator: is_separator(ch),
            digit,
            letter: alphanumeric,
            alphabetic: ch.is_alphabetic(),
            script: language::script_of(ch),
            upper: ch.is_uppercase(),
            lower: ch.is_lowercase(),
            punctuation: !alphanumeric && is_punctuation(ch),
            wide: is_wide_script(ch),
        }
    }
}

/// [`CharKind`]s of the non-ASCII characters most text is made of, made once from their
/// properties: every two-byte UTF-8 character (Latin letters with accents, Greek, Cyrillic,
/// Hebrew, Arabic) and the General Punctuation block (curly quotes, dashes, ellipsis). A page
/// in Russian is nearly all such characters.
pub(crate) struct CommonKinds {
    pub(crate) two_byte: Box<[CharKind]>,
    pub(crate) punctuation: Box<[CharKind]>,
}

pub(crate) const TWO_BYTE: std::ops::Range<u32> = 0x80..0x800;
pub(crate) const GENERAL_PUNCTUATION: std::ops::Range<u32> = 0x2000..0x2070;

pub(crate) static COMMON_KINDS: std::sync::OnceLock<CommonKinds> = std::sync::OnceLock::new();

impl CommonKinds {
    pub(crate) fn new() -> Self {
        let kinds = |range: std::ops::Range<u32>| {
            range.map(|c| CharKind::by_properties(char::from_u32(c).expect("no surrogates here"))).collect()
        };
        CommonKinds { two_byte: kinds(TWO_BYTE), punctuation: kinds(GENERAL_PUNCTUATION) }
    }

    pub(crate) fn get(&self, ch: char) -> Option<CharKind> {
        let c = u32::from(ch);
        if TWO_BYTE.contains(&c) {
            Some(self.two_byte[(c - TWO_BYTE.start) as usize])
        } else if GENERAL_PUNCTUATION.contains(&c) {
            Some(self.punctuation[(c - GENERAL_PUNCTUATION.start) as usize])
        } else {
            None
        }
    }
}

/// The classes [`CharCounts`] needs of an ASCII block of at most 64 bytes, bit `i` for byte
/// `i`. They agree with [`CharKind::of_ascii_byte`], which a test checks byte by byte.
pub(crate) struct AsciiMasks {
    pub(crate) space: u64,
    pub(crate) separator: u64,
    pub(crate) digit: u64,
    pub(crate) letter: u64,
    pub(crate) upper: u64,
    pub(crate) punctuation: u64,
}

impl AsciiMasks {
    pub(crate) fn of(block: &[u8]) -> Self {
        Self::of_block(&Block64::load(block))
    }

    #[inline(always)]
    fn of_block(b: &Block64) -> Self {
        AsciiMasks {
            space: b.spaces(),
            separator: b.any_of([b'|', b'>', b'/', b'-', b'*']),
            digit: b.in_range(b'0', b'9'),
            letter: b.letters(),
            upper: b.in_range(b'A', b'Z'),
            punctuation: b.any_of([b',', b'.', b'!', b'?', b':', b';']),
        }
    }

    /// The masks of bytes `at..end`, as if they were a block of their own.
    #[inline(always)]
    fn part(&self, at: usize, end: usize) -> Self {
        let keep = |mask: u64| (mask >> at) & swar::valid_bits(end - at);
        AsciiMasks {
            space: keep(self.space),
            separator: keep(self.separator),
            digit: keep(self.digit),
            letter: keep(self.letter),
            upper: keep(self.upper),
            punctuation: keep(self.punctuation),
        }
    }
}

impl CharCounts {
    pub(crate) fn of(text: &str) -> Self {
        let mut counter = Counter::default();
        if text.is_ascii() {
            counter.add_ascii(text.as_bytes());
            return counter.finish();
        }
        counter.add_mixed(text);
        counter.finish()
    }

    /// True when most letters are in `script`: only then does a stoplist of that script say
    /// anything about the line (an Arabic quote in an English article has no English function
    /// words, and is not a menu for that).
    pub(crate) fn mostly_in(&self, script: Script) -> bool {
        self.by_script[script as usize] as usize * 2 > self.letters
    }
}

/// [`CharCounts`] in the making: one character at a time, and whether it is inside a token.
#[derive(Default)]
pub(crate) struct Counter {
    pub(crate) counts: CharCounts,
    pub(crate) in_token: bool,
    pub(crate) token_is_separator: bool,
}

impl Counter {
    pub(crate) fn add(&mut self, kind: CharKind) {
        let c = &mut self.counts;
        c.width += if kind.wide { 3 } else { 1 };
        if kind.space {
            c.separators += usize::from(self.in_token && self.token_is_separator);
            self.in_token = false;
            return;
        }
        if !self.in_token {
            self.in_token = true;
            self.token_is_separator = true;
            c.tokens += 1;
            c.capitalised += usize::from(kind.upper);
        }
        self.token_is_separator &= kind.separator;
        c.non_space += 1;
        if kind.digit {
            c.digits += 1;
            c.digits_and_symbols += 1;
        } else if !kind.letter {
            c.digits_and_symbols += 1;
            c.punctuated |= kind.punctuation;
        } else {
            c.upper |= kind.upper;
            c.lower |= kind.lower;
        }
        if kind.alphabetic {
            c.letters += 1;
            if let Some(script) = kind.script {
                c.by_script[script as usize] += 1;
            }
        }
    }

    /// What [`Counter::add`] counts for each byte of an ASCII run, where every letter is
    /// Latin and nothing is wide: 64 bytes at a time as bit masks (see [`Block64`]), read with
    /// popcounts instead of a branch or a lookup per byte.
    pub(crate) fn add_ascii(&mut self, bytes: &[u8]) {
        // Seven popcounts a block: the x86-64 baseline has no instruction for them, which most
        // CPUs of the last fifteen years do; the same code is compiled for those too.
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU has POPCNT, as just checked.
            return unsafe { self.add_ascii_with_popcnt(bytes) };
        }
        self.add_ascii_blocks(bytes);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    fn add_ascii_with_popcnt(&mut self, bytes: &[u8]) {
        self.add_ascii_blocks(bytes);
    }

    /// Like [`Counter::add_ascii`], for text with other characters (a curly quote, a dash, a
    /// word in Cyrillic): each 64-byte block's classes are taken once, the ASCII between the
    /// other characters is counted from them, and each other character on its own.
    pub(crate) fn add_mixed(&mut self, text: &str) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU has POPCNT, as just checked.
            return unsafe { self.add_mixed_with_popcnt(text) };
        }
        self.add_mixed_blocks(text);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    fn add_mixed_with_popcnt(&mut self, text: &str) {
        self.add_mixed_blocks(text);
    }

    #[inline(always)]
    fn add_mixed_blocks(&mut self, text: &str) {
        // The next byte to count: always the first of a character.
        let mut next = 0;
        for (k, chunk) in text.as_bytes().chunks(64).enumerate() {
            let base = k * 64;
            if next >= base + chunk.len() {
                continue; // A short last block inside the character before it.
            }
            let block = Block64::load(chunk);
            let masks = AsciiMasks::of_block(&block);
            let others = block.lead_bytes();
            loop {
                // From `at`, ASCII up to the next character that is not.
                let at = next - base;
                let ahead = others & (u64::MAX << at);
                let end = if ahead == 0 { chunk.len() } else { ahead.trailing_zeros() as usize };
                if end > at {
                    self.add_ascii_block(end - at, &masks.part(at, end));
                }
                next = base + end;
                if end == chunk.len() {
                    break;
                }
                let ch = text[next..].chars().next().expect("a lead byte starts a character");
                self.add(CharKind::of_char(ch));
                next += ch.len_utf8();
                if next >= base + chunk.len() {
                    break;
                }
            }
        }
    }

    #[inline(always)]
    fn add_ascii_blocks(&mut self, bytes: &[u8]) {
        for block in bytes.chunks(64) {
            self.add_ascii_block(block.len(), &AsciiMasks::of(block));
        }
    }

    #[inline(always)]
    pub(crate) fn add_ascii_block(&mut self, len: usize, m: &AsciiMasks) {
        let non_space = !m.space & swar::valid_bits(len);
        let token_before = u64::from(self.in_token);
        let separator_token_before = self.in_token && self.token_is_separator;
        let starts = non_space & !(non_space << 1 | token_before);
        // A token made only of separators is a run of them that starts the token (or goes on
        // with one made only of them so far) and ends at a space. Adding a run's first bit
        // carries through the run and sets the bit just past it.
        let run_starts = starts & m.separator | u64::from(separator_token_before) & m.separator;
        let (past_runs, through_end) = m.separator.overflowing_add(run_starts);
        let past_runs = past_runs & !m.separator;
        let separators = (past_runs & m.space).count_ones() as usize
            + usize::from(separator_token_before && m.space & 1 != 0);
        let last = 1u64 << (len - 1);
        self.in_token = non_space & last != 0;
        // A run reaching the block's end left its carry at bit `len` (out of the word at 64).
        self.token_is_separator =
            self.in_token && if len == 64 { through_end } else { past_runs & (last << 1) != 0 };

        let c = &mut self.counts;
        let letters = m.letter.count_ones() as usize;
        let non_space = non_space.count_ones() as usize;
        c.width += len;
        c.non_space += non_space;
        c.digits += m.digit.count_ones() as usize;
        // In ASCII, whatever is neither space nor letter is a digit or a symbol.
        c.digits_and_symbols += non_space - letters;
        c.upper |= m.upper != 0;
        c.lower |= m.letter & !m.upper != 0;
        c.punctuated |= m.punctuation != 0;
        c.letters += letters;
        c.by_script[Script::Latin as usize] += letters as u32;
        c.tokens += starts.count_ones() as usize;
        c.separators += separators;
        c.capitalised += (starts & m.upper).count_ones() as usize;
    }

    pub(crate) fn finish(mut self) -> CharCounts {
        self.counts.separators += usize::from(self.in_token && self.token_is_separator);
        self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The counts as their definitions say, one Unicode property at a time.
    fn counts_by_definition(text: &str) -> CharCounts {
        let tokens: Vec<&str> = text.split_whitespace().collect();
        let non_space: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
        CharCounts {
            width: text.chars().map(|c| if is_wide_script(c) { 3 } else { 1 }).sum(),
            non_space: non_space.len(),
            digits: non_space.iter().filter(|c| c.is_numeric()).count(),
            digits_and_symbols: non_space.iter().filter(|c| c.is_numeric() || !c.is_alphanumeric()).count(),
            upper: non_space.iter().any(|c| c.is_alphanumeric() && !c.is_numeric() && c.is_uppercase()),
            lower: non_space.iter().any(|c| c.is_alphanumeric() && !c.is_numeric() && c.is_lowercase()),
            punctuated: non_space.iter().any(|&c| {
                !c.is_alphanumeric() && (matches!(c, ',' | '،' | '，' | '、') || TERMINAL_MARKS.contains(&c))
            }),
            letters: letters.len(),
            by_script: std::array::from_fn(|script| {
                letters
                    .iter()
                    .filter(|&&c| language::script_of(c).is_some_and(|s| s as usize == script))
                    .count() as u32
            }),
            tokens: tokens.len(),
            separators: tokens.iter().filter(|t| t.chars().all(is_separator)).count(),
            capitalised: tokens.iter().filter(|t| t.chars().next().is_some_and(char::is_uppercase)).count(),
        }
    }

    #[test]
    fn one_pass_counts_what_the_definitions_say() {
        for line in [
            "Home | News > Sport / Weather - More * Contact",
            "The council met on Monday, and said: \"no\"; it'll decide in 3 weeks!",
            "  2 comments  |  12.05.2024 ",
            "keyword string without any punctuation at all here",
            "| -- >> */ | » • ·",
            "",
            "\tTabs\x0band\x0cform feeds\r",
            "Ukraine’s “Main” Directorate — HUR said",
            "Совет обсудил бюджет (UN), ПОДЕЛИТЬСЯ",
            "市议会周一开会讨论。 ２０２４年",
            "ناقش المجلس يوم الاثنين؟ ٣ تعليقات",
            "Ⅻ ǅemal ½ ²",
        ] {
            assert_eq!(CharCounts::of(line), counts_by_definition(line), "{line:?}");
            // The same line through the character path, which ASCII text otherwise skips.
            let mut by_chars = Counter::default();
            line.chars().for_each(|ch| by_chars.add(CharKind::of_char(ch)));
            assert_eq!(by_chars.finish(), counts_by_definition(line), "{line:?}");
        }
    }

    #[test]
    fn common_kinds_are_the_properties_of_their_characters() {
        for c in (0x80..0x3000).filter_map(char::from_u32) {
            assert_eq!(CharKind::of_char(c), CharKind::by_properties(c), "U+{:04X}", u32::from(c));
        }
        let kinds = CommonKinds::new();
        assert!(kinds.get('\u{7FF}').is_some() && kinds.get('\u{800}').is_none());
        assert!(kinds.get('\u{2014}').is_some() && kinds.get('\u{2070}').is_none());
    }

    #[test]
    fn ascii_masks_agree_with_the_kinds_of_bytes() {
        for b in 0u8..0x80 {
            for position in [0, 7, 8, 63] {
                let mut block = [b'x'; 64];
                block[position] = b;
                let m = AsciiMasks::of(&block);
                let kind = CharKind::of_ascii_byte(b);
                let bit = |mask: u64| mask >> position & 1 == 1;
                assert_eq!(bit(m.space), kind.space, "{b}");
                assert_eq!(bit(m.separator), kind.separator, "{b}");
                assert_eq!(bit(m.digit), kind.digit, "{b}");
                assert_eq!(bit(m.letter), kind.letter, "{b}");
                assert_eq!(bit(m.upper), kind.upper, "{b}");
                assert_eq!(bit(m.punctuation), kind.punctuation, "{b}");
            }
        }
        // The zero bytes that pad a short block are in no class.
        let m = AsciiMasks::of(b"ab");
        assert_eq!([m.space, m.separator, m.digit, m.upper, m.punctuation], [0; 5]);
        assert_eq!(m.letter, 0b11);
    }

    proptest::proptest! {
        #[test]
        fn ascii_counts_match_the_definitions(line in "[ -~\t\x0b\x0c\r\x00-\x08]{0,40}") {
            proptest::prop_assert_eq!(CharCounts::of(&line), counts_by_definition(&line));
        }

        /// Tokens of separators across the 64-byte blocks the ASCII counts are taken in.
        #[test]
        fn long_ascii_counts_match_the_definitions(line in "[ |/*>aZ9,-]{0,300}") {
            proptest::prop_assert_eq!(CharCounts::of(&line), counts_by_definition(&line));
        }

        /// Mostly ASCII with other characters among it: ASCII runs counted as bytes and the
        /// characters between them one by one carry the token state across each other.
        #[test]
        fn mixed_counts_match_the_definitions(line in "[ -~\t“”’—«»•·|éÉ市ПоЖ\u{a0}\u{2003}Ⅻ½²؟。𝐀😀]{0,160}") {
            proptest::prop_assert_eq!(CharCounts::of(&line), counts_by_definition(&line));
        }
    }
}
