//! Per-document language and its stopword list (function words), bundled as data files under
//! `rules/stopwords/`. Heuristics measure how much of a line is function words: prose is full of
//! them, menus and keyword strings are not.

use rustc_hash::{FxHashMap, FxHashSet};

/// A stoplist. FxHash: the sets are probed for every word of every line, and their keys are
/// our own data, so hash flooding is not a concern.
pub type Stopwords = FxHashSet<&'static str>;
use std::sync::OnceLock;

use crate::fold;
use crate::segment::Document;

/// A language with a bundled stoplist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// The writing systems of the bundled stoplists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// order, up to about 2 KB (linear, no sort of a huge page). The sample keeps their
    /// folded forms too (see [`crate::fold`]), whose stopwords detection counts: each line
    /// comes with its folded form when the caller has it, else it is folded here.
    pub fn sample<'a>(lines: impl Iterator<Item = (&'a str, Option<&'a str>)> + Clone) -> Sample {
        let mut sample = Sample { text: String::new(), folded: String::new() };
        let long = lines.clone().filter(|(l, _)| l.len() >= SAMPLE_LINE_BYTES);
        let short = lines.filter(|(l, _)| l.len() < SAMPLE_LINE_BYTES);
        for (line, folded) in long.chain(short) {
            if sample.text.len() >= SAMPLE_BYTES {
                break;
            }
            sample.text.push_str(line);
            sample.text.push('\n');
            match folded {
                Some(folded) => sample.folded.push_str(folded),
                None => fold::fold_into(line, &mut sample.folded),
            }
            sample.folded.push('\n');
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
        let counts = WordCounts::of(&sample.folded);
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
    let (mut letters, mut in_script) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        in_script += usize::from(script_of(c) == Some(script));
    }
    in_script * 2 > letters
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
    folded.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty())
}

/// Which bundled stoplists hold each word (bit `i` for `LISTS[i]`): one probe per word tells
/// every language at once, so a line's words are walked once however many lists judge it.
fn stoplist_memberships() -> &'static FxHashMap<&'static str, u8> {
    static MEMBERSHIPS: OnceLock<FxHashMap<&'static str, u8>> = OnceLock::new();
    MEMBERSHIPS.get_or_init(|| {
        let mut map = FxHashMap::default();
        for (bit, (language, _, _)) in LISTS.iter().enumerate() {
            for &word in language.stopwords() {
                *map.entry(word).or_insert(0u8) |= 1 << bit;
            }
        }
        map
    })
}

/// No stopword of a bundled list is longer than this many bytes: longer words need no probe.
fn longest_stopword() -> usize {
    static LONGEST: OnceLock<usize> = OnceLock::new();
    *LONGEST.get_or_init(|| stoplist_memberships().keys().map(|w| w.len()).max().unwrap_or(0))
}

/// Lines of a document that language detection looks at, made by [`Language::sample`]; two
/// samples of the same lines are equal, and a detection need not be repeated.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The lines, each ending with `\n`.
    pub text: String,
    /// Their folded forms, the same way.
    folded: String,
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
        let mut counts = WordCounts::default();
        let memberships = stoplist_memberships();
        let longest = longest_stopword();
        let mut count = |word: &str| {
            counts.words += 1;
            if word.len() > longest {
                return;
            }
            if let Some(&bits) = memberships.get(word) {
                for (bit, hits) in counts.stopwords.iter_mut().enumerate() {
                    *hits += u32::from(bits >> bit & 1);
                }
            }
        };
        if folded.is_ascii() {
            // The common case, split on bytes without decoding characters.
            let mut start = None;
            for (i, &b) in folded.as_bytes().iter().enumerate() {
                let in_word = b.is_ascii_alphanumeric() || b == b'\'';
                match (in_word, start) {
                    (true, None) => start = Some(i),
                    (false, Some(from)) => {
                        count(&folded[from..i]);
                        start = None;
                    }
                    _ => {}
                }
            }
            if let Some(from) = start {
                count(&folded[from..]);
            }
        } else {
            words(folded).for_each(&mut count);
        }
        counts
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
        let counts = WordCounts::of(&sample(text).folded);
        assert_eq!(counts, WordCounts::of(&fold::fold(text)));
        assert!(counts.ratio(Language::English) > 0.0 && counts.ratio(Language::French) > 0.0);
    }

    #[test]
    fn every_list_loads() {
        for (language, _, _) in LISTS {
            assert!(language.stopwords().len() > 50, "{language:?}");
        }
    }
}
