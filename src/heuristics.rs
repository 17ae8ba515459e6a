//! Judgement for chrome that no rule names: each kept line is classified from its own shape,
//! then from its neighbours, then by whether it lies in the article's main stretch.
//!
//! The method follows jusText (Pomikálek 2011), adapted to plain text:
//! 1. **Shape.** A line is *good* when it is long prose (many characters, many function words
//!    of the document's language), *near-good* when it is borderline, *short* when it is too
//!    short to judge alone, and *bad* when it is not prose: few function words
//!    (`heuristics/not-prose`), title-case words between separators (`heuristics/menu-line`:
//!    `Home | News | Sport`), mostly digits and symbols (`heuristics/counter`: dates, "3
//!    comments", prices) or a long lower-case keyword string (`heuristics/keyword-stuffed`).
//! 2. **Context.** A short line takes the class of its nearest judged neighbours — between two
//!    good lines it is a subheading and stays, inside a run of boilerplate it is navigation and
//!    goes (`heuristics/short-in-boilerplate`); a near-good line goes only when both neighbours
//!    are boilerplate (`heuristics/near-boilerplate`); a heading-like short line just before
//!    good text stays.
//! 3. **Main stretch.** The article is usually one contiguous stretch. Good lines separated by
//!    long runs of boilerplate form separate stretches; the largest is the article, and
//!    stretches much smaller than it — comments, teasers, footers — go
//!    (`heuristics/outside-main-text`). A long well-formed paragraph is therefore never dropped
//!    on one weak signal: it must be cut off from the article by a run of boilerplate.
//!
//! 4. **Unrelated teasers.** Next to a teaser marker (a line dropped by a `teasers` rule) or a
//!    repeated headline, a line whose content words the rest of the article hardly shares is a
//!    teaser for another story (`heuristics/unrelated-teaser`).
//!
//! Guard rails: lines kept by an exception rule are never dropped (they protect themselves, not
//! the lines around them); a document
//! with no good line at all is left to the rules (there is no article to anchor on); the pass
//! repeats on the kept lines until nothing changes, so cleaning is idempotent.

use crate::decide::{DropCause, DropReason, KeepReason, Verdict};
use crate::fold;
use crate::language::{self, Language, Script};
pub use crate::rules::HeuristicsConfig;
use crate::segment::Document;
use crate::swar;
use crate::types::{DropRole, Heuristic, RuleIndex};

/// What the judgement takes from the rule set: its thresholds, the rule of each heuristic, and
/// what each rule's drops mean ([`DropRole`]), all resolved when the rules were built.
#[derive(Debug, Clone, Copy)]
pub struct JudgementRules<'a> {
    /// The thresholds.
    pub config: HeuristicsConfig,
    /// Rule index of each heuristic, in [`Heuristic::ALL`] order; `None` when switched off.
    pub heuristics: &'a [Option<RuleIndex>],
    /// The role of each rule, by rule index.
    pub roles: &'a [DropRole],
}

impl JudgementRules<'_> {
    fn role(&self, rule: RuleIndex) -> DropRole {
        self.roles[rule as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Good,
    NearGood,
    Short,
    Bad,
}

/// One per line of a document: 8 bytes (the five marks share a byte).
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// Length in characters (see `shape`); `u32` as there is one shape per line.
    chars: u32,
    class: Class,
    why: Heuristic,
    /// Bits of [`Mark`].
    marks: u8,
}

/// What else a line's shape tells, one bit each in [`Shape::marks`].
#[derive(Debug, Clone, Copy)]
#[repr(u8)]
enum Mark {
    /// Starts like a title and is short, without closing punctuation.
    Heading = 1,
    /// Reads as a finished sentence of prose: closing punctuation and many stopwords.
    Sentence = 2,
    /// Ends with a colon: introduces what follows ("Check out a few highlights:").
    Colon = 4,
    /// One to three words without closing punctuation: a menu item, a label, a tag.
    NavLike = 8,
    /// Ends with a comma or semicolon: the sentence goes on in the next line.
    Continues = 16,
}

impl Shape {
    fn has(&self, mark: Mark) -> bool {
        self.marks & mark as u8 != 0
    }
}

/// The [`Shape::marks`] byte holding the marks that are `true`.
fn marks(set: &[(Mark, bool)]) -> u8 {
    set.iter().filter(|(_, on)| *on).fold(0, |bits, (mark, _)| bits | *mark as u8)
}

/// Sentence-final marks of the scripts thresh meets (Latin, CJK, Devanagari, Arabic, Armenian,
/// Ethiopic); `:` and `;` end a line that goes on.
const TERMINAL_MARKS: [char; 16] =
    ['.', '!', '?', '…', ':', ';', '。', '！', '？', '．', '।', '॥', '؟', '۔', '։', '።'];

/// Ideographs, kana and hangul: a word takes one to three of them, not five or six letters, so
/// each counts as several characters of length.
fn is_wide_script(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x11FF | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// What one pass over a line's characters tells.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct CharCounts {
    /// Length, a wide (CJK) character counting three.
    width: usize,
    non_space: usize,
    digits: usize,
    /// Digits, punctuation and symbols.
    digits_and_symbols: usize,
    upper: bool,
    lower: bool,
    /// Has a comma or a sentence mark.
    punctuated: bool,
    /// Letters, and those of each script with a bundled stoplist.
    letters: usize,
    latin: usize,
    cyrillic: usize,
    /// White-space separated tokens; of them, the separators (`|`, `»`, `-`) and those
    /// starting with a capital.
    tokens: usize,
    separators: usize,
    capitalised: usize,
}

/// A comma or a sentence mark.
const fn is_punctuation(c: char) -> bool {
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
const fn is_separator(c: char) -> bool {
    matches!(c, '|' | '•' | '·' | '»' | '›' | '>' | '/' | '–' | '-' | '*' | '◦' | '▪')
}

/// What one character is, as [`CharCounts`] needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct CharKind {
    space: bool,
    separator: bool,
    digit: bool,
    /// Letter or other alphanumeric that is not a digit (a letter-like numeral counts here).
    letter: bool,
    /// Among the letters: alphabetic, and in which script.
    alphabetic: bool,
    script: Option<Script>,
    upper: bool,
    lower: bool,
    /// A comma or a sentence mark.
    punctuation: bool,
    /// Counts three for length.
    wide: bool,
}

const ASCII_KINDS: [CharKind; 128] = {
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
    fn of_ascii(b: u8) -> Self {
        ASCII_KINDS[usize::from(b & 0x7F)]
    }

    const fn of_ascii_byte(b: u8) -> Self {
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
    fn of_char(ch: char) -> Self {
        if ch.is_ascii() {
            return Self::of_ascii(ch as u8);
        }
        COMMON_KINDS.get_or_init(CommonKinds::new).get(ch).unwrap_or_else(|| Self::by_properties(ch))
    }

    /// Looked up in Unicode's tables, some of them a binary search each: several hundred
    /// instructions per character.
    fn by_properties(ch: char) -> Self {
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
struct CommonKinds {
    two_byte: Box<[CharKind]>,
    punctuation: Box<[CharKind]>,
}

const TWO_BYTE: std::ops::Range<u32> = 0x80..0x800;
const GENERAL_PUNCTUATION: std::ops::Range<u32> = 0x2000..0x2070;

static COMMON_KINDS: std::sync::OnceLock<CommonKinds> = std::sync::OnceLock::new();

impl CommonKinds {
    fn new() -> Self {
        let kinds = |range: std::ops::Range<u32>| {
            range.map(|c| CharKind::by_properties(char::from_u32(c).expect("no surrogates here"))).collect()
        };
        CommonKinds { two_byte: kinds(TWO_BYTE), punctuation: kinds(GENERAL_PUNCTUATION) }
    }

    fn get(&self, ch: char) -> Option<CharKind> {
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
struct AsciiMasks {
    space: u64,
    separator: u64,
    digit: u64,
    letter: u64,
    upper: u64,
    punctuation: u64,
}

impl AsciiMasks {
    fn of(block: &[u8]) -> Self {
        use swar::{equal, gather, in_range};
        debug_assert!(block.len() <= 64);
        let mut m = AsciiMasks { space: 0, separator: 0, digit: 0, letter: 0, upper: 0, punctuation: 0 };
        // A short last chunk is padded with zero bytes, which are in no class.
        for (k, chunk) in block.chunks(8).enumerate() {
            let x = swar::load(chunk);
            let add = |mask: &mut u64, bytes: u64| *mask |= u64::from(gather(bytes)) << (8 * k);
            add(&mut m.space, swar::ascii_space(x));
            add(&mut m.digit, in_range(x, b'0', b'9' + 1));
            add(&mut m.letter, in_range(swar::fold_case(x), b'a', b'z' + 1));
            add(&mut m.upper, in_range(x, b'A', b'Z' + 1));
            // Separators and punctuation all lie in three ranges, which most chunks of prose
            // do not touch: one test of the ranges spares eleven of single bytes.
            if in_range(x, b'!', b'/' + 1) | in_range(x, b':', b'?' + 1) | equal(x, b'|') == 0 {
                continue;
            }
            add(
                &mut m.separator,
                equal(x, b'|') | equal(x, b'>') | equal(x, b'/') | equal(x, b'-') | equal(x, b'*'),
            );
            let punctuation = equal(x, b',')
                | equal(x, b'.')
                | equal(x, b'!')
                | equal(x, b'?')
                | equal(x, b':')
                | equal(x, b';');
            add(&mut m.punctuation, punctuation);
        }
        m
    }
}

impl CharCounts {
    fn of(text: &str) -> Self {
        let mut counter = Counter::default();
        if text.is_ascii() {
            counter.add_ascii(text.as_bytes());
            return counter.finish();
        }
        // Lines with a curly quote or a dash are mostly ASCII too: runs of ASCII are counted
        // as bytes, and only the other characters are decoded.
        let mut rest = text;
        while !rest.is_empty() {
            let ascii = rest.bytes().position(|b| !b.is_ascii()).unwrap_or(rest.len());
            counter.add_ascii(&rest.as_bytes()[..ascii]);
            let mut chars = rest[ascii..].chars();
            if let Some(ch) = chars.next() {
                counter.add(CharKind::of_char(ch));
            }
            rest = chars.as_str();
        }
        counter.finish()
    }

    /// True when most letters are in `script`: only then does a stoplist of that script say
    /// anything about the line (an Arabic quote in an English article has no English function
    /// words, and is not a menu for that).
    fn mostly_in(&self, script: Script) -> bool {
        let in_script = match script {
            Script::Latin => self.latin,
            Script::Cyrillic => self.cyrillic,
        };
        in_script * 2 > self.letters
    }
}

/// [`CharCounts`] in the making: one character at a time, and whether it is inside a token.
#[derive(Default)]
struct Counter {
    counts: CharCounts,
    in_token: bool,
    token_is_separator: bool,
}

impl Counter {
    fn add(&mut self, kind: CharKind) {
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
            match kind.script {
                Some(Script::Latin) => c.latin += 1,
                Some(Script::Cyrillic) => c.cyrillic += 1,
                None => {}
            }
        }
    }

    /// What [`Counter::add`] counts for each byte of an ASCII run, where every letter is
    /// Latin and nothing is wide: 64 bytes at a time as bit masks (see [`swar`]), read with
    /// popcounts instead of a branch or a lookup per byte.
    fn add_ascii(&mut self, bytes: &[u8]) {
        for block in bytes.chunks(64) {
            self.add_ascii_block(block.len(), &AsciiMasks::of(block));
        }
    }

    fn add_ascii_block(&mut self, len: usize, m: &AsciiMasks) {
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
        c.latin += letters;
        c.tokens += starts.count_ones() as usize;
        c.separators += separators;
        c.capitalised += (starts & m.upper).count_ones() as usize;
    }

    fn finish(mut self) -> CharCounts {
        self.counts.separators += usize::from(self.in_token && self.token_is_separator);
        self.counts
    }
}

/// The shape of one line; `folded` is its folded form (see [`fold`]), `word_counts` the
/// counts of its words when the language sample made them.
fn shape(
    line: &str,
    folded: &str,
    word_counts: Option<&language::WordCounts>,
    language: Option<Language>,
    cfg: &HeuristicsConfig,
) -> Shape {
    let text = line.trim();
    let counts = CharCounts::of(text);
    // Length comparable across scripts: a wide character counts as three.
    let chars = counts.width;
    let stored_chars = chars as u32;
    // One pass over the words counts the stopwords of every bundled language.
    let word_counts = word_counts.copied().unwrap_or_else(|| language::WordCounts::of(folded));
    let words = word_counts.words;
    let CharCounts { tokens, separators, capitalised, .. } = counts;
    let terminal =
        text.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '」', '』']).ends_with(TERMINAL_MARKS);
    let heading = !terminal
        && tokens <= 20
        && text.chars().next().is_some_and(|c| c.is_uppercase() || c.is_numeric() || c == '"' || c == '“');
    let colon = text.ends_with(':');
    let nav_like = tokens <= 3 && !terminal;
    let continues = text.ends_with([',', ';']);
    let marks_with = |sentence| {
        marks(&[
            (Mark::Heading, heading),
            (Mark::Sentence, sentence),
            (Mark::Colon, colon),
            (Mark::NavLike, nav_like),
            (Mark::Continues, continues),
        ])
    };
    let bad = |why| Shape { chars: stored_chars, class: Class::Bad, why, marks: marks_with(false) };

    let CharCounts { non_space, digits, digits_and_symbols, .. } = counts;
    if chars < cfg.length_low && digits > 0 && digits_and_symbols * 5 > non_space.max(1) * 3 {
        return bad(Heuristic::Counter);
    }
    // A stoplist judges only lines in its own script.
    let mut ratio = language.filter(|l| counts.mostly_in(l.script())).map(|l| word_counts.ratio(l));
    // Detecting a line's language is dear; when no other stoplist of the line's script reaches
    // half of `stopwords_low`, its verdict could not change the line's class.
    let another_could_matter = || {
        ratio.is_none()
            || Language::all()
                .filter(|&l| Some(l) != language && counts.mostly_in(l.script()))
                .any(|l| word_counts.ratio(l) >= cfg.stopwords_low / 2.0)
    };
    if chars >= cfg.length_low && ratio.is_none_or(|r| r < cfg.stopwords_low) && another_could_matter() {
        // A long line in another bundled language (a quote, a bilingual page) is judged by its
        // own stoplist, so the verdict does not hang on which language the page was taken for.
        let own = Language::detect_lines(std::iter::once(text))
            .filter(|&own| Some(own) != language && counts.mostly_in(own.script()));
        if let Some(own) = own {
            let own_ratio = word_counts.ratio(own);
            ratio = Some(ratio.map_or(own_ratio, |r| r.max(own_ratio)));
        }
    }
    if separators >= 2
        && capitalised * 2 >= tokens.saturating_sub(separators)
        && ratio.is_none_or(|r| r < cfg.stopwords_low)
    {
        return bad(Heuristic::MenuLine);
    }
    // Alt text is lower case: only a script with case can show that.
    if words >= 12 && !counts.punctuated && !counts.upper && counts.lower && ratio.is_none_or(|r| r < 0.15) {
        return bad(Heuristic::KeywordStuffed);
    }
    let sentence = terminal && ratio.is_some_and(|r| r >= cfg.stopwords_high);
    if chars < cfg.length_low {
        return Shape {
            chars: stored_chars,
            class: Class::Short,
            why: Heuristic::ShortInBoilerplate,
            marks: marks_with(sentence),
        };
    }
    let class = match ratio {
        Some(r) if r >= cfg.stopwords_high && chars > cfg.length_high => Class::Good,
        Some(r) if r >= cfg.stopwords_low => Class::NearGood,
        // A sentence full of names still reads as a sentence.
        Some(r) if (terminal || has_sentence_break(text)) && tokens >= 8 && r >= cfg.stopwords_low / 2.0 => {
            Class::NearGood
        }
        // A title has few function words; its neighbours tell whether it heads the article.
        Some(_) if heading => Class::Short,
        Some(_) => Class::Bad,
        // No stoplist for this language: judge by length and sentence shape alone.
        None if terminal && chars > cfg.length_high => Class::Good,
        None if terminal => Class::NearGood,
        None => Class::Bad,
    };
    Shape { chars: stored_chars, class, why: Heuristic::NotProse, marks: marks_with(sentence) }
}

/// True when a sentence ends inside the line (". " before a capital or digit).
fn has_sentence_break(text: &str) -> bool {
    text.match_indices(['.', '!', '?']).any(|(i, _)| {
        let mut rest = text[i + 1..].chars();
        rest.next() == Some(' ') && rest.next().is_some_and(|c| c.is_uppercase() || c.is_numeric())
    })
}

/// Runs the heuristics over the lines `verdicts` still keeps, dropping what they judge to be
/// boilerplate; returns whether anything was dropped.
///
/// `folded` holds folded lines of `doc` (all of them, unless the document is huge); the
/// others are folded when needed.
pub fn apply(
    rules: &JudgementRules<'_>,
    doc: &Document,
    folded: &fold::FoldedLines,
    verdicts: &mut [Verdict],
) -> bool {
    let cfg = rules.config;
    let ids = rules.heuristics;
    if !cfg.enabled || ids.iter().all(Option::is_none) {
        return false;
    }
    let mut dropped_any = false;
    let mut shapes: Vec<Option<Shape>> = vec![None; doc.len()];
    // Detected once, from the lines the rules keep: the longest of them are the article.
    let mut language: Option<Option<Language>> = None;
    // The lines of the sample taken last, in line order, with their word counts until shapes
    // take them (shaping counts the same words).
    let mut sampled: Vec<(usize, Option<language::WordCounts>)> = Vec::new();
    let sample_of = |alive: &[u32], sampled: &mut Vec<(usize, Option<language::WordCounts>)>| {
        let sample = Language::sample(lines_of(alive).map(|i| (doc.line_text(i), folded.held(i))));
        *sampled = sample.lines().iter().map(|&(k, counts)| (alive[k] as usize, counts)).collect();
        sampled.sort_unstable_by_key(|&(line, _)| line);
        sample
    };
    let mut scratch = String::new();
    // Kept lines are listed as `u32`, half the memory of `usize` on a huge document: a line
    // takes at least two bytes, so a document of at most the 4095 MiB the CLI admits has
    // fewer than `u32::MAX` lines.
    assert!(doc.len() < u32::MAX as usize, "a document of 4 G lines or more is beyond the heuristics");
    let mut rounds = 0;
    loop {
        let alive: Vec<u32> = (0..doc.len()).filter(|&i| verdicts[i].is_keep()).map(|i| i as u32).collect();
        if alive.is_empty() {
            return dropped_any;
        }
        let detected =
            *language.get_or_insert_with(|| Language::detect_sample(&sample_of(&alive, &mut sampled)));
        let stopwords = detected.map(Language::stopwords);
        let mut counted = sampled.iter_mut().peekable();
        for i in lines_of(&alive) {
            while counted.next_if(|(line, _)| *line < i).is_some() {}
            let counts = counted.next_if(|(line, _)| *line == i).and_then(|(_, counts)| counts.take());
            shapes[i].get_or_insert_with(|| {
                shape(
                    doc.line_text(i),
                    folded.folded_line(doc, i, &mut scratch),
                    counts.as_ref(),
                    detected,
                    &cfg,
                )
            });
        }
        let mut classes = RoundShapes::new(&shapes, &alive);
        if !classes.any_good() {
            // An article of short paragraphs (wire copy) has no line long enough to be good on
            // its own: its near-good sentences anchor it instead.
            for k in 0..classes.len() {
                let shape = classes.get(k);
                if shape.class == Class::NearGood && shape.has(Mark::Sentence) {
                    classes.classes[k] = Class::Good;
                }
            }
        } else {
            promote_sentence_runs(&mut classes);
        }
        if !classes.any_good() {
            return dropped_any;
        }
        let judged = revise(&classes, &marked_by(|r| r.teaser_marker, rules, verdicts, &alive), &cfg);
        let boundaries = marked_by(|r| r.comment_boundary, rules, verdicts, &alive);
        let dropped_before = dropped_before(rules, verdicts, &alive);
        let keep = main_stretches(&judged, &classes, &boundaries, &dropped_before, &cfg);
        let teasers = unrelated_teasers(rules, doc, folded, verdicts, &alive, &classes, stopwords);
        let mut dropped_now = false;
        for (k, i) in lines_of(&alive).enumerate() {
            if matches!(verdicts[i], Verdict::Keep(KeepReason::Exception { .. })) {
                continue;
            }
            let why = match (judged[k], keep[k]) {
                (Judged::Good, true) if teasers[k] => Heuristic::UnrelatedTeaser,
                (Judged::Good, true) => continue,
                (Judged::Good, false) => Heuristic::OutsideMainText,
                (Judged::Bad(why), _) => why,
            };
            if let Some(rule) = ids[why.index()] {
                verdicts[i] = Verdict::Drop(DropReason { rule, cause: DropCause::Heuristic });
                dropped_now = true;
            }
        }
        if !dropped_now {
            // Settled. If what is left reads as another language, judge it again in that one:
            // cleaning the output must find nothing more to do, and it would detect that one.
            if dropped_any && rounds < MAX_ROUNDS {
                // Usually the article's long lines, still all kept: the sample would be the same
                // (its lines are the first long lines, then short ones, that are kept), no need
                // to ask.
                let same_sample = sampled.iter().all(|&(line, _)| verdicts[line].is_keep());
                let now = if same_sample {
                    detected
                } else {
                    Language::detect_sample(&sample_of(&alive, &mut sampled))
                };
                if now != detected {
                    language = Some(now);
                    shapes.fill(None);
                    rounds += 1;
                    continue;
                }
            }
            return dropped_any;
        }
        dropped_any = true;
        rounds += 1;
        if rounds == MAX_ROUNDS {
            return dropped_any;
        }
    }
}

/// Consecutive sentences that make a run of prose even when each is short.
const SENTENCE_RUN: usize = 3;

/// A run of [`SENTENCE_RUN`] or more consecutive sentences is article text written in short
/// paragraphs (wire copy), even when some longer line elsewhere on the page is good: its
/// near-good lines become good, so that they anchor each other.
fn promote_sentence_runs(shapes: &mut RoundShapes) {
    let in_run = |s: Shape| s.has(Mark::Sentence) && matches!(s.class, Class::Good | Class::NearGood);
    let mut start = 0;
    while start < shapes.len() {
        if !in_run(shapes.get(start)) {
            start += 1;
            continue;
        }
        let end = (start..shapes.len()).find(|&k| !in_run(shapes.get(k))).unwrap_or(shapes.len());
        if end - start >= SENTENCE_RUN {
            shapes.classes[start..end].iter_mut().for_each(|c| *c = Class::Good);
        }
        start = end;
    }
}

/// The shapes of the lines kept in a round, `k` for the `k`-th of them: the cached shape of
/// each, with the class the round gives it (near-good sentences can be promoted). A byte per
/// line beside the cache, where a copy of the shapes took eight.
struct RoundShapes<'a> {
    cache: &'a [Option<Shape>],
    alive: &'a [u32],
    classes: Vec<Class>,
}

impl<'a> RoundShapes<'a> {
    /// Every line of `alive` must have its shape in `cache`.
    fn new(cache: &'a [Option<Shape>], alive: &'a [u32]) -> Self {
        let mut shapes = RoundShapes { cache, alive, classes: Vec::new() };
        shapes.classes = (0..alive.len()).map(|k| shapes.cached(k).class).collect();
        shapes
    }

    fn cached(&self, k: usize) -> Shape {
        self.cache[self.alive[k] as usize].expect("kept lines are shaped before a round")
    }

    fn get(&self, k: usize) -> Shape {
        Shape { class: self.classes[k], ..self.cached(k) }
    }

    fn len(&self) -> usize {
        self.alive.len()
    }

    fn any_good(&self) -> bool {
        self.classes.contains(&Class::Good)
    }
}

/// Bound on rounds over one document; real pages settle in two or three.
const MAX_ROUNDS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Judged {
    Good,
    Bad(Heuristic),
}

/// jusText's context revision: short and near-good lines take their class from neighbours.
/// A line does not look back across a `barrier` (a teaser marker stands right before it): the
/// headlines under "Related" are not rescued by the article above. Lines before the marker
/// still look past it, so that cleaning the output again (without the marker) changes nothing.
fn revise(shapes: &RoundShapes, barriers: &[bool], cfg: &HeuristicsConfig) -> Vec<Judged> {
    let n = shapes.len();
    let mut class: Vec<Class> = shapes.classes.clone();
    // Rescues are anchored in prose by its own shape, never in another rescued line: a chain
    // of "headings" would climb a whole menu.
    let prose = |j: usize| matches!(shapes.get(j).class, Class::Good | Class::NearGood);
    let good_follows = |i: usize, class: &[Class]| {
        let mut distance = 0;
        let reach = n.min(i + 1 + cfg.max_edge_lines);
        for (j, &c) in class.iter().enumerate().take(reach).skip(i + 1) {
            if c == Class::Good && prose(j) {
                return true;
            }
            distance += shapes.get(j).chars as usize;
            if distance > cfg.max_heading_distance {
                return false;
            }
        }
        false
    };
    for i in 0..n {
        if shapes.get(i).has(Mark::Heading) && class[i] == Class::Short && good_follows(i, &class) {
            class[i] = Class::NearGood;
        }
    }
    let found = |j: Option<usize>| j.map(|j| (class[j], j));
    let class_of = |found: Option<(Class, usize)>| found.map_or(Class::Bad, |(c, _)| c);
    // Characters between line i and line j (exclusive of both), from prefix sums.
    // u32 like the lengths: a length is at most the line's bytes, so their sum fits a document
    // (`segment::MAX_DOCUMENT_BYTES`).
    let chars_before: Vec<u32> = std::iter::once(0)
        .chain((0..n).scan(0, |total, k| {
            *total += shapes.get(k).chars;
            Some(*total)
        }))
        .collect();
    let gap = |i: usize, j: usize| (chars_before[i.max(j)] - chars_before[i.min(j) + 1]) as usize;
    // At an edge, a short line close to prose (good or near-good) is its headline, kicker or
    // last sentence; a long run of short lines there is navigation.
    let near_prose_at_edge = |i: usize, around: [Option<usize>; 2]| {
        around.into_iter().any(|j| match found(j) {
            Some((Class::Good | Class::NearGood, j)) if prose(j) => {
                gap(i, j) + shapes.get(i).chars as usize <= cfg.max_heading_distance
                    && i.abs_diff(j) <= cfg.max_edge_lines
            }
            _ => false,
        })
    };
    let mut revised = class.clone();
    // Nearest neighbours that are good or bad, skipping short lines (`any`) and near-good
    // ones too (`firm`). Short and near-good lines are revised by `class` alone, so one
    // forward pass serves both.
    let (mut any, mut firm) =
        (NearestStops::new(&class, barriers, false), NearestStops::new(&class, barriers, true));
    for i in 0..n {
        match class[i] {
            Class::Short => {
                let [any_prev, any_next] = any.around(i);
                let [prev, next] = firm.around(i).map(found);
                revised[i] = match (prev, next) {
                    (Some((Class::Good, _)), Some((Class::Good, _))) => Class::Good,
                    (None, Some((Class::Good, _))) | (Some((Class::Good, _)), None)
                        if near_prose_at_edge(i, [any_prev, any_next]) =>
                    {
                        Class::Good
                    }
                    _ if (class_of(prev) == Class::Bad && class_of(found(any_prev)) == Class::NearGood)
                        || (class_of(next) == Class::Bad && class_of(found(any_next)) == Class::NearGood) =>
                    {
                        Class::Good
                    }
                    _ => Class::Bad,
                };
            }
            Class::NearGood => {
                let [prev, next] = firm.around(i).map(found);
                let both_bad = class_of(prev) == Class::Bad && class_of(next) == Class::Bad;
                revised[i] = if both_bad { Class::Bad } else { Class::Good };
            }
            Class::Good | Class::Bad => {}
        }
    }
    // A heading whose own shape was not bad, followed by good text, is kept.
    for i in 0..n {
        if shapes.get(i).has(Mark::Heading)
            && revised[i] == Class::Bad
            && shapes.get(i).class != Class::Bad
            && good_follows(i, &revised)
        {
            revised[i] = Class::Good;
        }
    }
    // A line ending with a colon right after good text introduces a list: the short lines
    // that follow belong to the article however many they are.
    let mut listed_until = 0; // Lines before this are already in a list: no rescan.
    for i in 0..n {
        let follows_good = i > 0 && revised[i - 1] == Class::Good;
        if !shapes.get(i).has(Mark::Colon) || !(revised[i] == Class::Good || follows_good) {
            continue;
        }
        revised[i] = Class::Good;
        let mut j = listed_until.max(i + 1);
        while j < n && class[j] == Class::Short {
            revised[j] = Class::Good;
            j += 1;
        }
        listed_until = j;
    }
    // A line after one ending with a comma or semicolon continues its sentence (a list written
    // across lines): it shares the kept line's fate, and so does the rest of the sentence.
    for i in 1..n {
        if class[i] == Class::Short && revised[i - 1] == Class::Good && shapes.get(i - 1).has(Mark::Continues)
        {
            revised[i] = Class::Good;
        }
    }
    (0..n)
        .map(|i| match revised[i] {
            Class::Good => Judged::Good,
            _ => Judged::Bad(match shapes.get(i).class {
                Class::Short => Heuristic::ShortInBoilerplate,
                Class::NearGood => Heuristic::NearBoilerplate,
                _ => shapes.get(i).why,
            }),
        })
        .collect()
}

/// The nearest lines before and after a line that are good or bad (skipping short lines and,
/// if asked, near-good ones), or `None` at the document's edge; looking back stops at a
/// barrier (see [`revise`]). Asked for lines in increasing order, it walks the document once
/// with two cursors, so long runs of short lines (a huge menu, a list) cost linear time and
/// no table per line.
struct NearestStops<'a> {
    class: &'a [Class],
    barriers: &'a [bool],
    skip_near_good: bool,
    /// Lines before `scanned` have been looked at for `last`.
    scanned: usize,
    /// The last stop before `scanned`, unless a barrier came after it.
    last: Option<usize>,
    /// The first stop after the line last asked about (or the document's length).
    next: usize,
}

impl<'a> NearestStops<'a> {
    fn new(class: &'a [Class], barriers: &'a [bool], skip_near_good: bool) -> Self {
        NearestStops { class, barriers, skip_near_good, scanned: 0, last: None, next: 0 }
    }

    fn stops_at(&self, j: usize) -> bool {
        let c = self.class[j];
        !(c == Class::Short || (self.skip_near_good && c == Class::NearGood))
    }

    /// `[before, after]` for line `i`, which is no lower than any line asked about before.
    fn around(&mut self, i: usize) -> [Option<usize>; 2] {
        while self.scanned < i {
            let j = self.scanned;
            if self.barriers[j] {
                self.last = None;
            }
            if self.stops_at(j) {
                self.last = Some(j);
            }
            self.scanned += 1;
        }
        let before = if self.barriers[i] { None } else { self.last };
        self.next = self.next.max(i + 1);
        while self.next < self.class.len() && !self.stops_at(self.next) {
            self.next += 1;
        }
        [before, (self.next < self.class.len()).then_some(self.next)]
    }
}

/// Which lines lie in the article's main stretch. Prose lines (good on their own shape) joined
/// across gaps of at most `max_gap_lines` other lines form stretches; the first stretch with
/// `min_main_chars` of prose (else the largest) is the article, together with the good short
/// lines right before and after it (headline, byline, closing line). Short lines kept by
/// context do not join stretches: a comment section is full of them.
fn main_stretches(
    judged: &[Judged],
    shapes: &RoundShapes,
    boundaries: &[bool],
    dropped_before: &[u8],
    cfg: &HeuristicsConfig,
) -> Vec<bool> {
    let is_prose =
        |k: usize| judged[k] == Judged::Good && matches!(shapes.get(k).class, Class::Good | Class::NearGood);
    let mut stretches: Vec<(usize, usize, usize)> = Vec::new(); // (first, last, prose chars)
                                                                // Lines since the last prose line, and how many of them are clear boilerplate (dropped by a
                                                                // rule, or bad by their own shape). A gap of nothing but short lines is a list inside the
                                                                // article, however long.
    let (mut gap, mut strong, mut nav) = (0, 0, 0);
    for k in 0..judged.len() {
        strong += dropped_before[k] as usize;
        if !is_prose(k) {
            gap += 1;
            strong += usize::from(shapes.get(k).class == Class::Bad);
            nav += usize::from(shapes.get(k).has(Mark::NavLike) && judged[k] != Judged::Good);
            continue;
        }
        // A long run of menu-like lines is navigation even when no rule named it.
        // A list inside an article rarely runs past three times the gap limit; a block of
        // teaser headlines often does.
        let gap_is_weak = (gap <= cfg.max_gap_lines && strong < 3)
            || (strong == 0 && nav <= cfg.max_gap_lines && gap <= 3 * cfg.max_gap_lines);
        let crosses_boundary =
            stretches.last().is_some_and(|last| boundaries[last.1 + 1..=k].iter().any(|b| *b));
        match stretches.last_mut() {
            Some(last) if gap_is_weak && !crosses_boundary => {
                last.1 = k;
                last.2 += shapes.get(k).chars as usize;
            }
            _ => stretches.push((k, k, shapes.get(k).chars as usize)),
        }
        (gap, strong, nav) = (0, 0, 0);
    }
    let main =
        stretches.iter().find(|s| s.2 >= cfg.min_main_chars).or_else(|| stretches.iter().max_by_key(|s| s.2));
    let mut keep = vec![false; judged.len()];
    // Smaller stretches just before the article (an intro, a standfirst) belong to it.
    let main = main.map(|&(first, last, chars)| {
        let start = first;
        let mut first = first;
        for s in stretches.iter().rev().filter(|s| s.1 < start) {
            if first - s.1 > 2 * cfg.max_gap_lines {
                break;
            }
            first = s.0;
        }
        (first, last, chars)
    });
    // Later stretches of substantial prose continue the article (it was interrupted by an ad
    // block or an inline teaser), until a comment section starts.
    let main_end = main.map(|(_, last, _)| last);
    if let Some(main_end) = main_end {
        // Comment boundaries are few: "is there one between" is a binary search in their list,
        // however many short stretches follow the article.
        let boundary_lines: Vec<usize> = (0..boundaries.len()).filter(|&k| boundaries[k]).collect();
        let boundaries_through = |k: usize| boundary_lines.partition_point(|&b| b <= k);
        let mut previous_end = main_end;
        for &(first, last, chars) in stretches.iter().filter(|s| s.0 > main_end) {
            if boundaries_through(first) > boundaries_through(previous_end) {
                break;
            }
            if chars >= 3 * cfg.min_main_chars {
                keep[first..=last].iter_mut().for_each(|k| *k = true);
                previous_end = last;
            }
        }
    }
    if let Some((mut first, mut last, _)) = main {
        // Headline and byline before, a closing short line after: short lines kept by context,
        // never prose of another stretch, never across a comment marker.
        let short_good = |k: usize| judged[k] == Judged::Good && !is_prose(k);
        while first > 0 && short_good(first - 1) && !boundaries[first] {
            first -= 1;
        }
        while last + 1 < judged.len() && short_good(last + 1) && !boundaries[last + 1] {
            last += 1;
        }
        keep[first..=last].iter_mut().for_each(|k| *k = true);
    }
    keep
}

/// How many blocks after a teaser marker may hold its teaser.
const TEASER_BLOCKS: usize = 2;
/// A teaser candidate shares less than this share of its content words with the article.
const TEASER_MAX_SHARED: f64 = 0.2;
/// Candidates with fewer content words are not judged.
const TEASER_MIN_WORDS: usize = 4;

/// For each kept line, whether it is an unrelated teaser: in the block of a teaser marker or in
/// the [`TEASER_BLOCKS`] blocks after it, with less than [`TEASER_MAX_SHARED`] of its content
/// words (not stopwords, three letters or more) found in the rest of the kept text. A repeated
/// headline is a weaker marker than a teaser rule (galleries repeat captions inside articles):
/// next to one, only headlines can be teasers, never a finished sentence of prose.
fn unrelated_teasers(
    rules: &JudgementRules<'_>,
    doc: &Document,
    folded: &fold::FoldedLines,
    verdicts: &[Verdict],
    alive: &[u32],
    shapes: &RoundShapes,
    stopwords: Option<&language::Stopwords>,
) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq, PartialOrd)]
    enum Near {
        Nothing,
        Repeat,
        Teaser,
    }
    let marker = |line: usize| match &verdicts[line] {
        Verdict::Drop(reason) => {
            let role = rules.role(reason.rule);
            if role.teaser_marker {
                Near::Teaser
            } else if role.repeat {
                Near::Repeat
            } else {
                Near::Nothing
            }
        }
        Verdict::Keep(_) => Near::Nothing,
    };
    // Blocks within reach of a marker, flagged in one pass: pages (and concatenations of
    // pages) can hold thousands of markers.
    let mut near = vec![Near::Nothing; doc.blocks().len()];
    let mut any = false;
    for line in 0..doc.len() {
        let kind = marker(line);
        if kind == Near::Nothing {
            continue;
        }
        any = true;
        let m = doc.lines()[line].block();
        let end = (m + TEASER_BLOCKS).min(near.len() - 1);
        for b in &mut near[m..=end] {
            if kind > *b {
                *b = kind;
            }
        }
    }
    let mut candidate = vec![false; alive.len()];
    if !any {
        return candidate;
    }
    for (k, line) in lines_of(alive).enumerate() {
        candidate[k] = near[doc.lines()[line].block()] != Near::Nothing;
    }
    // Prose next to a repeated line only is never judged a teaser.
    let protected = |k: usize| {
        near[doc.lines()[alive[k] as usize].block()] == Near::Repeat && shapes.get(k).has(Mark::Sentence)
    };
    let content_words = |line: usize| -> std::collections::HashSet<String> {
        let mut scratch = String::new();
        language::words(folded.folded_line(doc, line, &mut scratch))
            .filter(|w| w.chars().count() >= 3 && w.chars().all(char::is_alphabetic))
            .filter(|w| !stopwords.is_some_and(|sw| sw.contains(w)))
            .map(str::to_string)
            .collect()
    };
    let article: std::collections::HashSet<String> = lines_of(alive)
        .enumerate()
        .filter(|(k, _)| !candidate[*k])
        .flat_map(|(_, line)| content_words(line))
        .collect();
    if article.is_empty() {
        return vec![false; alive.len()];
    }
    lines_of(alive)
        .enumerate()
        .map(|(k, line)| {
            if !candidate[k] || protected(k) {
                return false;
            }
            let words = content_words(line);
            if words.len() < TEASER_MIN_WORDS {
                return false;
            }
            let shared = words.iter().filter(|w| article.contains(w.as_str())).count();
            (shared as f64) < TEASER_MAX_SHARED * words.len() as f64
        })
        .collect()
}

/// For each kept line, the dropped lines right before it (since the previous kept line).
fn gaps(alive: &[u32]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let start = |k: usize| if k == 0 { 0 } else { alive[k - 1] as usize + 1 };
    lines_of(alive).enumerate().map(move |(k, line)| start(k)..line)
}

/// The kept lines as indices.
fn lines_of(alive: &[u32]) -> impl Iterator<Item = usize> + Clone + '_ {
    alive.iter().map(|&line| line as usize)
}

/// For each kept line, how many lines dropped by rules as chrome stand right before it (not by
/// an earlier round of heuristics). Repeated lines and teaser boxes do not count: both stand
/// inside articles too (a gallery's captions, a "Related" box between two paragraphs).
/// Saturates at `u8::MAX`: only small counts matter (see `main_stretches`), and a byte per kept
/// line is a quarter of a `u32`'s memory on a huge document.
fn dropped_before(rules: &JudgementRules<'_>, verdicts: &[Verdict], alive: &[u32]) -> Vec<u8> {
    let is_chrome = |line: usize| match &verdicts[line] {
        Verdict::Drop(r) => {
            let role = rules.role(r.rule);
            r.cause != DropCause::Heuristic && !role.repeat && !role.teaser_marker
        }
        Verdict::Keep(_) => false,
    };
    gaps(alive).map(|gap| gap.filter(|&l| is_chrome(l)).take(u8::MAX.into()).count() as u8).collect()
}

/// For each kept line, whether a line dropped by a rule of the role `has` picks stands right
/// before it: a comment boundary (comments follow the article, so a stretch never continues
/// across one) or a teaser marker ("Related": what follows lists other articles).
fn marked_by(
    has: impl Fn(DropRole) -> bool,
    rules: &JudgementRules<'_>,
    verdicts: &[Verdict],
    alive: &[u32],
) -> Vec<bool> {
    let is_marker = |line: usize| match &verdicts[line] {
        Verdict::Drop(reason) => has(rules.role(reason.rule)),
        Verdict::Keep(_) => false,
    };
    gaps(alive).map(|mut gap| gap.any(is_marker)).collect()
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
            latin: letters.iter().filter(|&&c| language::script_of(c) == Some(Script::Latin)).count(),
            cyrillic: letters.iter().filter(|&&c| language::script_of(c) == Some(Script::Cyrillic)).count(),
            tokens: tokens.len(),
            separators: tokens.iter().filter(|t| t.chars().all(is_separator)).count(),
            capitalised: tokens.iter().filter(|t| t.chars().next().is_some_and(char::is_uppercase)).count(),
        }
    }

    #[test]
    fn shapes_stay_small() {
        // One per line of a document, in the cache a round reads them from: a 200 MB document
        // has 3.6 million lines.
        assert_eq!(std::mem::size_of::<Option<Shape>>(), 8);
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
        fn mixed_counts_match_the_definitions(line in "[ -~\t“”’—«»•·|éÉ市ПоЖ\u{a0}\u{2003}Ⅻ½²؟。]{0,160}") {
            proptest::prop_assert_eq!(CharCounts::of(&line), counts_by_definition(&line));
        }
    }
}
