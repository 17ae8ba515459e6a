//! Per-document language and its stopword list (function words), bundled as data files under
//! `rules/stopwords/`. Heuristics measure how much of a line is function words: prose is full of
//! them, menus and keyword strings are not.

use rustc_hash::FxHashSet;

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
        Self::detect_sample(&Self::sample(lines))
    }

    /// The text [`Language::detect_lines`] looks at: long lines first, then the rest, in
    /// document order, up to about 2 KB (linear, no sort of a huge page).
    pub fn sample<'a>(lines: impl Iterator<Item = &'a str> + Clone) -> String {
        let mut sample = String::new();
        let long = lines.clone().filter(|l| l.len() >= SAMPLE_LINE_BYTES);
        let short = lines.filter(|l| l.len() < SAMPLE_LINE_BYTES);
        for line in long.chain(short) {
            if sample.len() >= SAMPLE_BYTES {
                break;
            }
            sample.push_str(line);
            sample.push('\n');
        }
        sample
    }

    /// The language of a sample made by [`Language::sample`].
    pub fn detect_sample(sample: &str) -> Option<Language> {
        if sample.split_whitespace().count() < 8 {
            return None;
        }
        let detector = whatlang::Detector::with_allowlist(LISTS.iter().map(|(_, w, _)| *w).collect());
        let lang = detector.detect_lang(sample)?;
        LISTS.iter().find(|(_, w, _)| *w == lang).map(|(l, _, _)| *l)
    }
}

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
        let hit = match script {
            Script::Latin => {
                c.is_ascii_alphabetic()
                    || ('\u{C0}'..='\u{24F}').contains(&c)
                    || ('\u{1E00}'..='\u{1EFF}').contains(&c)
            }
            Script::Cyrillic => ('\u{400}'..='\u{52F}').contains(&c),
        };
        in_script += usize::from(hit);
    }
    in_script * 2 > letters
}

/// The words of a folded line (letters, digits and apostrophes).
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty())
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
        }
        assert_eq!(Language::detect(&doc("Menu\nHome")), None);
    }

    #[test]
    fn every_list_loads() {
        for (language, _, _) in LISTS {
            assert!(language.stopwords().len() > 50, "{language:?}");
        }
    }
}
