//! The feature row of each line in a round: what the line model reads. A row holds the line's
//! own statistics, its shape and what the hand-written judgement made of it this round, its
//! position, its neighbours among the kept lines, the density of prose around it, and the
//! rules' evidence next to it. Everything is computed over the lines kept in the round, so
//! that cleaning a cleaned text sees the same rows, but for the rules' evidence: it only ever
//! tells against a line and is monotone in the model (see [`MONOTONE`]), yet the rounds'
//! verdicts read it too, so the engine judges a last time without it (`crate::engine`).

use super::context::{Judged, RoundShapes};
use super::shape::{is_table_row, Class, Mark, Shape};
use crate::features::LineFeatures;
use crate::language::Language;

/// A line's statistics of its own, kept beside its shape (12 bytes): shares are quantised to
/// 1/250 so that rows are exact and small.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct LineStats {
    words: u16,
    tokens: u16,
    separators: u8,
    capitalised: u8,
    digits: u8,
    symbols: u8,
    letters: u8,
    /// Stopword share in the document's language; `u8::MAX` when it has no stoplist for the
    /// line's script.
    stopwords: u8,
    /// The highest stopword share among the stoplists of the line's script.
    best_stopwords: u8,
    /// Bits of [`Pattern`], [`TERMINAL`], [`STARTS_MIDWAY`], [`TABLE_ROW`] and [`TAB_ROW`].
    pattern: u8,
}

/// How a line is laid out, one bit each in [`LineStats::pattern`]: what rows of a table, a
/// schedule, a price list or a numbered list share, and a menu rarely does.
#[derive(Debug, Clone, Copy)]
#[repr(u8)]
enum Pattern {
    /// Starts with a number, a time or a date ("10:00", "3.", "14 June", "June 9").
    StartsWithNumber = 1,
    /// Ends with a number, a price or a quantity ("3.30", "250 g").
    EndsWithNumber = 2,
    /// Starts with a bullet or a list number ("•", "-", "1.", "a)").
    Bullet = 4,
    /// A short key, a colon, then a value ("Serves: 4", "Workshop: beginners' fiddle").
    KeyValue = 8,
}

/// The bit of [`LineStats::pattern`] that tells the line ends with a sentence mark (above the
/// [`Pattern`] bits).
const TERMINAL: u8 = 16;
/// The bit of [`LineStats::pattern`] that tells the line starts like the rest of a sentence:
/// a lower-case letter, or a comma, stop or closing bracket.
const STARTS_MIDWAY: u8 = 32;
/// The bit of [`LineStats::pattern`] that tells the line is a row of a Markdown table (see
/// [`is_table_row`]).
const TABLE_ROW: u8 = 64;
/// The bit of [`LineStats::pattern`] that tells the line holds three or more cells between
/// tabs, a row of a table as extractors write one ("3\tSam Okafor\tNorthside AC\t34:18"). No
/// feature reads it: only which lines share their fate (see [`RowContext::continues_unit`]).
const TAB_ROW: u8 = 128;

/// True when the line holds two tabs or more (three cells or more between tabs). Most lines
/// hold none: one fast search for a tab answers for them.
fn is_tab_row(text: &str) -> bool {
    let mut tabs = memchr::memchr_iter(b'\t', text.as_bytes());
    tabs.next().is_some() && tabs.next().is_some()
}

/// True when a trimmed line starts like the rest of a sentence.
fn starts_midway(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_lowercase() || matches!(c, ',' | ';' | '.' | ')' | ']'))
}

/// The [`Pattern`] bits of a trimmed line.
fn pattern_of(text: &str) -> u8 {
    let numeric = |token: &str| {
        let token = token.trim_matches(|c: char| matches!(c, '(' | ')' | '€' | '$' | '£' | '%' | '¥'));
        token.chars().next().is_some_and(|c| c.is_ascii_digit())
            && token.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ':' | '/' | '-' | '–'))
    };
    // A normalised line's only white space is ASCII (see `normalize`): split on bytes, not on
    // decoded characters.
    let mut tokens = text.split_ascii_whitespace();
    let first = tokens.next().unwrap_or("");
    let second = tokens.clone().next().unwrap_or("");
    let last = tokens.next_back().unwrap_or(first);
    let unit = |token: &str| token.chars().count() <= 3 && token.chars().all(char::is_alphabetic);
    // "250 g": the number before a short unit.
    let before_last = text.split_ascii_whitespace().rev().nth(1).unwrap_or("");
    let bullet = first.starts_with(['•', '·', '▪', '►', '‣', '◦', '*', '-', '–', '—'])
        || (first.len() <= 4
            && first.ends_with(['.', ')'])
            && first.chars().next().is_some_and(char::is_alphanumeric));
    // The first ": ", found by its colon (a one-byte search; a two-byte pattern costs a
    // searcher's set-up on every line).
    let colon = text.match_indices(':').map(|(i, _)| i).find(|&i| text.as_bytes().get(i + 1) == Some(&b' '));
    let key_value = colon.is_some_and(|i| {
        let (key, value) = (&text[..i], &text[i + 2..]);
        !value.trim().is_empty() && key.split_ascii_whitespace().nth(3).is_none() && !key.is_empty()
    });
    // "June 9 – Tampa", "Sept. 14 Gates open": a date that starts with its month.
    let dated = numeric(second.trim_end_matches([',', '.', ':'])) && is_month(first);
    let mut bits = 0;
    if numeric(first) || dated {
        bits |= Pattern::StartsWithNumber as u8;
    }
    if numeric(last) || (unit(last) && numeric(before_last)) {
        bits |= Pattern::EndsWithNumber as u8;
    }
    if bullet {
        bits |= Pattern::Bullet as u8;
    }
    if key_value {
        bits |= Pattern::KeyValue as u8;
    }
    bits
}

/// Month names and their usual abbreviations in the core languages, folded: a list of dates
/// ("June 9 – Tampa") is laid out like a list of numbers.
#[rustfmt::skip]
const MONTHS: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", // en
    "januar", "februar", "märz", "mai", "juni", "juli", "oktober", "dezember", "jänner", "okt", "dez", // de
    "janvier", "février", "mars", "avril", "juin", "juillet", "août", "septembre", "octobre", "novembre",
    "décembre", "janv", "févr", "avr", "juil", "déc", // fr
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "setiembre",
    "octubre", "noviembre", "diciembre", "ene", "abr", "ago", "dic", // es
    "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre",
    "gen", "mag", "giu", "lug", "set", "ott", // it
    "janeiro", "fevereiro", "março", "maio", "junho", "julho", "setembro", "outubro", "dezembro", "fev", "out", // pt
    "январь", "февраль", "март", "апрель", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь",
    "декабрь", // ru
    "січень", "лютий", "березень", "квітень", "травень", "червень", "липень", "серпень", "вересень",
    "жовтень", "листопад", "грудень", // uk
];

/// True when `token` is a month's name or abbreviation ("June", "Sept.", "März").
fn is_month(token: &str) -> bool {
    let token = token.trim_end_matches(['.', ',']);
    (3..=10).contains(&token.chars().count())
        && token.chars().all(char::is_alphabetic)
        && MONTHS.contains(&token.to_lowercase().as_str())
}

const NO_RATIO: u8 = u8::MAX;

fn share(part: usize, whole: usize) -> u8 {
    (part.min(whole) * 250).checked_div(whole).unwrap_or(0) as u8
}

fn quantised(ratio: f64) -> u8 {
    (ratio.clamp(0.0, 1.0) * 250.0).round() as u8
}

impl LineStats {
    /// The statistics of `text` (the trimmed line) from its feature row.
    pub(super) fn of(
        text: &str,
        features: &LineFeatures,
        language: Option<Language>,
        terminal: bool,
    ) -> Self {
        let (c, w) = (features.chars, &features.words);
        let stopwords =
            language.filter(|l| c.mostly_in(l.script())).map_or(NO_RATIO, |l| quantised(w.ratio(l)));
        let best = w.languages().filter(|l| c.mostly_in(l.script())).map(|l| w.ratio(l)).fold(0.0, f64::max);
        let table_row = is_table_row(text);
        LineStats {
            words: w.words.min(u16::MAX as usize) as u16,
            tokens: c.tokens.min(u16::MAX as usize) as u16,
            // A Markdown table's bars frame its cells; they are not a menu's separators.
            separators: if table_row { 0 } else { c.separators.min(255) as u8 },
            capitalised: share(c.capitalised, c.tokens),
            digits: share(c.digits, c.non_space),
            symbols: share(c.digits_and_symbols - c.digits.min(c.digits_and_symbols), c.non_space),
            letters: share(c.letters, c.non_space),
            stopwords,
            best_stopwords: quantised(best),
            pattern: pattern_of(text)
                | if terminal { TERMINAL } else { 0 }
                | if table_row { TABLE_ROW } else { 0 }
                | if starts_midway(text) { STARTS_MIDWAY } else { 0 }
                | if is_tab_row(text) { TAB_ROW } else { 0 },
        }
    }
}

macro_rules! features {
    ($( $name:ident: $monotone:literal, $doc:literal; )*) => {
        /// The features of a row, by index.
        #[allow(non_camel_case_types, dead_code)]
        #[derive(Debug, Clone, Copy)]
        #[repr(usize)]
        enum F { $( $name, )* }

        /// The names of the features, in row order (a model file lists the same).
        pub const FEATURE_NAMES: &[&str] = &[$( stringify!($name), )*];

        /// What each feature means, in row order (`thresh explain --features` prints them).
        pub const FEATURE_DOCS: &[&str] = &[$( $doc, )*];

        /// For each feature: +1 when the probability of article text may only rise with it,
        /// -1 when it may only fall, 0 when free. The rules' evidence and the judgement's
        /// verdicts are constrained: without a rule's drop nearby (as in a cleaned text) a
        /// line is never more likely to go.
        pub const MONOTONE: &[i8] = &[$( $monotone, )*];
    };
}

features! {
    chars: 0, "length in characters (a wide character counts three)";
    words: 0, "words";
    tokens: 0, "white-space separated tokens";
    stopwords: 0, "share of function words of the document's language, less that of its prose (-1: no stoplist)";
    best_stopwords: 0, "highest share of function words of any core stoplist or the document's, in the line's script";
    separators: 0, "separator tokens (| » -)";
    capitalised: 0, "share of tokens starting with a capital, less that of the document's prose";
    digits: 0, "share of digits among non-space characters";
    symbols: 0, "share of punctuation and symbols among non-space characters";
    letters: 0, "share of letters among non-space characters";
    terminal: 0, "ends with a sentence mark";
    heading: 0, "starts like a title, short, no closing mark";
    sentence: 0, "reads as a finished sentence";
    colon: 0, "ends with a colon";
    nav_like: 0, "one to three tokens, no closing mark";
    continues: 0, "ends with a comma or semicolon";
    starts_with_number: 0, "starts with a number, time or date";
    ends_with_number: 0, "ends with a number, price or quantity";
    bullet: 0, "starts with a bullet or list number";
    key_value: 0, "a short key, a colon and a value";
    pattern_run: 0, "length of the run of kept lines around it laid out alike (same number, bullet and key bits, some set; 0: none)";
    after_colon: 0, "a line ending with a colon introduces it: before it in its run of short lines, or right before the run";
    shape_class: 0, "class on its own: 0 good, 1 near-good, 2 short, 3 bad";
    bad_shape: 0, "which shape heuristic found it bad (-1: none)";
    round_class: 0, "class this round (runs of sentences promoted)";
    judged_good: 1, "the context revision keeps it (without the rules' evidence, as for all the rounds' verdicts here)";
    in_main_stretch: 1, "in the article's main stretch";
    teaser: -1, "an unrelated teaser next to a teaser marker";
    heuristics_keep: 1, "the rounds keep it (revision and main stretch without the rules' evidence, not a teaser)";
    position: 0, "position among the kept lines (0 first, 1 last)";
    text_before: 0, "share of the kept characters before it";
    lines_before_main: -1, "kept lines between it and the main stretch's first line, if before";
    lines_after_main: -1, "kept lines between the main stretch's last line and it, if after";
    prev2_chars: 0, "length of the kept line two before (-1: none)";
    prev2_class: 0, "its class this round";
    prev2_good: 1, "the revision keeps it";
    prev_chars: 0, "length of the kept line before (-1: none)";
    prev_class: 0, "its class this round";
    prev_good: 1, "the revision keeps it";
    next_chars: 0, "length of the kept line after (-1: none)";
    next_class: 0, "its class this round";
    next_good: 1, "the revision keeps it";
    next2_chars: 0, "length of the kept line two after (-1: none)";
    next2_class: 0, "its class this round";
    next2_good: 1, "the revision keeps it";
    prose_around: 0, "share of the characters of the 5 kept lines each side in good or near-good lines";
    short_run: 0, "length of the run of short lines it is in (0: not short)";
    short_run_position: 0, "its place in that run (0 first)";
    chrome_before: -1, "lines dropped by rules as chrome right before it";
    comment_boundary_before: -1, "a comment-section start right before it";
    after_comment_boundary: -1, "a comment-section start anywhere before it";
    kept_lines: 0, "lines kept in the round";
    language_known: 0, "the document's language has a stoplist";
    prose_share: 0, "share of the kept characters in good or near-good lines";
    around_stopwords: 0, "share of function words (0 without a stoplist), mean over the kept lines up to 3 each side, less that of the document's prose";
    around_terminal: 0, "share of those lines ending with a sentence mark";
    around_words: 0, "their mean number of words";
    around_capitalised: 0, "their mean share of capitalised tokens, less that of the document's prose";
    around_symbols: 0, "their mean share of punctuation and symbols";
    around_letters: 0, "their mean share of letters";
    around_separators: 0, "their mean number of separator tokens";
    around_heading: 0, "share of them starting like a title";
}

/// The features read around a line, in row order from `around_stopwords`: each the mean,
/// over the kept lines up to [`AROUND`] each side, of the line's own feature of that name.
/// What the lines next to a line are like (prose, a list, a menu of capitalised words) tells
/// what it is better than their lengths and classes alone.
const AROUND_FEATURES: [F; 8] =
    [F::stopwords, F::terminal, F::words, F::capitalised, F::symbols, F::letters, F::separators, F::heading];

/// How many kept lines each side the `around_` features read.
const AROUND: usize = 3;

/// One line's values of [`AROUND_FEATURES`].
type AroundValues = [f32; AROUND_FEATURES.len()];

/// Slots of [`RowContext::around_values`]: a power of two above the `2 * AROUND + 1` lines a
/// row reads.
const AROUND_SLOTS: usize = 8;
const _: () = assert!(AROUND_SLOTS.is_power_of_two() && AROUND_SLOTS > 2 * AROUND);

/// Number of features in a row.
pub const FEATURES: usize = FEATURE_NAMES.len();

/// One line's row.
pub type Row = [f32; FEATURES];

const _: () =
    assert!(FEATURES <= crate::model::ROW_WIDTH, "a model reads rows of at most ROW_WIDTH features");

/// What a round knows of its lines, `k` for the `k`-th kept line.
pub(super) struct RoundFacts<'a> {
    pub(super) shapes: &'a RoundShapes<'a>,
    /// Every line's statistics, by line of the document.
    pub(super) stats: &'a [LineStats],
    /// The kept lines: the `k`-th kept line is line `alive[k]` of the document.
    pub(super) alive: &'a [u32],
    pub(super) judged: &'a [Judged],
    pub(super) in_main: &'a [bool],
    pub(super) teasers: &'a [bool],
    pub(super) comment_boundaries: &'a [bool],
    pub(super) chrome_before: &'a [u8],
    pub(super) language_known: bool,
}

/// A line's run of short lines: its length and the line's place in it (0 first), 4 bytes a
/// line (a run past 65,535 lines reads as that long); 0 and 0 outside a run.
#[derive(Debug, Clone, Copy, Default)]
struct ShortRun {
    length: u16,
    place: u16,
}

impl ShortRun {
    fn new(length: usize, place: usize) -> Self {
        let most = usize::from(u16::MAX);
        ShortRun { length: length.min(most) as u16, place: place.min(most) as u16 }
    }
}

fn class_value(class: Class) -> f32 {
    match class {
        Class::Good => 0.0,
        Class::NearGood => 1.0,
        Class::Short => 2.0,
        Class::Bad => 3.0,
    }
}

/// Sums over the kept lines around the `k`-th: the characters before it, and those of the
/// window of [`WINDOW`] lines each side (and in its prose lines).
#[derive(Debug, Clone, Copy, Default)]
struct Cursor {
    /// The line the sums are for.
    k: usize,
    before: u32,
    window: u32,
    window_prose: u32,
}

/// Lines each side of a line in its window (`prose_around`).
const WINDOW: usize = 5;

/// What every row of a round reads besides its own line: totals over the kept lines, the
/// main stretch's ends, the runs of short lines and of rows laid out alike. Built once per round, so that each row
/// is made when the model asks for it and never all held at once.
pub(super) struct RowContext<'a> {
    facts: &'a RoundFacts<'a>,
    /// Characters of the kept lines, and of those in prose lines (u32: a document's
    /// characters fit, see `segment::MAX_DOCUMENT_BYTES`).
    total_chars: u32,
    total_prose: u32,
    /// Running sums for the line last asked about: rows are asked for in order, so a cursor
    /// serves them (no table per line on a huge document).
    cursor: std::cell::Cell<Option<Cursor>>,
    /// The [`AROUND_FEATURES`] values of the kept lines last read, the `k`-th in slot
    /// `k % AROUND_SLOTS` with its `k`: rows are asked for in order, so a line's values are
    /// taken once, not once for each of the six rows that read them.
    around_values: std::cell::RefCell<[(usize, AroundValues); AROUND_SLOTS]>,
    /// What each of the [`AROUND_FEATURES`] of a line, its own and the mean around, is read
    /// against (see [`prose_norms`]).
    prose_norms: AroundValues,
    main_first: Option<usize>,
    main_last: Option<usize>,
    /// The first and the last prose line of the main stretch (its edges without the short
    /// lines the rounds attach above and below it).
    prose_span: Option<(usize, usize)>,
    /// For each line, its run of short lines.
    short_run: Vec<ShortRun>,
    /// For each line, the length of the run of lines with its (non-empty) pattern.
    pattern_run: Vec<u16>,
    /// For each line, whether a line ending with a colon introduces it (see the feature).
    after_colon: Vec<bool>,
    first_boundary: Option<usize>,
}

impl<'a> RoundFacts<'a> {
    /// The statistics of the `k`-th kept line.
    fn stats_of(&self, k: usize) -> LineStats {
        self.stats[self.alive[k] as usize]
    }

    /// The context the rows of this round share.
    pub(super) fn context(&'a self) -> RowContext<'a> {
        let n = self.shapes.len();
        let good = |k: usize| self.judged[k] == Judged::Good;
        let prose = |s: Shape| matches!(s.class, Class::Good | Class::NearGood);
        let (mut total_chars, mut total_prose) = (0u32, 0u32);
        for k in 0..n {
            let shape = self.shapes.get(k);
            total_chars += shape.chars;
            total_prose += if prose(shape) { shape.chars } else { 0 };
        }
        let in_main = |k: &usize| self.in_main[*k] && good(*k);
        let main_first = (0..n).find(in_main);
        let main_last = (0..n).rev().find(in_main);
        let main_prose =
            |k: &usize| in_main(k) && matches!(self.shapes.get(*k).class, Class::Good | Class::NearGood);
        let prose_span = (0..n).find(main_prose).zip((0..n).rev().find(main_prose));
        let short = |k: usize| {
            let shape = self.shapes.get(k);
            shape.class == Class::Short || shape.has(Mark::NavLike)
        };
        // Runs of short lines, each line's (length, place) in its own, and whether a line
        // ending with a colon introduces it: in its run before it, or right before the run.
        let colon = |j: usize| self.shapes.get(j).has(Mark::Colon);
        let mut short_run = vec![ShortRun::default(); n];
        let mut after_colon = vec![false; n];
        let mut k = 0;
        while k < n {
            if !short(k) {
                after_colon[k] = k > 0 && colon(k - 1);
                k += 1;
                continue;
            }
            let end = (k..n).find(|&j| !short(j)).unwrap_or(n);
            let mut introduced = k > 0 && colon(k - 1);
            for j in k..end {
                introduced |= j > k && colon(j - 1);
                after_colon[j] = introduced;
                short_run[j] = ShortRun::new(end - k, j - k);
            }
            k = end;
        }
        let first_boundary = self.comment_boundaries.iter().position(|&b| b);
        // Rows laid out alike: the same number and bullet bits (a key may come and go).
        let layout = |k: usize| {
            self.stats_of(k).pattern & !(Pattern::KeyValue as u8 | TERMINAL | STARTS_MIDWAY | TAB_ROW)
        };
        let mut pattern_run = vec![0u16; n];
        let mut k = 0;
        while k < n {
            let end = (k + 1..n).find(|&j| layout(j) != layout(k)).unwrap_or(n);
            if layout(k) != 0 {
                let length = (end - k).min(u16::MAX.into()) as u16;
                pattern_run[k..end].iter_mut().for_each(|r| *r = length);
            }
            k = end;
        }
        RowContext {
            after_colon,
            prose_norms: prose_norms(self),
            facts: self,
            total_chars,
            total_prose,
            cursor: std::cell::Cell::new(None),
            around_values: std::cell::RefCell::new(
                [(usize::MAX, [0.0; AROUND_FEATURES.len()]); AROUND_SLOTS],
            ),
            main_first,
            main_last,
            prose_span,
            short_run,
            pattern_run,
            first_boundary,
        }
    }
}

/// What prose looks like in this document: the shares of capitalised tokens and of function
/// words of its kept lines that are good on their own, by words. A line's shares are read
/// against these, not as they are: German capitalises every noun (its prose has about twice
/// the capitalised tokens of English prose, where a high share means a title or a menu), and
/// stoplists cover their languages' prose unevenly. Measured before the model was retrained
/// on it (LightGBM on the same rows), this cut the line error on the snippet pages, mostly
/// German, from 0.097 to 0.082 with them left out of training (`docs/model.md`).
///
/// For each of the [`AROUND_FEATURES`], what it is read against: the prose's share for the
/// shares of capitalised tokens and function words, 0 for the rest.
fn prose_norms(facts: &RoundFacts<'_>) -> AroundValues {
    let (mut words, mut capitalised) = (0f64, 0f64);
    let (mut stop_words, mut stopwords) = (0f64, 0f64);
    for k in 0..facts.shapes.len() {
        if facts.shapes.cached(k).class != Class::Good {
            continue;
        }
        let stats = facts.stats_of(k);
        let w = f64::from(stats.words);
        words += w;
        capitalised += w * f64::from(stats.capitalised) / 250.0;
        if stats.stopwords != NO_RATIO {
            stop_words += w;
            stopwords += w * f64::from(stats.stopwords) / 250.0;
        }
    }
    let mean = |sum: f64, weight: f64| if weight > 0.0 { (sum / weight) as f32 } else { 0.0 };
    let (capitalised, stopwords) = (mean(capitalised, words), mean(stopwords, stop_words));
    AROUND_FEATURES.map(|feature| match feature {
        F::capitalised => capitalised,
        F::stopwords => stopwords,
        _ => 0.0,
    })
}

impl RowContext<'_> {
    /// True when the `k`-th kept line goes on with the sentence of the one before it: it
    /// starts midway through a sentence, and that one does not end one (a page's links cut a
    /// paragraph into lines).
    fn continues_sentence(&self, k: usize) -> bool {
        k > 0
            && self.facts.stats_of(k).pattern & STARTS_MIDWAY != 0
            && self.facts.stats_of(k - 1).pattern & TERMINAL == 0
    }

    /// True when a line ending with a colon introduces the `k`-th kept line (see the feature
    /// `after_colon`).
    pub(super) fn after_colon(&self, k: usize) -> bool {
        self.after_colon[k]
    }

    /// True when the `k`-th kept line goes on with the one before it as one unit: the rest of
    /// its sentence, or the next row of its table (Markdown, or cells between tabs).
    pub(super) fn continues_unit(&self, k: usize) -> bool {
        self.continues_sentence(k)
            || (k > 0
                && self.facts.stats_of(k).pattern
                    & self.facts.stats_of(k - 1).pattern
                    & (TABLE_ROW | TAB_ROW)
                    != 0)
    }

    /// True when the `k`-th kept line lies between the first and the last prose line of the
    /// main stretch.
    pub(super) fn inside_main(&self, k: usize) -> bool {
        self.prose_span.is_some_and(|(first, last)| (first..=last).contains(&k))
    }

    /// The kept lines that `keeps` (the model's verdicts, by kept line) leaves as islands of a
    /// menu or a footer: outside the article, inside a run of short lines, kept between two
    /// lines of the run that go, dropped by the rounds, no item of a list or a table, and not
    /// introducing what follows with a colon. A footer's "Privacy Policy" the model keeps at
    /// 0.32 while it drops "About us" and "Contact" on either side is such an island; a lone
    /// item of a spec list is not.
    pub(super) fn footer_islands(&self, keeps: &[bool]) -> Vec<usize> {
        let facts = self.facts;
        let inside_short_run = |k: usize| {
            let run = self.short_run[k];
            run.length > 0 && run.place > 0 && run.place + 1 < run.length
        };
        (1..keeps.len().saturating_sub(1))
            .filter(|&k| {
                keeps[k]
                    && !keeps[k - 1]
                    && !keeps[k + 1]
                    && inside_short_run(k)
                    && !self.rounds_keep(k)
                    && !self.in_article(k)
                    && !self.structured(k)
                    && !facts.shapes.get(k).has(Mark::Colon)
            })
            .collect()
    }

    /// True when the rounds, without the model, keep the `k`-th kept line: the revision keeps
    /// it, it lies in the main stretch and is no teaser (the feature `heuristics_keep`).
    fn rounds_keep(&self, k: usize) -> bool {
        let facts = self.facts;
        facts.judged[k] == Judged::Good && facts.in_main[k] && !facts.teasers[k]
    }

    /// True when the `k`-th kept line is laid out as an item of a list, a table or a
    /// schedule: it starts or ends with a number, starts with a bullet, is a key and a value,
    /// or is a row of a table (Markdown, or cells between tabs).
    pub(super) fn structured(&self, k: usize) -> bool {
        const ITEM: u8 = Pattern::StartsWithNumber as u8
            | Pattern::EndsWithNumber as u8
            | Pattern::Bullet as u8
            | Pattern::KeyValue as u8
            | TABLE_ROW
            | TAB_ROW;
        self.facts.stats_of(k).pattern & ITEM != 0
    }

    /// True when the `k`-th kept line belongs to the article as the rounds see it: between
    /// the first and the last prose line of its main stretch (its lists, tables and
    /// subheadings included), a list it introduces with a colon, its headline (a heading the
    /// rounds keep at most two lines above its prose), or its closing sentence (a sentence the
    /// rounds keep right after its last paragraph).
    pub(super) fn in_article(&self, k: usize) -> bool {
        let facts = self.facts;
        let prose = |j: usize| {
            facts.in_main[j]
                && facts.judged[j] == Judged::Good
                && matches!(facts.shapes.get(j).class, Class::Good | Class::NearGood)
        };
        let headline = facts.shapes.get(k).has(Mark::Heading)
            && facts.judged[k] == Judged::Good
            && (k + 1..(k + 3).min(facts.shapes.len())).any(prose);
        // A list the article introduces with a colon, after its last paragraph.
        let listed = self.after_colon[k] && self.prose_span.is_some_and(|(first, _)| first < k);
        let closing = self.prose_span.is_some_and(|(_, last)| k == last + 1)
            && facts.judged[k] == Judged::Good
            && facts.stats_of(k).pattern & TERMINAL != 0;
        headline || listed || closing || self.inside_main(k)
    }

    /// The sums for the `k`-th kept line, moved on from the line asked about before (from the
    /// first line when `k` is behind it): each step adds a line to the window and takes one
    /// out.
    fn cursor_at(&self, k: usize) -> Cursor {
        let shapes = self.facts.shapes;
        let n = shapes.len();
        let chars = |j: usize| shapes.get(j).chars;
        let prose = |j: usize| {
            let shape = shapes.get(j);
            if matches!(shape.class, Class::Good | Class::NearGood) {
                shape.chars
            } else {
                0
            }
        };
        let mut cursor = match self.cursor.get() {
            Some(cursor) if cursor.k <= k => cursor,
            _ => {
                let mut first = Cursor::default();
                for j in 0..(WINDOW + 1).min(n) {
                    first.window += chars(j);
                    first.window_prose += prose(j);
                }
                first
            }
        };
        while cursor.k < k {
            let at = cursor.k;
            cursor.before += chars(at);
            // The window of `at` is `at - WINDOW..=at + WINDOW`; that of `at + 1` drops the
            // first and takes one more.
            if let Some(out) = at.checked_sub(WINDOW) {
                cursor.window -= chars(out);
                cursor.window_prose -= prose(out);
            }
            if at + WINDOW + 1 < n {
                cursor.window += chars(at + WINDOW + 1);
                cursor.window_prose += prose(at + WINDOW + 1);
            }
            cursor.k += 1;
        }
        self.cursor.set(Some(cursor));
        cursor
    }

    /// The `k`-th kept line's own features of [`AROUND_FEATURES`], as its row has them (and
    /// the rows of the lines around it read them: a share of function words without a
    /// stoplist, -1, counts as 0 there).
    fn own_values(&self, k: usize) -> AroundValues {
        let stats = self.facts.stats_of(k);
        let share = |part: u8| f32::from(part) / 250.0;
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        [
            if stats.stopwords == NO_RATIO { -1.0 } else { share(stats.stopwords) },
            flag(stats.pattern & TERMINAL != 0),
            f32::from(stats.words),
            share(stats.capitalised),
            share(stats.symbols),
            share(stats.letters),
            f32::from(stats.separators),
            flag(self.facts.shapes.get(k).has(Mark::Heading)),
        ]
    }

    /// The row of the `k`-th kept line.
    pub(super) fn row(&self, k: usize) -> Row {
        let padded = self.padded_row(k);
        std::array::from_fn(|f| padded[f])
    }

    /// The row of the `k`-th kept line in the first [`FEATURES`] of [`crate::model::ROW_WIDTH`]
    /// numbers (the rest 0), as the line model reads it: made in place, no copy.
    pub(super) fn padded_row(&self, k: usize) -> [f32; crate::model::ROW_WIDTH] {
        let facts = self.facts;
        let n = facts.shapes.len();
        let shape_of = |j: usize| facts.shapes.get(j);
        let good = |j: usize| facts.judged[j] == Judged::Good;
        let total_chars = self.total_chars.max(1) as f32;
        let (shape, cached, stats) = (shape_of(k), facts.shapes.cached(k), facts.stats_of(k));
        let mut row = [0f32; crate::model::ROW_WIDTH];
        let mut set = |f: F, value: f32| row[f as usize] = value;
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        set(F::chars, shape.chars as f32);
        // Its own features that the rows of the lines around it read too.
        // Shares read against the document's prose (-1, no stoplist, stays as it is).
        for ((feature, value), norm) in
            AROUND_FEATURES.into_iter().zip(self.own_values(k)).zip(self.prose_norms)
        {
            set(feature, if value == -1.0 { value } else { value - norm });
        }
        set(F::tokens, f32::from(stats.tokens));
        set(F::best_stopwords, f32::from(stats.best_stopwords) / 250.0);
        set(F::digits, f32::from(stats.digits) / 250.0);
        set(F::sentence, flag(shape.has(Mark::Sentence)));
        set(F::colon, flag(shape.has(Mark::Colon)));
        set(F::nav_like, flag(shape.has(Mark::NavLike)));
        set(F::continues, flag(shape.has(Mark::Continues)));
        let has = |p: Pattern| flag(stats.pattern & p as u8 != 0);
        set(F::starts_with_number, has(Pattern::StartsWithNumber));
        set(F::ends_with_number, has(Pattern::EndsWithNumber));
        set(F::bullet, has(Pattern::Bullet));
        set(F::key_value, has(Pattern::KeyValue));
        set(F::pattern_run, f32::from(self.pattern_run[k]));
        set(F::after_colon, flag(self.after_colon[k]));
        set(F::shape_class, class_value(cached.class));
        set(F::bad_shape, if cached.class == Class::Bad { cached.why.index() as f32 } else { -1.0 });
        set(F::round_class, class_value(shape.class));
        set(F::judged_good, flag(good(k)));
        set(F::in_main_stretch, flag(facts.in_main[k]));
        set(F::teaser, flag(facts.teasers[k]));
        set(F::heuristics_keep, flag(self.rounds_keep(k)));
        set(F::position, if n > 1 { k as f32 / (n - 1) as f32 } else { 0.0 });
        let cursor = self.cursor_at(k);
        set(F::text_before, cursor.before as f32 / total_chars);
        set(F::lines_before_main, self.main_first.map_or(-1.0, |f| f.saturating_sub(k) as f32));
        set(F::lines_after_main, self.main_last.map_or(-1.0, |l| k.saturating_sub(l) as f32));
        for (offset, [length, class, judged]) in [
            (-2, [F::prev2_chars, F::prev2_class, F::prev2_good]),
            (-1, [F::prev_chars, F::prev_class, F::prev_good]),
            (1, [F::next_chars, F::next_class, F::next_good]),
            (2, [F::next2_chars, F::next2_class, F::next2_good]),
        ] {
            let j = k as isize + offset;
            let (c, cl, g) = if (0..n as isize).contains(&j) {
                let j = j as usize;
                (shape_of(j).chars as f32, class_value(facts.shapes.classes[j]), flag(good(j)))
            } else {
                (-1.0, -1.0, 0.0)
            };
            set(length, c);
            set(class, cl);
            set(judged, g);
        }
        set(F::prose_around, cursor.window_prose as f32 / cursor.window.max(1) as f32);
        let run = self.short_run[k];
        set(F::short_run, f32::from(run.length));
        set(F::short_run_position, f32::from(run.place));
        set(F::chrome_before, f32::from(facts.chrome_before[k]));
        set(F::comment_boundary_before, flag(facts.comment_boundaries[k]));
        set(F::after_comment_boundary, flag(self.first_boundary.is_some_and(|b| b <= k)));
        set(F::kept_lines, n as f32);
        set(F::language_known, flag(facts.language_known));
        set(F::prose_share, self.total_prose as f32 / total_chars);
        let mut around = [0f32; AROUND_FEATURES.len()];
        let (lo, hi) = (k.saturating_sub(AROUND), (k + AROUND + 1).min(n));
        let count = hi - lo - 1;
        let mut slots = self.around_values.borrow_mut();
        for j in (lo..hi).filter(|&j| j != k) {
            let slot = &mut slots[j % AROUND_SLOTS];
            if slot.0 != j {
                *slot = (j, self.own_values(j));
            }
            around.iter_mut().zip(slot.1).for_each(|(sum, value)| *sum += value.max(0.0));
        }
        let first = F::around_stopwords as usize;
        for (i, (sum, norm)) in around.into_iter().zip(self.prose_norms).enumerate() {
            row[first + i] = if count == 0 { 0.0 } else { sum / count as f32 - norm };
        }
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The facts of a round over `shapes` without the rules' evidence (no teaser, no
    /// comment-section start, no chrome dropped before a line), the document's language known.
    /// The few empty slices are leaked: a test's lifetime.
    fn facts_without_evidence<'a>(
        shapes: &'a RoundShapes<'a>,
        stats: &'a [LineStats],
        judged: &'a [Judged],
        in_main: &'a [bool],
    ) -> RoundFacts<'a> {
        let none: &'a [bool] = vec![false; shapes.len()].leak();
        RoundFacts {
            shapes,
            stats,
            alive: shapes.alive,
            judged,
            in_main,
            teasers: none,
            comment_boundaries: none,
            chrome_before: vec![0u8; shapes.len()].leak(),
            language_known: true,
        }
    }

    #[test]
    fn the_bundled_model_loads() {
        assert!(!super::super::bundled_model().trees.is_empty());
    }

    #[test]
    fn names_docs_and_constraints_line_up() {
        assert_eq!(FEATURE_DOCS.len(), FEATURES);
        assert_eq!(MONOTONE.len(), FEATURES);
        assert_eq!(FEATURE_NAMES[F::prose_share as usize], "prose_share");
    }

    #[test]
    fn patterns_of_table_rows_and_lists() {
        let bits = |text| pattern_of(text);
        assert_eq!(bits("10:00 Gates open"), Pattern::StartsWithNumber as u8);
        assert_eq!(bits("Flat white 3.30"), Pattern::EndsWithNumber as u8);
        assert_eq!(bits("Butter 250 g"), Pattern::EndsWithNumber as u8);
        assert_eq!(bits("• Two eggs"), Pattern::Bullet as u8);
        assert_eq!(bits("3. Fold in the flour"), Pattern::StartsWithNumber as u8 | Pattern::Bullet as u8);
        assert_eq!(bits("Serves: 4"), Pattern::KeyValue as u8 | Pattern::EndsWithNumber as u8);
        assert_eq!(bits("June 9 – Tampa, FL @ Amphitheatre"), Pattern::StartsWithNumber as u8);
        assert_eq!(bits("Sept. 14, 2024"), Pattern::StartsWithNumber as u8 | Pattern::EndsWithNumber as u8);
        assert_eq!(bits("May the best team win"), 0);
        assert_eq!(bits("Home"), 0);
        assert_eq!(bits("The council met on Monday: it voted for the plan."), 0);
    }

    #[test]
    fn rows_read_the_same_sums_and_lines_around_in_any_order() {
        use crate::types::Heuristic;
        // Fifteen kept lines of three lengths and classes (wider than the window each side).
        let classes = [Class::Good, Class::Short, Class::Bad, Class::NearGood, Class::Short];
        let cache: Vec<Option<Shape>> = (0..15)
            .map(|j| {
                let class = classes[j % classes.len()];
                Some(Shape { chars: 10 + 7 * (j as u32 % 4), class, why: Heuristic::NotProse, marks: 0 })
            })
            .collect();
        let alive: Vec<u32> = (0..15).collect();
        let shapes = RoundShapes::new(&cache, &alive);
        let n = alive.len();
        // Lines unlike each other, some without a stoplist, every other one a sentence.
        let stats: Vec<LineStats> = (0..n)
            .map(|j| LineStats {
                words: 3 * j as u16,
                separators: (j % 3) as u8,
                capitalised: 15 * j as u8,
                symbols: 250 - 10 * j as u8,
                letters: 7 * j as u8,
                stopwords: if j % 4 == 0 { NO_RATIO } else { 12 * j as u8 },
                pattern: if j % 2 == 1 { TERMINAL } else { 0 },
                ..LineStats::default()
            })
            .collect();
        let (judged, in_main) = (vec![Judged::Good; n], vec![false; n]);
        let facts = facts_without_evidence(&shapes, &stats, &judged, &in_main);
        let in_order: Vec<Row> = {
            let context = facts.context();
            (0..n).map(|k| context.row(k)).collect()
        };
        let context = facts.context();
        for k in [14, 3, 9, 0, 12, 12, 5] {
            assert_eq!(context.row(k), in_order[k], "line {k} asked out of order");
        }
        let total: u32 = (0..n).map(|j| shapes.get(j).chars).sum();
        for (k, row) in in_order.iter().enumerate() {
            let before: u32 = (0..k).map(|j| shapes.get(j).chars).sum();
            let window = k.saturating_sub(WINDOW)..(k + WINDOW + 1).min(n);
            let chars: u32 = window.clone().map(|j| shapes.get(j).chars).sum();
            let prose: u32 = window
                .filter(|&j| matches!(shapes.get(j).class, Class::Good | Class::NearGood))
                .map(|j| shapes.get(j).chars)
                .sum();
            assert_eq!(row[F::text_before as usize], before as f32 / total as f32, "line {k}");
            assert_eq!(row[F::prose_around as usize], prose as f32 / chars as f32, "line {k}");
            // The line's own features, as its statistics give them; shares of capitalised
            // tokens and function words less those of the good lines, by words: lines 5 and
            // 10 (line 0 has no words), 0.3 and 0.6 capitalised, 0.24 and 0.48 function words.
            let stats = &stats[k];
            let share = |part: u8| f32::from(part) / 250.0;
            let prose_capitalised = (15.0 * 0.3 + 30.0 * 0.6) / 45.0;
            let prose_stopwords = (15.0 * 0.24 + 30.0 * 0.48) / 45.0;
            let stopwords = if k % 4 == 0 { -1.0 } else { share(stats.stopwords) - prose_stopwords };
            let own = [
                (F::stopwords, stopwords),
                (F::terminal, (k % 2) as f32),
                (F::words, (3 * k) as f32),
                (F::capitalised, share(stats.capitalised) - prose_capitalised),
                (F::symbols, share(stats.symbols)),
                (F::letters, share(stats.letters)),
                (F::separators, (k % 3) as f32),
                (F::heading, 0.0),
            ];
            for (feature, value) in own {
                let got = row[feature as usize];
                assert!(
                    (got - value).abs() < 1e-6,
                    "line {k}, {}: {got} for {value}",
                    FEATURE_NAMES[feature as usize]
                );
            }
            // Each `around_` feature is the mean of the lines' own feature up to 3 each side
            // (as shares, before the prose's is taken off; -1, no stoplist, counts as 0).
            let around: Vec<usize> =
                (k.saturating_sub(AROUND)..(k + AROUND + 1).min(n)).filter(|&j| j != k).collect();
            for (i, feature) in AROUND_FEATURES.iter().enumerate() {
                let norm = match feature {
                    F::stopwords => prose_stopwords,
                    F::capitalised => prose_capitalised,
                    _ => 0.0,
                };
                let value = |j: usize| {
                    let value = in_order[j][*feature as usize];
                    if value == -1.0 {
                        0.0
                    } else {
                        value + norm
                    }
                };
                let sum: f32 = around.iter().map(|&j| value(j)).sum();
                let mean = sum / around.len() as f32 - norm;
                let got = row[F::around_stopwords as usize + i];
                assert!(
                    (got - mean).abs() < 1e-5,
                    "line {k}, {}: {got} for {mean}",
                    FEATURE_NAMES[*feature as usize]
                );
            }
        }
    }

    #[test]
    fn a_footer_line_kept_alone_among_dropped_short_lines_is_an_island() {
        use crate::types::Heuristic;
        // Three paragraphs, then a footer of six short lines; line 6 is a key and a value.
        let classes = [
            Class::Good,
            Class::Good,
            Class::Good,
            Class::Short,
            Class::Short,
            Class::Short,
            Class::Short,
            Class::Short,
            Class::Short,
        ];
        let cache: Vec<Option<Shape>> = classes
            .iter()
            .map(|&class| {
                Some(Shape {
                    chars: if class == Class::Good { 300 } else { 12 },
                    class,
                    why: Heuristic::NotProse,
                    marks: 0,
                })
            })
            .collect();
        let alive: Vec<u32> = (0..classes.len() as u32).collect();
        let shapes = RoundShapes::new(&cache, &alive);
        let n = alive.len();
        let stats: Vec<LineStats> = (0..n)
            .map(|j| LineStats {
                pattern: if j == 6 { Pattern::KeyValue as u8 } else { 0 },
                ..LineStats::default()
            })
            .collect();
        let judged: Vec<Judged> = (0..n)
            .map(|j| if j < 3 { Judged::Good } else { Judged::Bad(Heuristic::ShortInBoilerplate) })
            .collect();
        let in_main: Vec<bool> = (0..n).map(|j| j < 3).collect();
        let facts = facts_without_evidence(&shapes, &stats, &judged, &in_main);
        let context = facts.context();
        // Line 4 is kept alone inside the run; line 6 is a list item; line 8 ends the run (and
        // the page); line 3, right after the article, is its closing line's place.
        let keeps = [true, true, true, true, true, false, true, false, true];
        assert_eq!(context.footer_islands(&keeps), Vec::<usize>::new(), "line 4's neighbour 3 is kept");
        let keeps = [true, true, true, false, true, false, true, false, true];
        assert_eq!(context.footer_islands(&keeps), vec![4]);
        // The rounds keeping a line, or the article holding it, takes it off the list.
        let in_main: Vec<bool> = (0..n).map(|j| j < 3 || j == 4).collect();
        let judged: Vec<Judged> =
            (0..n).map(|j| if j < 3 || j == 4 { Judged::Good } else { judged[j] }).collect();
        let facts = RoundFacts { judged: &judged, in_main: &in_main, ..facts };
        assert_eq!(facts.context().footer_islands(&keeps), Vec::<usize>::new());
    }

    #[test]
    fn rows_of_one_table_are_one_unit_and_the_tab_bit_is_no_feature() {
        use crate::types::Heuristic;
        let cache: Vec<Option<Shape>> = (0..5)
            .map(|_| Some(Shape { chars: 30, class: Class::Short, why: Heuristic::NotProse, marks: 0 }))
            .collect();
        let alive: Vec<u32> = (0..5).collect();
        let shapes = RoundShapes::new(&cache, &alive);
        // A line, two rows between tabs, two rows of a Markdown table.
        let patterns = [0, TAB_ROW, TAB_ROW | Pattern::StartsWithNumber as u8, TABLE_ROW, TABLE_ROW];
        let stats: Vec<LineStats> =
            patterns.iter().map(|&pattern| LineStats { pattern, ..LineStats::default() }).collect();
        let (judged, in_main) = (vec![Judged::Good; 5], vec![false; 5]);
        let facts = facts_without_evidence(&shapes, &stats, &judged, &in_main);
        let context = facts.context();
        let units: Vec<bool> = (0..5).map(|k| context.continues_unit(k)).collect();
        assert_eq!(units, [false, false, true, false, true]);
        // The rows read the same as without the bit: it only joins the table's rows.
        let plain: Vec<LineStats> =
            stats.iter().map(|s| LineStats { pattern: s.pattern & !TAB_ROW, ..*s }).collect();
        let without = RoundFacts { stats: &plain, ..facts };
        for k in 0..5 {
            assert_eq!(context.row(k), without.context().row(k), "line {k}");
        }
    }

    #[test]
    fn line_stats_stay_small() {
        // One per line of a document when the model runs: 3.6 million on a 200 MB document.
        assert_eq!(std::mem::size_of::<LineStats>(), 12);
    }

    #[test]
    fn shares_are_quantised_exactly() {
        assert_eq!(share(1, 4), 62);
        assert_eq!(share(0, 0), 0);
        assert_eq!(share(5, 4), 250);
        assert_eq!(quantised(0.5), 125);
    }
}
