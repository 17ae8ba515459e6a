//! A line's words and how many of them are stopwords: of every core list at once, in one
//! branch-free walk over the folded line, and of the document's language when its list is not
//! a core one.

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

use super::{Language, CORE};
use crate::text::fold;
use crate::text::simd::Block64;
use crate::text::swar;

/// The words of a folded line: letters, digits, apostrophes, and the vowel signs and viramas
/// that Indic scripts write inside a word.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty())
}

/// A character of a word (see [`words`]).
pub(crate) fn is_word_char(c: char) -> bool {
    fold::is_alphanumeric(c) || c == '\'' || is_indic_sign(c)
}

/// The marks of the Indic blocks (U+0900 to U+0DFF), which are not letters but are written
/// inside words; their sentence marks (the dandas) and the abbreviation sign are not.
fn is_indic_sign(c: char) -> bool {
    matches!(u32::from(c), 0x900..=0xDFF) && !matches!(c, '\u{964}' | '\u{965}' | '\u{970}')
}

/// Which core stoplists hold each word (bit `i` for the `i`-th core language): one probe per word tells
/// every language at once, so a line's words are walked once however many lists judge it.
///
/// Probed for every word of every line, so a probe is a few instructions with no branch on
/// its answer (whether a word is a stopword is a coin toss in prose, which a branch predictor
/// loses): a word is packed into an integer ([`PackedWord`]) whose top byte holds the
/// membership bits, and a table is buckets of four such entries, all four compared at once.
/// Most words of prose have at most seven bytes and are looked up as `u64`s, half the work of
/// the `u128`s that hold the longer ones.
struct Stoplists {
    short: StoplistTable<u64>,
    long: StoplistTable<u128>,
}

impl Stoplists {
    fn get() -> &'static Stoplists {
        static TABLES: OnceLock<Stoplists> = OnceLock::new();
        TABLES.get_or_init(|| {
            let mut memberships: FxHashMap<&'static str, u8> = FxHashMap::default();
            for (bit, language) in Language::core().enumerate() {
                for &word in language.stopwords() {
                    *memberships.entry(word).or_insert(0u8) |= 1 << bit;
                }
            }
            let (short, long): (Vec<_>, Vec<_>) =
                memberships.into_iter().partition(|(word, _)| word.len() <= u64::BYTES);
            Stoplists { short: StoplistTable::new(&short), long: StoplistTable::new(&long) }
        })
    }

    /// The membership bits of the word at `text[from..to]` (0 for a word no list holds).
    fn memberships_at(&self, text: &[u8], from: usize, to: usize) -> u8 {
        let len = to - from;
        if len <= u64::BYTES {
            self.short.memberships(u64::pack_at(text, from, to))
        } else if len <= u128::BYTES {
            self.long.memberships(u128::pack_at(text, from, to))
        } else {
            0
        }
    }

    /// Like [`Stoplists::memberships_at`], for an ASCII word of any case.
    fn memberships_of_ascii_at(&self, text: &[u8], from: usize, to: usize) -> u8 {
        let len = to - from;
        if len <= u64::BYTES {
            self.short.memberships(u64::pack_at(text, from, to).lowercase())
        } else if len <= u128::BYTES {
            self.long.memberships(u128::pack_at(text, from, to).lowercase())
        } else {
            0
        }
    }
}

/// A word of 1 to `BYTES` bytes as a zero-padded little-endian integer, one byte wider than
/// the longest word so that an entry's top byte can hold its membership bits (words hold no
/// NUL byte, so two words pack alike only if they are equal).
trait PackedWord: Copy + Default + Eq {
    const BYTES: usize;
    fn pack(word: &[u8]) -> Self;
    /// Like `pack`, for the word at `text[from..to]`, reading the integer's width at once
    /// when the text has it and masking off what follows the word.
    fn pack_at(text: &[u8], from: usize, to: usize) -> Self;
    fn with_memberships(self, bits: u8) -> Self;
    /// The word with its ASCII capitals lowered (the packed bytes are ASCII word bytes).
    fn lowercase(self) -> Self;
    /// An entry's packed word and membership bits.
    fn split(self) -> (Self, u8);
    fn hash_input(self) -> u64;
}

/// One implementation for each width: the word in the low bytes, membership bits in the top one.
macro_rules! packed_word {
    ($int:ty) => {
        impl PackedWord for $int {
            const BYTES: usize = std::mem::size_of::<$int>() - 1;

            fn pack(word: &[u8]) -> Self {
                let mut bytes = [0u8; std::mem::size_of::<$int>()];
                bytes[..word.len()].copy_from_slice(word);
                <$int>::from_le_bytes(bytes)
            }

            fn pack_at(text: &[u8], from: usize, to: usize) -> Self {
                const WIDTH: usize = std::mem::size_of::<$int>();
                match text.get(from..from + WIDTH) {
                    Some(window) => {
                        let window = <$int>::from_le_bytes(window.try_into().expect("the integer's width"));
                        window & (<$int>::MAX >> (8 * (WIDTH - (to - from))))
                    }
                    None => Self::pack(&text[from..to]),
                }
            }

            fn with_memberships(self, bits: u8) -> Self {
                self | <$int>::from(bits) << (8 * Self::BYTES)
            }

            fn lowercase(self) -> Self {
                // Eight bytes at a time: a capital's high bit, shifted down, is its 0x20.
                let mut out: $int = 0;
                let mut shift = 0;
                while shift < 8 * std::mem::size_of::<$int>() {
                    let x = (self >> shift) as u64;
                    out |= <$int>::from(x | swar::in_range(x, b'A', b'Z' + 1) >> 2) << shift;
                    shift += 64;
                }
                out
            }

            fn split(self) -> (Self, u8) {
                (self & <$int>::MAX >> 8, (self >> (8 * Self::BYTES)) as u8)
            }

            fn hash_input(self) -> u64 {
                let wide = u128::from(self);
                (wide as u64) ^ (wide >> 64) as u64
            }
        }
    };
}

packed_word!(u64);
packed_word!(u128);

/// Buckets of [`BUCKET_SLOTS`] packed entries, addressed by a multiplicative hash.
struct StoplistTable<K> {
    buckets: Box<[[K; BUCKET_SLOTS]]>,
    /// `buckets.len() - 1`; the length is a power of two.
    mask: usize,
    /// Multiplier of the hash, chosen so that no bucket overflows.
    multiplier: u64,
}

const BUCKET_SLOTS: usize = 4;

impl<K: PackedWord> StoplistTable<K> {
    fn new(words: &[(&str, u8)]) -> Self {
        let entries: Vec<K> = words
            .iter()
            .map(|&(word, bits)| {
                assert!(
                    (1..=u128::BYTES).contains(&word.len()),
                    "bundled stopword {word:?} is longer than {} bytes",
                    u128::BYTES
                );
                K::pack(word.as_bytes()).with_memberships(bits)
            })
            .collect();
        // About one entry in five slots; multipliers are tried until every entry fits its
        // bucket (a few tries), and the table doubles if none does.
        let mut buckets = (entries.len() * 5 / BUCKET_SLOTS).next_power_of_two();
        loop {
            for attempt in 0..64u64 {
                let multiplier =
                    0x9E37_79B9_7F4A_7C15u64.wrapping_add(attempt.wrapping_mul(0x2545_F491_4F6C_DD1D)) | 1;
                let mut table = StoplistTable {
                    buckets: vec![[K::default(); BUCKET_SLOTS]; buckets].into(),
                    mask: buckets - 1,
                    multiplier,
                };
                let fits = entries.iter().all(|&entry| {
                    let bucket = &mut table.buckets[table.bucket_of(entry.split().0)];
                    bucket.iter_mut().find(|slot| **slot == K::default()).map(|slot| *slot = entry).is_some()
                });
                if fits {
                    return table;
                }
            }
            buckets *= 2;
        }
    }

    fn bucket_of(&self, key: K) -> usize {
        // The high bits of the product mix best.
        (key.hash_input().wrapping_mul(self.multiplier) >> 40) as usize & self.mask
    }

    /// The membership bits of a packed word (0 for a word no list holds).
    fn memberships(&self, key: K) -> u8 {
        let mut bits = 0;
        for &entry in &self.buckets[self.bucket_of(key)] {
            // Empty slots are 0 and no key is: no false match.
            let (word, memberships) = entry.split();
            bits |= memberships & 0u8.wrapping_sub(u8::from(word == key));
        }
        bits
    }
}

/// Lane `i` (byte `i`) is 1 when bit `i` is set: adds one word's memberships to eight
/// counters at once.
static SPREAD_BITS: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut bits = 0;
    while bits < 256 {
        let mut lane = 0;
        while lane < 8 {
            table[bits] |= ((bits as u64 >> lane) & 1) << (8 * lane);
            lane += 1;
        }
        bits += 1;
    }
    table
};

/// Sums memberships of words into per-list counts, eight byte-wide lanes at a time, emptied
/// into the `u32` counts before a lane can overflow.
struct StopwordTally {
    lanes: u64,
    words_in_lanes: u32,
}

impl StopwordTally {
    fn add(&mut self, bits: u8, counts: &mut WordCounts) {
        self.lanes += SPREAD_BITS[usize::from(bits)];
        self.words_in_lanes += 1;
        if self.words_in_lanes == u32::from(u8::MAX) {
            self.flush(counts);
        }
    }

    fn flush(&mut self, counts: &mut WordCounts) {
        for (lane, hits) in counts.stopwords.iter_mut().enumerate() {
            *hits += (self.lanes >> (8 * lane) & 0xFF) as u32;
        }
        *self = StopwordTally { lanes: 0, words_in_lanes: 0 };
    }
}

/// The word bytes of a block (see [`Block64`]): ASCII letters, digits and the apostrophe, as
/// in [`words`]; bit `i` for byte `i`.
fn ascii_word_bytes(block: &Block64) -> u64 {
    block.letters() | block.in_range(b'0', b'9') | block.eq(b'\'')
}

/// The words of a folded line and how many of them each core stoplist holds, and one more
/// language's when asked (see [`WordCounts::count_in`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WordCounts {
    /// Number of words (see [`words`]).
    pub words: usize,
    stopwords: [u32; CORE],
    /// A language beyond the core, how many of the line's words (or characters, for a
    /// language without spaces) its list holds, and of how many.
    other: Option<(Language, u32, u32)>,
}

impl WordCounts {
    /// Counts the words of a folded line in one pass.
    pub fn of(folded: &str) -> Self {
        if folded.is_ascii() {
            return Self::of_ascii(folded.as_bytes(), Stoplists::memberships_at);
        }
        // The words of `words`, found 64 bytes at a time: ASCII word bytes from byte classes,
        // and each other character decoded to ask whether it is a letter or a digit (its
        // bytes then are word bytes, up to three of them in the next block).
        let text = folded.as_bytes();
        let mut carried = 0u64;
        Self::of_blocks(text, Stoplists::memberships_at, |k, chunk| {
            let block = Block64::load(chunk);
            let mut word_bytes = ascii_word_bytes(&block) | carried;
            carried = 0;
            let mut leads = block.lead_bytes();
            while leads != 0 {
                let at = leads.trailing_zeros() as usize;
                leads &= leads - 1;
                let ch = folded[k * 64 + at..].chars().next().expect("a lead byte starts a character");
                if is_word_char(ch) {
                    let bytes = ((1u128 << ch.len_utf8()) - 1) << at;
                    word_bytes |= bytes as u64;
                    carried |= (bytes >> 64) as u64;
                }
            }
            word_bytes
        })
    }

    /// The counts of a line's folded form, read off the line itself when folding would only
    /// lower its case (an ASCII line without a backtick, which folds to an apostrophe; white
    /// space, which folding collapses, only separates words): no folded copy is needed.
    /// `None` for other lines.
    pub fn of_unfolded(line: &str) -> Option<Self> {
        let text = line.as_bytes();
        (line.is_ascii() && memchr::memchr(b'`', text).is_none())
            .then(|| Self::of_ascii(text, Stoplists::memberships_of_ascii_at))
    }

    /// The common case, split on bytes without decoding characters: 64 bytes at a time
    /// become 64 bits (word byte or not); `memberships` looks each word up.
    fn of_ascii(text: &[u8], memberships: impl Fn(&Stoplists, &[u8], usize, usize) -> u8) -> Self {
        Self::of_blocks(text, memberships, |_, chunk| ascii_word_bytes(&Block64::load(chunk)))
    }

    /// The words of `text`, read off the edges of the bits that `word_bytes` gives for each
    /// block of 64 bytes (its index, its bytes), with no branch per byte; `memberships` looks
    /// each word up.
    fn of_blocks(
        text: &[u8],
        memberships: impl Fn(&Stoplists, &[u8], usize, usize) -> u8,
        mut word_bytes: impl FnMut(usize, &[u8]) -> u64,
    ) -> Self {
        let mut counts = WordCounts::default();
        let mut tally = StopwordTally { lanes: 0, words_in_lanes: 0 };
        let tables = Stoplists::get();
        let mut count = |from: usize, to: usize, counts: &mut WordCounts| {
            counts.words += 1;
            tally.add(memberships(tables, text, from, to), counts);
        };
        let (mut start, mut in_word) = (0, false);
        for (block_index, block) in text.chunks(64).enumerate() {
            let base = block_index * 64;
            let word_bytes = word_bytes(block_index, block);
            // Bit i: byte i differs from the byte before it, a word starts or ends there.
            let mut edges = word_bytes ^ (word_bytes << 1 | u64::from(in_word));
            while edges != 0 {
                let at = base + edges.trailing_zeros() as usize;
                if in_word {
                    count(start, at, &mut counts);
                } else {
                    start = at;
                }
                in_word = !in_word;
                edges &= edges - 1;
            }
        }
        if in_word {
            count(start, text.len(), &mut counts);
        }
        tally.flush(&mut counts);
        counts
    }

    /// Adds the counts of another line (words do not span lines).
    pub(super) fn add(&mut self, other: &WordCounts) {
        self.words += other.words;
        self.stopwords.iter_mut().zip(other.stopwords).for_each(|(total, n)| *total += n);
        debug_assert!(self.other.is_none() && other.other.is_none(), "samples count the core lists only");
    }

    /// Counts the stopwords of `language` too, when it is not a core language, in `folded`:
    /// the folded line these counts are of. A document in one of the other languages pays
    /// for one more walk over its lines' words.
    /// Japanese and Chinese are counted by characters: of the line's characters in their
    /// script, how many the list holds.
    pub fn count_in(&mut self, language: Language, folded: &str) {
        if language.is_core() || self.other.is_some_and(|(counted, _, _)| counted == language) {
            return;
        }
        let list = language.stopwords();
        let (hits, units) = if language.counts_characters() {
            let mut buffer = [0u8; 4];
            let in_script = folded.chars().filter(|&c| super::script_of(c) == Some(language.script()));
            in_script.fold((0usize, 0usize), |(hits, units), c| {
                (hits + usize::from(list.contains(&*c.encode_utf8(&mut buffer))), units + 1)
            })
        } else {
            (words(folded).filter(|word| list.contains(word)).count(), self.words)
        };
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.other = Some((language, narrow(hits), narrow(units)));
    }

    /// Share of the words that are stopwords of `language`; 0.0 for a line without words.
    /// A language beyond the core must have been counted ([`WordCounts::count_in`]); for
    /// another one the share is unknown, and taken as 0.0.
    pub fn ratio(&self, language: Language) -> f64 {
        let (hits, units) = if language.is_core() {
            (self.stopwords[language as usize], self.words as f64)
        } else {
            match self.other {
                Some((counted, hits, units)) if counted == language => (hits, f64::from(units)),
                _ => {
                    debug_assert!(false, "{language:?} was not counted");
                    (0, 0.0)
                }
            }
        };
        if units == 0.0 {
            0.0
        } else {
            f64::from(hits) / units
        }
    }

    /// The languages whose shares these counts tell: the core ones, and the one counted
    /// beyond them.
    pub fn languages(&self) -> impl Iterator<Item = Language> + '_ {
        Language::core().chain(self.other.map(|(language, _, _)| language))
    }
}

#[cfg(test)]
mod tests {
    use super::super::stopword_ratio;
    use super::*;

    #[test]
    fn word_counts_agree_with_the_ratio_of_each_list() {
        for line in [
            "the cat and the hat",
            "der hund und die katze, la casa y el perro",
            "it's a dog's life: l'homme qu'il aime",
            "поделиться в соцсетях и не только",
            "straße über alles 42 ünd",
            "",
            "--- ::: ---",
        ] {
            let counts = WordCounts::of(line);
            assert_eq!(counts.words, words(line).count(), "{line}");

            for language in Language::core() {
                assert_eq!(
                    counts.ratio(language),
                    stopword_ratio(line, language.stopwords()),
                    "{line} {language:?}"
                );
            }
        }
    }

    /// The stoplist table and the branch-free word splitter against the definition: every
    /// word of [`words`], looked up in each list. Lines are made of stopwords (some of more
    /// than one list; on both sides of the seven bytes that split the short table from the long),
    /// other words, words too long for the tables, and separators, long
    /// enough to cross the splitter's 64-byte blocks and to overflow its byte-wide lanes.
    fn word_counts_by_definition(line: &str) -> (usize, Vec<usize>) {
        let words: Vec<&str> = words(line).collect();
        let hits =
            Language::core().map(|l| words.iter().filter(|w| l.stopwords().contains(*w)).count()).collect();
        (words.len(), hits)
    }

    proptest::proptest! {
        /// The byte-level split of a folded line finds the words `words` finds, with the same
        /// stopwords, in any script.
        #[test]
        fn counts_are_those_of_the_words(
            line in "((the|und|ЧТО|été|l'|d’|x2|Ünï|中文|𝐀𝐁c|स्थान|है।|करें|[a-zé'ß]{1,9}|[ЁёА-я]{1,7})[ .,;\\-–|«»𝄞]{1,2}){0,30}"
        ) {
            let folded = fold::fold(&line);
            let mut expected = WordCounts::default();
            for word in words(&folded) {
                expected.words += 1;
                for (index, language) in Language::core().enumerate() {
                    expected.stopwords[index] += u32::from(language.stopwords().contains(word));
                }
            }
            proptest::prop_assert_eq!(WordCounts::of(&folded), expected);
        }

        /// Counting a line's words without folding it gives the counts of its folded form,
        /// stopwords of every case, length and language included.
        #[test]
        fn unfolded_counts_are_the_folded_counts(
            line in "((The|AND|of|Don't|l'|der|DIE|und|WHICH|Nevertheless|ЧТО|été|x`y|[a-zA-Z0-9']{1,17})[ .,;\t|-]{1,2}){0,30}"
        ) {
            let folded = WordCounts::of(&fold::fold(&line));
            match WordCounts::of_unfolded(&line) {
                Some(counts) => proptest::prop_assert_eq!(counts, folded),
                None => proptest::prop_assert!(!line.is_ascii() || line.contains('`')),
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn word_counts_match_the_definition(
            tokens in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec!["the", "and", "die", "und", "de", "la", "che", "и", "не", "que", "nicht", "aujourd'hui", "themselves", "которые", "because", "yourself", "zwischen", "была"]),
                    proptest::sample::select(vec!["cat", "Hund", "x", "42", "don't", "élan", "Straße", "бюджет", "市议会", "a1b2", "council", "politics"]),
                    proptest::sample::select(vec!["abcdefghijklmno", "abcdefghijklmnop", "internationalisation", "заседание_совета"]),
                    proptest::sample::select(vec![" ", "  ", ", ", ". ", "\t", " — ", "-", "'", "“", "…"]),
                ],
                0..400,
            )
        ) {
            let line: String = tokens.concat();
            let counts = WordCounts::of(&line);
            let (words, hits) = word_counts_by_definition(&line);
            proptest::prop_assert_eq!(counts.words, words);
            for (language, hits) in Language::core().zip(hits) {
                let ratio = if words == 0 { 0.0 } else { hits as f64 / words as f64 };
                proptest::prop_assert_eq!(counts.ratio(language), ratio, "{:?}", language);
            }
        }
    }

    #[test]
    fn word_bytes_are_judged_by_block_as_one_by_one() {
        let one_by_one = |b: u8| b.is_ascii_alphanumeric() || b == b'\'';
        for first in 0..128u8 {
            for second in 0..128u8 {
                for len in [1, 5, 8] {
                    let chunk: Vec<u8> = [first, second].into_iter().cycle().take(len).collect();
                    let expected = chunk
                        .iter()
                        .enumerate()
                        .fold(0u8, |bits, (i, &b)| bits | u8::from(one_by_one(b)) << i);
                    assert_eq!(ascii_word_bytes(&Block64::load(&chunk)), u64::from(expected), "{chunk:?}");
                }
            }
        }
    }

    #[test]
    fn a_language_beyond_the_core_is_counted_when_asked() {
        let line = fold::fold("De gemeenteraad heeft maandag besloten dat er nieuwe fietspaden komen.");
        let mut counts = WordCounts::of(&line);
        assert_eq!(counts.languages().count(), CORE);
        counts.count_in(Language::Dutch, &line);
        assert_eq!(counts.ratio(Language::Dutch), stopword_ratio(&line, Language::Dutch.stopwords()));
        assert!(counts.ratio(Language::Dutch) > 0.3, "{}", counts.ratio(Language::Dutch));
        assert_eq!(counts.languages().last(), Some(Language::Dutch));
        // A core language is always counted, and asking again changes nothing.
        let before = counts;
        counts.count_in(Language::English, &line);
        counts.count_in(Language::Dutch, &line);
        assert_eq!(counts, before);
    }

    #[test]
    fn languages_without_spaces_are_counted_by_characters() {
        // Hiragana carry Japanese grammar: 11 of the 23 letters here.
        let line = fold::fold("市議会は火曜日、新しい道路を建設することを決めた。");
        let mut counts = WordCounts::of(&line);
        counts.count_in(Language::Japanese, &line);
        assert_eq!(counts.ratio(Language::Japanese), 11.0 / 23.0);
        let menu = fold::fold("ホーム ニュース 経済 スポーツ");
        let mut counts = WordCounts::of(&menu);
        counts.count_in(Language::Japanese, &menu);
        assert_eq!(counts.ratio(Language::Japanese), 0.0);
    }

    #[test]
    fn indic_vowel_signs_stay_inside_their_words() {
        // "स्थान" has a virama and a vowel sign; the danda ends the sentence.
        assert_eq!(words("इस स्थान पर है।").collect::<Vec<_>>(), ["इस", "स्थान", "पर", "है"]);
        let counts = WordCounts::of("इस स्थान पर है।");
        assert_eq!(counts.words, 4);
    }

    #[test]
    fn a_line_of_many_stopwords_counts_them_all() {
        // More than a byte-wide lane holds, in one block-crossing line.
        let line = "the ".repeat(1000);
        let counts = WordCounts::of(&line);
        assert_eq!(counts.words, 1000);
        assert_eq!(counts.ratio(Language::English), 1.0);
    }
}
