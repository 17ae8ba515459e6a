//! Contains-phrases: every rule's phrases, found in the folded text where they can start and
//! kept on word boundaries; a hit's span is in the folded line (`explain` maps it back).
//!
//! A phrase that starts with a word character can only match where a word starts (see
//! [`on_word_boundary`]), about one byte in six of prose; the word starts come from byte
//! classes 64 bytes at a time ([`Block64`]), and at each one the next eight bytes are turned
//! away by one bit of a filter unless some phrase starts with them. So the text is not walked
//! byte by byte as an automaton walks it: an overlapping aho-corasick DFA over the same
//! phrases cost about 19 instructions a byte on web text, and 50 M instructions to build.
//! Phrases that start otherwise (`¿encontraste un error`, `(c)`) can start anywhere and are
//! tried wherever their first byte is.

use rustc_hash::FxHashMap;

use crate::text::fold::is_word_char;
use crate::text::simd::Block64;

/// Where an indexed phrase occurs in the text searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct PhraseMatch {
    /// Byte after the match: matches come ordered by it, then by start.
    pub(super) end: usize,
    pub(super) start: usize,
    /// Index of the phrase, in the order given to [`PhraseIndex::new`].
    pub(super) phrase: usize,
}

/// The folded phrases of all rules, indexed by how they start.
#[derive(Debug)]
pub(super) struct PhraseIndex {
    phrases: Vec<Box<[u8]>>,
    /// Phrases that start with a word character, by their first 8 bytes (most phrases), 4
    /// bytes (shorter ones) or 1 byte (shorter still): the longer the key, the fewer word
    /// starts get past its filter. Empty tiers are not asked.
    tiers: [Tier; 3],
    /// Phrases that start with a character that is not a word character, by first byte.
    anywhere: FxHashMap<u8, Bucket>,
}

/// The phrases whose first `width` bytes are a key, and a filter of the keys.
#[derive(Debug)]
struct Tier {
    width: usize,
    buckets: FxHashMap<u64, Bucket>,
    /// One bit per hash of a key: most word starts are turned away by one load.
    filter: Box<[u64]>,
}

impl Tier {
    const FILTER_BITS: u32 = 16;

    fn new(width: usize) -> Self {
        Tier { width, buckets: FxHashMap::default(), filter: vec![0; (1 << Self::FILTER_BITS) / 64].into() }
    }

    fn add(&mut self, phrase: &[u8], index: u32) {
        let key = key_at(phrase, 0, self.width);
        self.buckets.entry(key).or_default().phrases.push(index);
        let bit = Self::filter_bit(key);
        self.filter[bit / 64] |= 1 << (bit % 64);
    }

    /// The bucket of phrases that may start where the text's next eight bytes (zero past
    /// the end) are `eight`: its first `width` bytes are the key.
    #[inline]
    fn candidates(&self, eight: u64) -> Option<&Bucket> {
        let key = eight & (u64::MAX >> (64 - 8 * self.width));
        let bit = Self::filter_bit(key);
        if self.filter[bit / 64] & 1 << (bit % 64) == 0 {
            return None;
        }
        self.buckets.get(&key)
    }

    fn filter_bit(key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::FILTER_BITS)) as usize
    }
}

/// Phrases that start alike. A few are compared one by one; many (a generated rule file of
/// `promo code 00001` … `promo code 99999`) by one lookup of the text for each of their
/// lengths, so that a start is never compared with thousands of phrases.
#[derive(Debug, Default)]
struct Bucket {
    phrases: Vec<u32>,
    /// When there are more than [`Bucket::FEW`]: the distinct lengths, and the phrases by text.
    by_text: Option<(Vec<usize>, PhrasesByText)>,
}

type PhrasesByText = FxHashMap<Box<[u8]>, Vec<u32>>;

impl Bucket {
    const FEW: usize = 8;

    fn seal(&mut self, phrases: &[Box<[u8]>]) {
        if self.phrases.len() <= Self::FEW {
            return;
        }
        let mut lengths: Vec<usize> = self.phrases.iter().map(|&p| phrases[p as usize].len()).collect();
        lengths.sort_unstable();
        lengths.dedup();
        let mut by_text = PhrasesByText::default();
        for &p in &self.phrases {
            by_text.entry(phrases[p as usize].clone()).or_default().push(p);
        }
        self.by_text = Some((lengths, by_text));
    }

    /// Calls `found(phrase, len)` for each phrase of the bucket that `text` starts with.
    fn starting(&self, phrases: &[Box<[u8]>], text: &[u8], mut found: impl FnMut(u32, usize)) {
        match &self.by_text {
            None => {
                for &p in &self.phrases {
                    let phrase = &phrases[p as usize];
                    if text.starts_with(phrase) {
                        found(p, phrase.len());
                    }
                }
            }
            Some((lengths, by_text)) => {
                for &len in lengths.iter().take_while(|&&len| len <= text.len()) {
                    for &p in by_text.get(&text[..len]).into_iter().flatten() {
                        found(p, len);
                    }
                }
            }
        }
    }
}

impl PhraseIndex {
    /// Key widths of the tiers, longest first.
    const WIDTHS: [usize; 3] = [8, 4, 1];

    /// Indexes `phrases` (folded, none empty).
    pub(super) fn new(phrases: Vec<String>) -> Self {
        let mut index = PhraseIndex {
            phrases: Vec::with_capacity(phrases.len()),
            tiers: Self::WIDTHS.map(Tier::new),
            anywhere: FxHashMap::default(),
        };
        for (k, phrase) in phrases.into_iter().enumerate() {
            let bytes = phrase.as_bytes();
            let first_char = phrase.chars().next().expect("phrases are not empty");
            let k = k as u32;
            if !is_word_char(first_char) {
                index.anywhere.entry(bytes[0]).or_default().phrases.push(k);
            } else {
                let tier =
                    index.tiers.iter_mut().find(|t| bytes.len() >= t.width).expect("a tier of width 1");
                tier.add(bytes, k);
            }
            index.phrases.push(phrase.into_bytes().into_boxed_slice());
        }
        let phrases = &index.phrases;
        let tiers = index.tiers.iter_mut().flat_map(|t| t.buckets.values_mut());
        for bucket in tiers.chain(index.anywhere.values_mut()) {
            bucket.seal(phrases);
        }
        index
    }

    /// Every occurrence of every phrase in `text`, word boundaries or not, ordered by end,
    /// then start, then phrase: the order an overlapping automaton reports them in.
    pub(super) fn find_all(&self, text: &str, matches: &mut Vec<PhraseMatch>) {
        let bytes = text.as_bytes();
        let from = matches.len();
        let mut try_phrases = |start: usize, bucket: &Bucket| {
            bucket.starting(&self.phrases, &bytes[start..], |phrase, len| {
                matches.push(PhraseMatch { end: start + len, start, phrase: phrase as usize });
            });
        };
        let tiers: Vec<&Tier> = self.tiers.iter().filter(|t| !t.buckets.is_empty()).collect();
        if !tiers.is_empty() {
            let mut word_before = 0;
            for (block_index, chunk) in bytes.chunks(64).enumerate() {
                let block = Block64::load(chunk);
                let word = block.letters() | block.in_range(b'0', b'9') | block.eq(b'_');
                // A word character after a byte that is not an ASCII word byte. A character
                // after a non-ASCII one is taken too: whether that one is a letter is left to
                // `on_word_boundary`, as is the end of the match.
                let starts = (word | block.lead_bytes()) & !(word << 1 | word_before);
                word_before = word >> (chunk.len() - 1) & 1;
                // Each word start is read once, its eight bytes asked of every tier.
                let mut starts = starts;
                while starts != 0 {
                    let start = block_index * 64 + starts.trailing_zeros() as usize;
                    starts &= starts - 1;
                    let eight = key_at(bytes, start, 8);
                    for tier in &tiers {
                        if let Some(bucket) = tier.candidates(eight) {
                            try_phrases(start, bucket);
                        }
                    }
                }
            }
        }
        for (&first, bucket) in &self.anywhere {
            for start in memchr::memchr_iter(first, bytes) {
                try_phrases(start, bucket);
            }
        }
        matches[from..].sort_unstable();
    }
}

/// The `width` (at most 8) bytes at `at` as a key, zero past the end (no phrase holds a zero
/// byte, so a key cut short by the end matches none).
#[inline]
fn key_at(bytes: &[u8], at: usize, width: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(eight) => {
            u64::from_le_bytes(eight.try_into().expect("eight bytes")) & (u64::MAX >> (64 - 8 * width))
        }
        None => bytes[at..].iter().take(width).rev().fold(0, |key, &b| key << 8 | u64::from(b)),
    }
}

pub(super) fn on_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let first = text[start..end].chars().next();
    let last = text[start..end].chars().next_back();
    let before_ok =
        !first.is_some_and(is_word_char) || !text[..start].chars().next_back().is_some_and(is_word_char);
    let after_ok = !last.is_some_and(is_word_char) || !text[end..].chars().next().is_some_and(is_word_char);
    before_ok && after_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every occurrence of every phrase, by trying each at each byte; those on word
    /// boundaries, in the index's order.
    fn by_brute_force(phrases: &[String], text: &str) -> Vec<PhraseMatch> {
        let mut all = Vec::new();
        for (phrase, pattern) in phrases.iter().enumerate() {
            for start in 0..text.len() {
                if text.as_bytes()[start..].starts_with(pattern.as_bytes()) {
                    all.push(PhraseMatch { end: start + pattern.len(), start, phrase });
                }
            }
        }
        all.sort_unstable();
        all.retain(|m| on_word_boundary(text, m.start, m.end));
        all
    }

    fn found(phrases: &[String], text: &str) -> Vec<PhraseMatch> {
        let mut matches = Vec::new();
        PhraseIndex::new(phrases.to_vec()).find_all(text, &mut matches);
        matches.retain(|m| on_word_boundary(text, m.start, m.end));
        matches
    }

    #[test]
    fn finds_overlapping_phrases_and_phrases_of_every_kind() {
        let phrases: Vec<String> =
            ["share", "share this", "this article", "ad", "¿has visto", "(c)", "знайшли", "blogthis!"]
                .map(String::from)
                .into();
        let text = "please share this article\nshare\nad; ¿has visto? (c) 2024 ¿знайшли blogthis!\n";
        let got: Vec<(usize, &str)> =
            found(&phrases, text).iter().map(|m| (m.phrase, &text[m.start..m.end])).collect();
        assert_eq!(
            got,
            [
                (0, "share"),
                (1, "share this"),
                (2, "this article"),
                (0, "share"),
                (3, "ad"),
                (4, "¿has visto"),
                (5, "(c)"),
                (6, "знайшли"),
                (7, "blogthis!"),
            ]
        );
        assert_eq!(found(&phrases, text), by_brute_force(&phrases, text));
    }

    #[test]
    fn a_phrase_inside_a_word_is_not_on_a_boundary() {
        let phrases = vec!["share".to_string(), "ad".to_string()];
        assert!(found(&phrases, "shared badly\nreshare").is_empty());
        // After a non-ASCII letter, a word goes on.
        assert!(found(&phrases, "éshare ñad").is_empty());
        // After non-ASCII punctuation, one starts.
        assert_eq!(found(&phrases, "«share» —ad").len(), 2);
    }

    #[test]
    fn many_phrases_that_start_alike_are_looked_up_by_length() {
        let mut phrases: Vec<String> = (0..200).map(|i| format!("promo code {i:03}")).collect();
        phrases.extend(["promo", "promo code 007 today", "promo code 007"].map(String::from));
        let text = "promo code 007 today and promo code 199 and promo code 2000\n";
        let got: Vec<&str> = found(&phrases, text).iter().map(|m| &text[m.start..m.end]).collect();
        assert_eq!(
            got,
            [
                "promo",
                "promo code 007",
                "promo code 007",
                "promo code 007 today",
                "promo",
                "promo code 199",
                "promo"
            ]
        );
        assert_eq!(found(&phrases, text), by_brute_force(&phrases, text));
    }

    proptest! {
        #[test]
        fn finds_what_trying_every_byte_finds(
            phrases in proptest::collection::vec("[ab_ é(]{1,6}", 1..24),
            text in "[ab_ é(\n.]{0,150}",
        ) {
            let phrases: Vec<String> = phrases.into_iter().filter(|p| !p.trim().is_empty()).collect();
            prop_assume!(!phrases.is_empty());
            prop_assert_eq!(found(&phrases, &text), by_brute_force(&phrases, &text));
        }
    }
}
