//! Per-document language and its stopword list (function words), bundled as data files under
//! `rules/stopwords/`. Heuristics measure how much of a line is function words: prose is full of
//! them, menus and keyword strings are not.

use rustc_hash::{FxHashMap, FxHashSet};

/// A stoplist. FxHash: the sets are probed for every word of every line, and their keys are
/// our own data, so hash flooding is not a concern.
pub type Stopwords = FxHashSet<&'static str>;
use std::sync::OnceLock;

use crate::segment::Document;
use crate::text::fold;
use crate::text::simd::Block64;
use crate::text::swar;

/// A language with a bundled stoplist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Language {
    /// English.
    English,
    /// German.
    German,
    /// French.
    French,
    /// Spanish.
    Spanish,
    /// Italian.
    Italian,
    /// Portuguese.
    Portuguese,
    /// Russian.
    Russian,
    /// Ukrainian.
    Ukrainian,
}

const LISTS: [(Language, whatlang::Lang, &str); 8] = [
    (Language::English, whatlang::Lang::Eng, include_str!("../rules/stopwords/en.txt")),
    (Language::German, whatlang::Lang::Deu, include_str!("../rules/stopwords/de.txt")),
    (Language::French, whatlang::Lang::Fra, include_str!("../rules/stopwords/fr.txt")),
    (Language::Spanish, whatlang::Lang::Spa, include_str!("../rules/stopwords/es.txt")),
    (Language::Italian, whatlang::Lang::Ita, include_str!("../rules/stopwords/it.txt")),
    (Language::Portuguese, whatlang::Lang::Por, include_str!("../rules/stopwords/pt.txt")),
    (Language::Russian, whatlang::Lang::Rus, include_str!("../rules/stopwords/ru.txt")),
    (Language::Ukrainian, whatlang::Lang::Ukr, include_str!("../rules/stopwords/uk.txt")),
];

/// How much text language detection looks at: long lines, which are prose if anything is.
const SAMPLE_BYTES: usize = 2048;
/// Lines at least this long are sampled first.
const SAMPLE_LINE_BYTES: usize = 100;
/// A longer line is sampled by its start: detection needs no more, and a line of a gigabyte
/// (a page without line ends) was copied whole into the sample, folded, and read by whatlang.
const SAMPLE_LINE_MAX_BYTES: usize = 64 << 10;

/// The writing systems of the bundled stoplists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Script {
    /// Latin letters.
    Latin,
    /// Cyrillic letters.
    Cyrillic,
}

impl Language {
    /// The script the language is written in.
    pub fn script(self) -> Script {
        match self {
            Language::Russian | Language::Ukrainian => Script::Cyrillic,
            _ => Script::Latin,
        }
    }

    /// Every language with a bundled stoplist.
    pub fn all() -> impl Iterator<Item = Language> {
        LISTS.iter().map(|(l, _, _)| *l)
    }

    /// The language's stopwords.
    pub fn stopwords(self) -> &'static Stopwords {
        static SETS: OnceLock<Vec<Stopwords>> = OnceLock::new();
        let sets = SETS.get_or_init(|| LISTS.iter().map(|(_, _, text)| parse_list(text)).collect());
        let index = LISTS.iter().position(|(l, _, _)| *l == self).expect("every language has a list");
        &sets[index]
    }

    /// Detects the language of a document from its longest lines; `None` when it is not one
    /// of the bundled languages or the text is too short to tell.
    pub fn detect(doc: &Document) -> Option<Language> {
        Self::detect_lines((0..doc.len()).map(|i| doc.line_text(i)))
    }

    /// Like [`Language::detect`], for some lines of a document.
    pub fn detect_lines<'a>(lines: impl Iterator<Item = &'a str> + Clone) -> Option<Language> {
        Self::detect_sample(&Self::sample(lines.map(|line| (line, None))))
    }

    /// What [`Language::detect_lines`] looks at: long lines first, then the rest, in document
    /// order, up to about 2 KB (linear, no sort of a huge page). The words of their folded
    /// forms (see [`crate::text::fold`]) are counted as they are taken, for detection's stopwords
    /// and for the caller: each line comes with its folded form when the caller has it, else
    /// it is folded here.
    pub fn sample<'a>(lines: impl Iterator<Item = (&'a str, Option<&'a str>)> + Clone) -> Sample {
        let mut sample = Sample { text: String::new(), counts: WordCounts::default(), lines: Vec::new() };
        let long = lines.clone().enumerate().filter(|(_, (l, _))| l.len() >= SAMPLE_LINE_BYTES);
        let short = lines.enumerate().filter(|(_, (l, _))| l.len() < SAMPLE_LINE_BYTES);
        let mut scratch = String::new();
        for (position, (line, folded)) in long.chain(short) {
            if sample.text.len() >= SAMPLE_BYTES {
                break;
            }
            let end = crate::error::floor_char_boundary(line, line.len().min(SAMPLE_LINE_MAX_BYTES));
            let whole = end == line.len();
            let (line, folded) = if whole { (line, folded) } else { (&line[..end], None) };
            sample.text.push_str(line);
            sample.text.push('\n');
            let folded = folded.unwrap_or_else(|| {
                scratch.clear();
                fold::fold_into(line, &mut scratch);
                &scratch
            });
            let counts = WordCounts::of(folded);
            sample.counts.add(&counts);
            sample.lines.push((position, whole.then_some(counts)));
        }
        sample
    }

    /// The language of a sample made by [`Language::sample`].
    pub fn detect_sample(sample: &Sample) -> Option<Language> {
        if sample.text.split_whitespace().take(8).count() < 8 {
            return None;
        }
        if let Some(clear) = Self::clear_by_stopwords(sample) {
            return Some(clear);
        }
        let detector = whatlang::Detector::with_allowlist(LISTS.iter().map(|(_, w, _)| *w).collect());
        let lang = detector.detect_lang(&sample.text)?;
        LISTS.iter().find(|(_, w, _)| *w == lang).map(|(l, _, _)| *l)
    }
}

impl Language {
    /// The language whose function words plainly dominate the sample, if one does: prose is
    /// a third or more function words of its own language and few of any other. One walk over
    /// the words instead of a trigram model (whatlang costs about a million instructions per
    /// 2 KB sample, a quarter of cleaning a typical page); unclear samples (related languages,
    /// short or mixed text) are still left to whatlang.
    fn clear_by_stopwords(sample: &Sample) -> Option<Language> {
        let counts = &sample.counts;
        if counts.words < CLEAR_MIN_WORDS {
            return None;
        }
        let mut ratios: Vec<(f64, Language)> = Language::all().map(|l| (counts.ratio(l), l)).collect();
        ratios.sort_by(|a, b| b.0.total_cmp(&a.0));
        let ((best, language), (second, _)) = (ratios[0], ratios[1]);
        (best >= CLEAR_STOPWORDS
            && best >= CLEAR_MARGIN * second
            && mostly_in_script(&sample.text, language.script()))
        .then_some(language)
    }
}

/// A sample is plainly in a language when it has this many words (a line or two is too
/// little to go by) ...
const CLEAR_MIN_WORDS: usize = 100;
/// ... at least this share of them are that language's stopwords ...
const CLEAR_STOPWORDS: f64 = 0.25;
/// ... and this many times the share of any other language's.
const CLEAR_MARGIN: f64 = 3.0;

fn parse_list(text: &'static str) -> Stopwords {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

/// True when most letters of `text` are in `script`: only then does a stoplist of that script
/// say anything about the line (an Arabic quote in an English article has no English
/// function words, and is not a menu for that).
pub fn mostly_in_script(text: &str, script: Script) -> bool {
    if text.is_ascii() {
        return script == Script::Latin && text.bytes().any(|b| b.is_ascii_alphabetic());
    }
    // Mostly ASCII in practice (a sample with a curly quote): ASCII letters (all Latin) are
    // counted as bytes, and only the other characters are decoded, if it can matter: there
    // are at most as many other letters as lead bytes of multi-byte characters.
    let bytes = text.as_bytes();
    let (ascii_letters, at_most_others) = ascii_letters_and_lead_bytes(bytes);
    if ascii_letters > at_most_others {
        // Most letters are ASCII, whatever the others are.
        return script == Script::Latin;
    }
    let (mut other_letters, mut others_in_script) = (0usize, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        // The first byte of a character of two or more bytes.
        if b >= 0xC0 {
            if let Some(c) = text[i..].chars().next().filter(|c| c.is_alphabetic()) {
                other_letters += 1;
                others_in_script += usize::from(script_of(c) == Some(script));
            }
        }
    }
    let letters = ascii_letters + other_letters;
    let in_script = others_in_script + if script == Script::Latin { ascii_letters } else { 0 };
    in_script * 2 > letters
}

/// The ASCII letters of `bytes`, and the lead bytes (0xC0 and up) of its multi-byte
/// characters; eight bytes at a time (see [`swar`]).
fn ascii_letters_and_lead_bytes(bytes: &[u8]) -> (usize, usize) {
    let (mut letters, mut lead_bytes) = (0, 0);
    for chunk in bytes.chunks(8) {
        let x = swar::load(chunk);
        let ascii = !x & swar::HIGH;
        letters +=
            (swar::in_range(swar::fold_case(x & !swar::HIGH), b'a', b'z' + 1) & ascii).count_ones() as usize;
        // Bit 6 shifted onto bit 7: both set.
        lead_bytes += (x & x << 1 & swar::HIGH).count_ones() as usize;
    }
    (letters, lead_bytes)
}

/// The script of a letter, when it is one of those with a bundled stoplist.
pub fn script_of(letter: char) -> Option<Script> {
    match letter {
        'a'..='z' | 'A'..='Z' | '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' => Some(Script::Latin),
        '\u{400}'..='\u{52F}' => Some(Script::Cyrillic),
        _ => None,
    }
}

/// The words of a folded line (letters, digits and apostrophes).
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !fold::is_alphanumeric(c) && c != '\'').filter(|w| !w.is_empty())
}

/// Which bundled stoplists hold each word (bit `i` for `LISTS[i]`): one probe per word tells
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
            for (bit, (language, _, _)) in LISTS.iter().enumerate() {
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

/// Lines of a document that language detection looks at, made by [`Language::sample`]; two
/// samples of the same lines are equal, and a detection need not be repeated.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The lines, each ending with `\n`.
    pub text: String,
    /// The words of their folded forms (see [`crate::text::fold`]), whose stopwords detection counts.
    counts: WordCounts,
    /// Each line taken, by its position among the lines sampled from, with its counts when
    /// it was taken whole: the heuristics count the same words again.
    lines: Vec<(usize, Option<WordCounts>)>,
}

impl Sample {
    /// The lines taken (see [`Sample::lines`](#structfield.lines)).
    pub(crate) fn lines(&self) -> &[(usize, Option<WordCounts>)] {
        &self.lines
    }
}

/// The words of a folded line and how many of them each bundled stoplist holds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WordCounts {
    /// Number of words (see [`words`]).
    pub words: usize,
    stopwords: [u32; LISTS.len()],
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
                if fold::is_alphanumeric(ch) {
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
    fn add(&mut self, other: &WordCounts) {
        self.words += other.words;
        self.stopwords.iter_mut().zip(other.stopwords).for_each(|(total, n)| *total += n);
    }

    /// Share of the words that are stopwords of `language`; 0.0 for a line without words.
    pub fn ratio(&self, language: Language) -> f64 {
        let index = LISTS.iter().position(|(l, _, _)| *l == language).expect("every language has a list");
        if self.words == 0 {
            0.0
        } else {
            f64::from(self.stopwords[index]) / self.words as f64
        }
    }
}

/// Share of the words of a folded line that are stopwords; 0.0 for a line without words.
pub fn stopword_ratio(folded: &str, stopwords: &Stopwords) -> f64 {
    let (mut total, mut hits) = (0usize, 0usize);
    for word in words(folded) {
        total += 1;
        hits += usize::from(stopwords.contains(word));
    }
    if total == 0 {
        0.0
    } else {
        hits as f64 / total as f64
    }
}

/// The bundled English stopwords (used by the `max_stopword_ratio` guard).
pub fn english() -> &'static Stopwords {
    Language::English.stopwords()
}

/// Folds `line` and returns its stopword ratio.
pub fn line_stopword_ratio(line: &str, stopwords: &Stopwords) -> f64 {
    stopword_ratio(&fold::fold(line), stopwords)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    fn doc(text: &str) -> Document {
        Document::from_normalized(normalize(text))
    }

    #[test]
    fn lines_are_checked_against_the_script_of_the_stoplist() {
        assert!(mostly_in_script("Café owners said", Script::Latin));
        assert!(!mostly_in_script("ناقش المجلس يوم الاثنين", Script::Latin));
        assert!(!mostly_in_script("Совет обсудил бюджет", Script::Latin));
        assert!(mostly_in_script("Совет обсудил бюджет (UN)", Script::Cyrillic));
        assert!(!mostly_in_script("市议会周一开会讨论", Script::Cyrillic));
    }

    #[test]
    fn ratio() {
        let sw = english();
        assert!(sw.contains("the"));
        assert_eq!(stopword_ratio("the cat and the hat", sw), 0.6);
        assert_eq!(stopword_ratio("syria aleppo rebels", sw), 0.0);
        assert_eq!(stopword_ratio("", sw), 0.0);
    }

    #[test]
    fn detects_the_bundled_languages() {
        let cases = [
            ("The council met on Monday and decided that the new lanes would be built by the city within three years.", Language::English),
            ("Der Stadtrat hat am Dienstag beschlossen, dass in den nächsten drei Jahren neue Radwege gebaut werden.", Language::German),
            ("Le conseil municipal a voté mardi la construction de nouvelles pistes cyclables dans la ville.", Language::French),
            ("El pleno municipal aprobó el martes la construcción de nuevos carriles bici en la ciudad.", Language::Spanish),
            ("Il consiglio comunale ha approvato martedì la costruzione di nuove piste ciclabili in città.", Language::Italian),
            ("A câmara municipal aprovou na terça-feira a construção de novas ciclovias na cidade.", Language::Portuguese),
            ("Во вторник городской совет проголосовал за строительство новых велодорожек в городе.", Language::Russian),
            ("У вівторок міська рада проголосувала за будівництво нових велодоріжок у місті.", Language::Ukrainian),
        ];
        for (text, expected) in cases {
            assert_eq!(Language::detect(&doc(text)), Some(expected), "{text}");
            // A page's worth of it is plain from its function words alone, or left to the
            // trigram model when a related language shares many of them; never wrong.
            let page = format!("{text}\n").repeat(10);
            let clear = Language::clear_by_stopwords(&sample(&page));
            assert!(clear.is_none_or(|l| l == expected), "{text}: {clear:?}");
            if matches!(expected, Language::English | Language::German) {
                assert_eq!(clear, Some(expected), "{text}");
            }
        }
        assert_eq!(Language::detect(&doc("Menu\nHome")), None);
    }

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

            for language in Language::all() {
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
            Language::all().map(|l| words.iter().filter(|w| l.stopwords().contains(*w)).count()).collect();
        (words.len(), hits)
    }

    proptest::proptest! {
        /// The byte-level split of a folded line finds the words `words` finds, with the same
        /// stopwords, in any script.
        #[test]
        fn counts_are_those_of_the_words(
            line in "((the|und|ЧТО|été|l'|d’|x2|Ünï|中文|𝐀𝐁c|[a-zé'ß]{1,9}|[ЁёА-я]{1,7})[ .,;\\-–|«»𝄞]{1,2}){0,30}"
        ) {
            let folded = fold::fold(&line);
            let mut expected = WordCounts::default();
            for word in words(&folded) {
                expected.words += 1;
                for (index, (language, _, _)) in LISTS.iter().enumerate() {
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
            for (language, hits) in Language::all().zip(hits) {
                let ratio = if words == 0 { 0.0 } else { hits as f64 / words as f64 };
                proptest::prop_assert_eq!(counts.ratio(language), ratio, "{:?}", language);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_letters_and_lead_bytes_are_counted_as_defined(text in "[a-zA-Z0-9 @\\[`{~é€𝄞Жß\u{80}-\u{7ff}]{0,40}") {
            let bytes = text.as_bytes();
            let letters = bytes.iter().filter(|b| b.is_ascii_alphabetic()).count();
            let lead_bytes = bytes.iter().filter(|&&b| b >= 0xC0).count();
            proptest::prop_assert_eq!(ascii_letters_and_lead_bytes(bytes), (letters, lead_bytes));
        }

        #[test]
        fn script_shares_match_the_definition(text in "[a-zA-Z0-9 .,'“”éèßçñА-яёЁіїєґ市议会ناقش-]{0,80}") {
            for script in [Script::Latin, Script::Cyrillic] {
                let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
                let in_script = letters.iter().filter(|&&c| script_of(c) == Some(script)).count();
                let expected = if text.is_ascii() {
                    script == Script::Latin && !letters.is_empty()
                } else {
                    in_script * 2 > letters.len()
                };
                proptest::prop_assert_eq!(mostly_in_script(&text, script), expected, "{:?}", script);
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
    fn a_huge_line_is_sampled_by_its_start() {
        // A page without line ends.
        let line = "the cat sat on the mat ".repeat(4000);
        let sample = Language::sample(std::iter::once((line.as_str(), Some(line.as_str()))));
        assert_eq!(sample.text.len(), SAMPLE_LINE_MAX_BYTES + 1);
        assert_eq!(sample.counts, WordCounts::of(&crate::text::fold::fold(&line[..SAMPLE_LINE_MAX_BYTES])));
        assert_eq!(sample.lines(), [(0, None)], "a cut line's counts are not the line's");
        assert_eq!(Language::detect_sample(&sample), Some(Language::English));
        // The cut falls inside a two-byte character: the sample stops before it.
        let line = format!("a{}", "é".repeat(40_000));
        let sample = Language::sample(std::iter::once((line.as_str(), None)));
        assert_eq!(sample.text.len(), SAMPLE_LINE_MAX_BYTES); // 'a', 32,767 × 'é', '\n'
        assert!(line.starts_with(sample.text.trim_end()));
    }

    #[test]
    fn a_line_of_many_stopwords_counts_them_all() {
        // More than a byte-wide lane holds, in one block-crossing line.
        let line = "the ".repeat(1000);
        let counts = WordCounts::of(&line);
        assert_eq!(counts.words, 1000);
        assert_eq!(counts.ratio(Language::English), 1.0);
    }

    #[test]
    fn unclear_samples_are_left_to_the_trigram_model() {
        let english = "The council met on Monday and decided that the new lanes would be built. ";
        let german = "Der Stadtrat hat am Dienstag beschlossen, dass die neuen Radwege gebaut werden. ";
        assert_eq!(Language::clear_by_stopwords(&sample(english)), None, "too short to go by");
        let mixed = format!("{english}\n{german}\n").repeat(5);
        assert_eq!(Language::clear_by_stopwords(&sample(&mixed)), None, "no language dominates");
        let names = "Aleppo Syria Damascus Homs Idlib Raqqa Deir ez-Zor Latakia Tartus ".repeat(12);
        assert_eq!(Language::clear_by_stopwords(&sample(&names)), None, "no function words");
    }

    fn sample(text: &str) -> Sample {
        Language::sample(text.lines().map(|line| (line, None)))
    }

    #[test]
    fn a_sample_counts_the_stopwords_of_its_lines() {
        let text = "The Council said “No” to it.\nIl n’y a pas de quoi — c’est la vie.\n";
        let sample = sample(text);
        assert_eq!(sample.counts, WordCounts::of(&fold::fold(text)));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(sample.lines().len(), lines.len());
        for &(position, counts) in sample.lines() {
            assert_eq!(counts, Some(WordCounts::of(&fold::fold(lines[position]))), "{}", lines[position]);
        }
        assert!(sample.counts.ratio(Language::English) > 0.0 && sample.counts.ratio(Language::French) > 0.0);
    }

    #[test]
    fn every_list_loads() {
        for (language, _, _) in LISTS {
            assert!(language.stopwords().len() > 50, "{language:?}");
        }
    }
}
