//! The types every stage shares: rule and line indices, hits, verdicts and their reasons, and
//! the ids of the heuristics. A leaf: it imports no other module of the crate, so that stages
//! can exchange these without importing each other's logic.
//!
//! Rule and line indices in hits and verdicts are `u32`: a document is at most 4 GiB
//! (`segment::MAX_DOCUMENT_BYTES`), and on a huge document the tables of hits and verdicts are
//! the largest things held after the text itself.

use std::ops::Range;

/// Index of a rule in a compiled rule set (`matcher::RuleSet`).
pub type RuleIndex = u32;

/// Why a match did not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Veto {
    /// The line has fewer words than `min_words`.
    MinWords,
    /// The line has more words than `max_words` (or the default for phrases).
    MaxWords,
    /// The line has more stopwords than `max_stopword_ratio` allows.
    StopwordRatio,
    /// The line lies outside the rule's scope (decided in [`crate::decide`]).
    Scope,
    /// The document has fewer lines the rule matches than its `min_lines`.
    MinLines,
}

impl Veto {
    /// The guard's id as `explain` shows it.
    pub fn id(&self) -> &'static str {
        match self {
            Veto::MinWords => "guard/min-words",
            Veto::MaxWords => "guard/max-words",
            Veto::StopwordRatio => "guard/stopword-ratio",
            Veto::Scope => "guard/scope",
            Veto::MinLines => "guard/min-lines",
        }
    }
}

/// How a rule matched a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Evidence {
    /// The whole line equals a phrase.
    WholeLine,
    /// Regex `index` of the rule set matched the line. Where it matched is found only when
    /// the span is shown (`explain`: `RuleSet::regex_span`): the regex sets say which regexes
    /// matched, so a corpus run never compiles a rule's regex on its own.
    Regex {
        /// The regex, among all rules' regexes of the set.
        index: u32,
    },
    /// A contains-phrase matched this byte span of the line's *folded* form. Mapping it back
    /// to the line takes a folding of the line with offsets, so it is done only when the span
    /// is shown (`explain`: `text::fold::unfold_span`), not for every hit of a corpus run.
    FoldedSpan(Span),
    /// The line repeats line `first` (0-based).
    Repeat {
        /// The earlier line it repeats.
        first: u32,
    },
}

/// A byte span of a line, held in `u32`s (see [`RuleIndex`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// The span as a range for slicing the line.
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Self {
        // Lines lie within a document, and documents within u32 offsets.
        Span { start: range.start as u32, end: range.end as u32 }
    }
}

/// One rule matching one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The rule.
    pub rule: RuleIndex,
    /// 0-based line index in the document.
    pub line: u32,
    /// What matched.
    pub evidence: Evidence,
    /// Set when a guard or the scope vetoed the hit.
    pub veto: Option<Veto>,
}

/// The verdict on one line. Keep or drop, and nothing else ever: unlike the other public
/// enums, not `#[non_exhaustive]`, so that a match on it needs no arm for the impossible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The line stays.
    Keep(KeepReason),
    /// The line goes.
    Drop(DropReason),
}

impl Verdict {
    /// True for [`Verdict::Keep`].
    pub fn is_keep(&self) -> bool {
        matches!(self, Verdict::Keep(_))
    }
}

/// Number of lines `verdicts` drop.
pub fn dropped(verdicts: &[Verdict]) -> usize {
    verdicts.iter().filter(|v| !v.is_keep()).count()
}

/// Why a line stays.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeepReason {
    /// No rule matched it.
    NoMatch,
    /// An exception (`keep`) rule matched it.
    Exception {
        /// The keep rule.
        rule: RuleIndex,
        /// What it matched.
        evidence: Evidence,
    },
    /// A drop rule matched, but a guard or the scope vetoed it.
    Vetoed {
        /// The drop rule.
        rule: RuleIndex,
        /// The guard that said no.
        veto: Veto,
    },
}

/// Why a line goes: the rule and how the line was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropReason {
    /// The rule that dropped it.
    pub rule: RuleIndex,
    /// How.
    pub cause: DropCause,
}

/// How a drop rule reached a line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DropCause {
    /// The rule matched this line.
    Matched(Evidence),
    /// The line shares a block with the marker line.
    InBlock {
        /// 0-based marker line.
        marker: u32,
    },
    /// The line lies in a window around the marker line.
    InWindow {
        /// 0-based marker line.
        marker: u32,
    },
    /// The line lies after a footer marker.
    AfterMarker {
        /// 0-based marker line.
        marker: u32,
    },
    /// The line lies before a header marker.
    BeforeMarker {
        /// 0-based marker line.
        marker: u32,
    },
    /// A heuristic judged the line to be boilerplate (see [`crate::heuristics`]).
    Heuristic,
}

/// The heuristics of the judgement, each listed as a rule (pack `heuristics`) so that it can be
/// explained and switched off like one. Declared here once: the rule set lists them, the
/// judgement names them, `explain` shows their ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Heuristic {
    /// A line of some length with few function words.
    NotProse,
    /// Title-case words between separators.
    MenuLine,
    /// Mostly digits and symbols.
    Counter,
    /// A long lower-case string without punctuation or function words.
    KeywordStuffed,
    /// A short line whose nearest judged neighbours are boilerplate.
    ShortInBoilerplate,
    /// A borderline line between two pieces of boilerplate.
    NearBoilerplate,
    /// Prose cut off from the article by boilerplate.
    OutsideMainText,
    /// Next to a teaser marker or repeated headline, a line the article does not share words with.
    UnrelatedTeaser,
    /// The line model finds the line unlike article text where the rounds above kept it.
    LineModel,
    /// Outside the article, a short line the line model alone keeps among menu or footer
    /// items it drops.
    FooterIsland,
    /// From where the rules' marks say the comments start (a `comment-start` line, or a
    /// `comment-header` line after a first comment) after the article's first paragraph,
    /// what the line model keeps.
    CommentThread,
}

impl Heuristic {
    /// Every heuristic, in the order `thresh rules list` shows them.
    pub const ALL: [Heuristic; 11] = [
        Heuristic::NotProse,
        Heuristic::MenuLine,
        Heuristic::Counter,
        Heuristic::KeywordStuffed,
        Heuristic::ShortInBoilerplate,
        Heuristic::NearBoilerplate,
        Heuristic::OutsideMainText,
        Heuristic::UnrelatedTeaser,
        Heuristic::LineModel,
        Heuristic::FooterIsland,
        Heuristic::CommentThread,
    ];

    /// The rule id, as `thresh rules list` and `explain` show it.
    pub const fn id(self) -> &'static str {
        match self {
            Heuristic::NotProse => "heuristics/not-prose",
            Heuristic::MenuLine => "heuristics/menu-line",
            Heuristic::Counter => "heuristics/counter",
            Heuristic::KeywordStuffed => "heuristics/keyword-stuffed",
            Heuristic::ShortInBoilerplate => "heuristics/short-in-boilerplate",
            Heuristic::NearBoilerplate => "heuristics/near-boilerplate",
            Heuristic::OutsideMainText => "heuristics/outside-main-text",
            Heuristic::UnrelatedTeaser => "heuristics/unrelated-teaser",
            Heuristic::LineModel => "heuristics/line-model",
            Heuristic::FooterIsland => "heuristics/footer-island",
            Heuristic::CommentThread => "heuristics/comment-thread",
        }
    }

    /// What it removes, as `thresh rules list` shows it.
    pub const fn description(self) -> &'static str {
        match self {
            Heuristic::NotProse => "A line of some length with few function words: link lists, names, labels",
            Heuristic::MenuLine => "Title-case words between separators: Home | News | Sport",
            Heuristic::Counter => "Mostly digits and symbols: dates, counters like '3 comments', prices",
            Heuristic::KeywordStuffed => {
                "A long lower-case string without punctuation or function words: alt text"
            }
            Heuristic::ShortInBoilerplate => {
                "A short line whose nearest judged neighbours are boilerplate: navigation runs"
            }
            Heuristic::NearBoilerplate => "A borderline line between two pieces of boilerplate",
            Heuristic::OutsideMainText => {
                "Prose cut off from the article by boilerplate: comments, teasers, footers"
            }
            Heuristic::UnrelatedTeaser => {
                "Next to a teaser marker or repeated headline, a line whose words the article does not share"
            }
            Heuristic::LineModel => {
                "The trained line model: its shape, neighbours and place read as boilerplate (off: the rounds alone decide)"
            }
            Heuristic::FooterIsland => {
                "Outside the article, a short line the line model alone keeps between two menu or footer items it drops"
            }
            Heuristic::CommentThread => {
                "From where the comments start after the article's first paragraph (the rules' comment-header and comment-start marks), what the line model keeps"
            }
        }
    }

    /// Position in [`Heuristic::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// What a line dropped by a rule tells the judgement besides that it is chrome, resolved once
/// per rule set from each rule's role and action (the judgement never looks rules up).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DropRole {
    /// What follows lists other articles ("Related"): nearby lines may be teasers.
    pub teaser_marker: bool,
    /// A comment section starts here: the article does not continue across it.
    pub comment_boundary: bool,
    /// The rule drops repeated lines (a repeated headline): a weak teaser marker, and no sign
    /// of chrome around it (galleries repeat captions inside articles).
    pub repeat: bool,
    /// The rule drops nothing but marks the headers of comments (`action = "mark"`): the
    /// judgement reads them (`heuristics/comment-thread`).
    pub comment_header: bool,
    /// The rule drops nothing but marks where comments start ("12 Comments Leave a comment").
    pub comment_start: bool,
}

/// The bounds on the repeated work for one document, owned by the engine (see
/// `crate::engine`): every phase, round and sweep is linear in the document, and these make
/// the whole of it so. Real pages need far less (measured on the 4,280 benchmark documents
/// with the rounds alone: at most 3 phases, 3 dropping rounds in a phase, 2 sweeps; see
/// `docs/architecture.md`), so the bounds only stop a pathological document from taking long.
/// The line model's drops cascade further (a dropped line changes its neighbours' rows): on
/// the dev page and article views and the snippet pages (3,010 documents, 3,315 phases), 96%
/// of phases settle within 4 rounds, 18 need more than 8 and one 32; a document that meets
/// the bound may change when cleaned again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundBudget {
    /// Phases: the judgement settles, then the rules' scopes are settled among what it kept.
    pub phases: usize,
    /// Judgement rounds in one phase (a round that judges again in another language counts).
    pub rounds_per_phase: usize,
    /// Forward-and-backward sweeps of the scoped rules each time scopes are settled.
    pub sweeps: usize,
}

impl RoundBudget {
    /// The budget thresh runs with.
    pub const DEFAULT: RoundBudget = RoundBudget { phases: 8, rounds_per_phase: 32, sweeps: 16 };
}
