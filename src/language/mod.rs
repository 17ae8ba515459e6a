//! Per-document language and its stopword list (function words), bundled as data files under
//! `rules/stopwords/`. Heuristics measure how much of a line is function words: prose is full of
//! them, menus and keyword strings are not.
//!
//! Eight lists are thresh's own, short and curated (English, German, French, Spanish, Italian,
//! Portuguese, Russian, Ukrainian): every line is counted against all eight at once (see
//! [`WordCounts`]), which lets a quote or a bilingual page be judged in its own language. The
//! other 48 come from jusText (see `rules/stopwords/LICENSE-justext`), and Japanese has a list of
//! function characters (its hiragana); a line is counted against one of those only when the
//! document is in that language. Chinese and Thai have none: their lines are judged by length
//! (a wide character counting three) and sentence marks.

mod counts;
mod script;

pub use counts::{words, WordCounts};
pub use script::{mostly_in_script, script_of, Script};

use rustc_hash::FxHashSet;
use std::sync::OnceLock;

use crate::segment::Document;
use crate::text::fold;

/// A stoplist. FxHash: the sets are probed for every word of every line, and their keys are
/// our own data, so hash flooding is not a concern.
pub type Stopwords = FxHashSet<&'static str>;

/// What is bundled for a language.
struct Bundled {
    language: Language,
    /// Its ISO 639-1 code, the name of its list's file.
    code: &'static str,
    whatlang: whatlang::Lang,
    script: Script,
    list: &'static str,
}

/// Declares the languages once: the enum, and what is bundled for each, in order. The first
/// [`CORE`] are thresh's own lists.
macro_rules! languages {
    ($( $variant:ident = $code:literal, $whatlang:ident, $script:ident; )*) => {
        /// A language with a bundled stoplist.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Language {
            $(
                #[doc = concat!("`", $code, "`")]
                $variant,
            )*
        }

        static BUNDLED: &[Bundled] = &[
            $(
                Bundled {
                    language: Language::$variant,
                    code: $code,
                    whatlang: whatlang::Lang::$whatlang,
                    script: Script::$script,
                    list: include_str!(concat!("../../rules/stopwords/", $code, ".txt")),
                },
            )*
        ];
    };
}

languages! {
    English = "en", Eng, Latin;
    German = "de", Deu, Latin;
    French = "fr", Fra, Latin;
    Spanish = "es", Spa, Latin;
    Italian = "it", Ita, Latin;
    Portuguese = "pt", Por, Latin;
    Russian = "ru", Rus, Cyrillic;
    Ukrainian = "uk", Ukr, Cyrillic;
    Afrikaans = "af", Afr, Latin;
    Arabic = "ar", Ara, Arabic;
    Armenian = "hy", Hye, Armenian;
    Azerbaijani = "az", Aze, Latin;
    Belarusian = "be", Bel, Cyrillic;
    Bengali = "bn", Ben, Bengali;
    Bulgarian = "bg", Bul, Cyrillic;
    Catalan = "ca", Cat, Latin;
    Croatian = "hr", Hrv, Latin;
    Czech = "cs", Ces, Latin;
    Danish = "da", Dan, Latin;
    Dutch = "nl", Nld, Latin;
    Esperanto = "eo", Epo, Latin;
    Estonian = "et", Est, Latin;
    Finnish = "fi", Fin, Latin;
    Georgian = "ka", Kat, Georgian;
    Greek = "el", Ell, Greek;
    Gujarati = "gu", Guj, Gujarati;
    Hebrew = "he", Heb, Hebrew;
    Hindi = "hi", Hin, Devanagari;
    Hungarian = "hu", Hun, Latin;
    Indonesian = "id", Ind, Latin;
    Javanese = "jv", Jav, Latin;
    Kannada = "kn", Kan, Kannada;
    Korean = "ko", Kor, Hangul;
    Latin = "la", Lat, Latin;
    Latvian = "lv", Lav, Latin;
    Lithuanian = "lt", Lit, Latin;
    Macedonian = "mk", Mkd, Cyrillic;
    Malayalam = "ml", Mal, Malayalam;
    Marathi = "mr", Mar, Devanagari;
    Nepali = "ne", Nep, Devanagari;
    NorwegianBokmal = "nb", Nob, Latin;
    Persian = "fa", Pes, Arabic;
    Polish = "pl", Pol, Latin;
    Romanian = "ro", Ron, Latin;
    Serbian = "sr", Srp, Cyrillic;
    Slovak = "sk", Slk, Latin;
    Slovenian = "sl", Slv, Latin;
    Swedish = "sv", Swe, Latin;
    Tagalog = "tl", Tgl, Latin;
    Tamil = "ta", Tam, Tamil;
    Telugu = "te", Tel, Telugu;
    Turkish = "tr", Tur, Latin;
    Turkmen = "tk", Tuk, Latin;
    Urdu = "ur", Urd, Arabic;
    Uzbek = "uz", Uzb, Latin;
    Vietnamese = "vi", Vie, Latin;
    Japanese = "ja", Jpn, Cjk;
}

/// How many of the first languages have thresh's own lists, counted on every line.
pub(crate) const CORE: usize = 8;

/// How much text language detection looks at: long lines, which are prose if anything is.
const SAMPLE_BYTES: usize = 2048;
/// Lines at least this long are sampled first.
const SAMPLE_LINE_BYTES: usize = 100;
/// A longer line is sampled by its start: detection needs no more, and a line of a gigabyte
/// (a page without line ends) was copied whole into the sample, folded, and read by whatlang.
const SAMPLE_LINE_MAX_BYTES: usize = 64 << 10;

impl Language {
    fn bundled(self) -> &'static Bundled {
        &BUNDLED[self as usize]
    }

    /// The script the language is written in.
    pub fn script(self) -> Script {
        self.bundled().script
    }

    /// Its ISO 639-1 code (`en`, `de`, `nb`).
    pub fn code(self) -> &'static str {
        self.bundled().code
    }

    /// Every language with a bundled stoplist.
    pub fn all() -> impl Iterator<Item = Language> + Clone {
        BUNDLED.iter().map(|b| b.language)
    }

    /// The languages every line is counted against (thresh's own lists; see [`WordCounts`]).
    pub fn core() -> impl Iterator<Item = Language> + Clone {
        Self::all().take(CORE)
    }

    /// True for a language written without spaces between words (Japanese), whose list holds
    /// characters and whose share is counted over characters.
    pub fn counts_characters(self) -> bool {
        self.script() == Script::Cjk
    }

    /// True for the languages of [`Language::core`].
    pub fn is_core(self) -> bool {
        (self as usize) < CORE
    }

    /// The language's stopwords, parsed the first time they are asked for.
    pub fn stopwords(self) -> &'static Stopwords {
        static SETS: OnceLock<Vec<OnceLock<Stopwords>>> = OnceLock::new();
        let sets = SETS.get_or_init(|| BUNDLED.iter().map(|_| OnceLock::new()).collect());
        sets[self as usize].get_or_init(|| parse_list(self.bundled().list))
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

    /// Like [`Language::detect_lines`], among the [core](Language::core) languages only: those
    /// a line's [`WordCounts`] always tell.
    pub(crate) fn detect_core_lines<'a>(lines: impl Iterator<Item = &'a str> + Clone) -> Option<Language> {
        let sample = Self::sample(lines.map(|line| (line, None)));
        Self::enough_words(&sample).then(|| Self::detect_core(&sample)).flatten()
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

    /// The language of a sample made by [`Language::sample`]: plain from the core lists'
    /// function words, or else what whatlang's trigram model tells. A language beyond the
    /// core, or one without a list (`None`), is taken only when whatlang is sure of it: a
    /// short English text must not be judged by the Latin or Tagalog list; else the core
    /// language nearest to the text.
    pub fn detect_sample(sample: &Sample) -> Option<Language> {
        if !Self::enough_words(sample) {
            return None;
        }
        if let Some(clear) = Self::clear_by_stopwords(sample) {
            return Some(clear);
        }
        // All of whatlang's languages: one without a list (Chinese, Thai) must not be taken
        // for the nearest one with a list (Chinese for Japanese).
        let info = whatlang::detect(&sample.text)?;
        match Self::from_whatlang(info.lang()) {
            // Also what a detector of the core languages alone would say: the best of all is
            // the best of any part that holds it.
            Some(language) if language.is_core() => Some(language),
            Some(language) if info.is_reliable() => Some(language),
            None if info.is_reliable() => None,
            _ => Self::core_trigrams(sample),
        }
    }

    /// Eight words, or for text written without spaces, 24 ideographs or kana.
    fn enough_words(sample: &Sample) -> bool {
        sample.text.split_whitespace().take(8).count() >= 8
            || sample.text.chars().filter(|&c| script_of(c) == Some(Script::Cjk)).take(24).count() >= 24
    }

    fn detect_core(sample: &Sample) -> Option<Language> {
        Self::clear_by_stopwords(sample).or_else(|| Self::core_trigrams(sample))
    }

    fn core_trigrams(sample: &Sample) -> Option<Language> {
        static CORE_ONLY: OnceLock<whatlang::Detector> = OnceLock::new();
        let core = CORE_ONLY.get_or_init(|| {
            whatlang::Detector::with_allowlist(BUNDLED[..CORE].iter().map(|b| b.whatlang).collect())
        });
        // whatlang names the one language of some scripts (Hangul, Greek) whatever it is
        // allowed.
        Self::from_whatlang(core.detect_lang(&sample.text)?).filter(|l| l.is_core())
    }

    fn from_whatlang(lang: whatlang::Lang) -> Option<Language> {
        BUNDLED.iter().find(|b| b.whatlang == lang).map(|b| b.language)
    }

    /// The core language whose function words plainly dominate the sample, if one does: prose
    /// is a third or more function words of its own language and few of any other. One walk
    /// over the words instead of a trigram model (whatlang costs about a million instructions
    /// per 2 KB sample, a quarter of cleaning a typical page); unclear samples (related
    /// languages, short or mixed text, other languages) are still left to whatlang.
    fn clear_by_stopwords(sample: &Sample) -> Option<Language> {
        let counts = &sample.counts;
        if counts.words < CLEAR_MIN_WORDS {
            return None;
        }
        let mut ratios: Vec<(f64, Language)> = Language::core().map(|l| (counts.ratio(l), l)).collect();
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
    fn every_list_loads_as_folded_single_words_of_its_script() {
        assert!(Language::all().count() >= 50);
        for language in Language::all() {
            let list = language.stopwords();
            let least = if language.is_core() || language.counts_characters() { 80 } else { 100 };
            assert!(list.len() > least, "{language:?}");
            let (mut letters, mut in_script) = (0, 0);
            for &word in list {
                assert_eq!(fold::fold(word), word, "{language:?}");
                assert_eq!(words(word).collect::<Vec<_>>(), [word], "{language:?}");
                for c in word.chars().filter(|c| c.is_alphabetic()) {
                    letters += 1;
                    in_script += usize::from(script_of(c) == Some(language.script()));
                }
            }
            assert!(in_script * 10 > letters * 9, "{language:?}: {in_script} of {letters} letters");
            assert_eq!(BUNDLED[language as usize].language, language);
        }
        assert_eq!(Language::core().count(), CORE);
        assert!(Language::core().all(Language::is_core));
    }

    #[test]
    fn detects_languages_beyond_the_core() {
        let cases = [
            ("De gemeenteraad heeft maandag besloten dat er binnen drie jaar nieuwe fietspaden worden aangelegd. De meeste bewoners zijn blij met het plan.", Language::Dutch),
            ("Rada miasta zdecydowała w poniedziałek, że w ciągu trzech lat powstaną nowe ścieżki rowerowe. Większość mieszkańców cieszy się z planu.", Language::Polish),
            ("Dewan kota memutuskan pada hari Senin bahwa jalur sepeda baru akan dibangun dalam tiga tahun. Rencana ini disambut baik oleh sebagian besar warga.", Language::Indonesian),
            ("Belediye meclisi pazartesi günü üç yıl içinde yeni bisiklet yollarının yapılmasına karar verdi. Sakinlerin çoğu plandan memnun.", Language::Turkish),
            ("시의회는 월요일에 새로운 자전거 도로를 건설하기로 결정했다. 이 계획은 3년 안에 완료될 예정이며, 시민들은 대체로 환영하는 분위기다.", Language::Korean),
            ("قرر مجلس المدينة يوم الاثنين بناء مسارات جديدة للدراجات خلال ثلاث سنوات. ويرحب معظم السكان بالخطة.", Language::Arabic),
            ("नगर परिषद ने सोमवार को फैसला किया कि अगले तीन साल में नई साइकिल लेन बनाई जाएंगी। ज़्यादातर लोग इस योजना से खुश हैं।", Language::Hindi),
            ("市議会は火曜日、今後三年間で四十キロの保護された自転車専用道路を建設することを決めた。", Language::Japanese),
            ("Το δημοτικό συμβούλιο αποφάσισε τη Δευτέρα ότι μέσα σε τρία χρόνια θα κατασκευαστούν νέοι ποδηλατόδρομοι στην πόλη.", Language::Greek),
        ];
        // Chinese has no list, and is not taken for Japanese.
        let chinese = "市议会周二决定，在未来三年内修建四十公里受保护的自行车道，并将征求居民和商户的意见。";
        assert_eq!(Language::detect(&doc(chinese)), None);
        for (text, expected) in cases {
            assert_eq!(Language::detect(&doc(text)), Some(expected), "{text}");
            // A line of it is never taken for a core language by the per-line check.
            assert!(Language::detect_core_lines(std::iter::once(text)).is_none_or(|l| l.is_core()));
        }
    }
}
