//! Rules as data: the model of a rule pack, how packs are read from TOML, and the packs bundled
//! in the binary.
//!
//! A rule says *what* to look for (its [`Matcher`] and [`Guards`]), *where* (its [`Scope`]) and
//! *what to do* ([`Action`]). Packs group rules, may be limited to one site, and can switch
//! categories of rules on or off. The compiled form lives in [`crate::matcher`].

mod bundled;
mod heuristics;
mod parse;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use bundled::{bundled_packs, BUNDLED_PACK_SOURCES};
pub use heuristics::{HeuristicsConfig, HeuristicsSettings};
pub(crate) use parse::closest as closest_name;
pub use parse::{parse_pack, parse_pack_partially, ParsedPack};

use crate::error::{RuleDiagnostic, RuleErrors, SourceLocation};

/// Reads a rule file and, depth first, the files it includes (paths relative to the including
/// file). Returns the packs in load order, the included ones before the file itself.
pub fn load_rule_file(path: &Path) -> Result<Vec<RulePack>, RuleErrors> {
    let mut packs = Vec::new();
    let mut visiting = HashSet::new();
    load_into(path, None, &mut visiting, &mut packs)?;
    Ok(packs)
}

fn load_into(
    path: &Path,
    included_from: Option<&SourceLocation>,
    visiting: &mut HashSet<PathBuf>,
    packs: &mut Vec<RulePack>,
) -> Result<(), RuleErrors> {
    let at = |message: String| {
        let location =
            included_from.cloned().unwrap_or(SourceLocation { file: path.to_path_buf(), line: 1, column: 1 });
        RuleErrors(vec![RuleDiagnostic { location, message }])
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| at(format!("cannot read rule file {}: {e}", path.display())))?;
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if !visiting.insert(canonical.clone()) {
        return Err(at(format!("{} includes itself (an include cycle)", path.display())));
    }
    let parsed = parse_pack(path, &text)?;
    let base = path.parent().unwrap_or(Path::new("."));
    for (include, location) in &parsed.includes {
        load_into(&base.join(include), Some(location), visiting, packs)?;
    }
    visiting.remove(&canonical);
    packs.push(parsed.pack);
    Ok(())
}

/// Contains and regex rules ignore lines longer than this unless the rule sets `max_words`:
/// a phrase inside a long sentence is usually real content ("advertisement" in a news story).
pub const DEFAULT_PHRASE_MAX_WORDS: usize = 25;

/// A named group of rules from one file.
#[derive(Debug, Clone)]
pub struct RulePack {
    /// The pack's name (`[pack] name`); a later pack with the same name replaces an earlier one.
    pub name: String,
    /// What the pack is for.
    pub description: String,
    /// Where it was read from.
    pub origin: PathBuf,
    /// When set, the pack applies only to documents of that site.
    pub site: Option<SiteScope>,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
    /// Categories, packs or rule ids this pack switches on (opt-in rules of other packs).
    pub enable: Vec<String>,
    /// Categories, packs or rule ids this pack switches off.
    pub disable: Vec<String>,
    /// Heuristic thresholds this pack sets (`[heuristics]`); later packs override earlier ones.
    pub heuristics: HeuristicsSettings,
    /// What `rules check` should point out but does not stop the pack from loading (a regex
    /// slower than it needs to be).
    pub warnings: Vec<RuleDiagnostic>,
}

/// Limits a pack to one site.
#[derive(Debug, Clone, Default)]
pub struct SiteScope {
    /// Phrases (case-insensitive) of which one must occur somewhere in the document.
    pub signatures: Vec<String>,
    /// Domains (and their subdomains) of the document's URL, when the input carries one.
    pub domains: Vec<String>,
}

/// One rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique id, by convention `category/what-it-matches`.
    pub id: String,
    /// One sentence for `thresh rules list`.
    pub description: String,
    /// A group users can switch on or off (`ads`, `cookies`, …).
    pub category: String,
    /// What lines it looks for.
    pub matcher: Matcher,
    /// Conditions a matching line must also meet.
    pub guards: Guards,
    /// Where in the document it applies.
    pub scope: Scope,
    /// What happens on a match.
    pub action: Action,
    /// What the lines it drops tell the heuristics (`role = "teaser-marker"`); when not given,
    /// the category's traditional meaning (see [`Role::of_category`]).
    pub role: Option<Role>,
    /// Lines that must and must not match, checked by `thresh rules check`.
    pub examples: Examples,
    /// False for opt-in rules (`enabled = false`), which run only when enabled by name.
    pub enabled: bool,
    /// Where the rule is defined.
    pub location: SourceLocation,
}

/// What a line dropped by a rule tells the heuristics besides that it is chrome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// `teaser-marker`: what follows lists other articles ("Related", "Read more"); nearby
    /// lines whose words the article does not share are teasers.
    TeaserMarker,
    /// `comment-boundary`: a comment section starts here ("Leave a Reply", "12 Comments"); the
    /// article's main stretch never continues across it.
    CommentBoundary,
    /// `comment-header`: the header of one comment (its author and time), with
    /// `action = "mark"`; where the document has such lines, the judgement takes one after the
    /// article's first paragraph and a first comment as the start of its comments.
    CommentHeader,
    /// `comment-start`: the line that opens the comments ("12 Comments Leave a comment"), with
    /// `action = "mark"`; the judgement takes the first one after the article's first
    /// paragraph as the start of its comments.
    CommentStart,
    /// `none`: nothing beyond the drop (switches off a category's default role).
    None,
}

impl Role {
    /// The name a rule file uses.
    pub fn name(self) -> &'static str {
        match self {
            Role::TeaserMarker => "teaser-marker",
            Role::CommentBoundary => "comment-boundary",
            Role::CommentHeader => "comment-header",
            Role::CommentStart => "comment-start",
            Role::None => "none",
        }
    }

    /// The role a rule file names.
    pub fn from_name(name: &str) -> Option<Role> {
        [Role::TeaserMarker, Role::CommentBoundary, Role::CommentHeader, Role::CommentStart, Role::None]
            .into_iter()
            .find(|r| r.name() == name)
    }

    /// True for the roles of marks (`action = "mark"`): what the judgement reads of lines no
    /// rule drops.
    pub fn reads_marks(self) -> bool {
        matches!(self, Role::CommentHeader | Role::CommentStart)
    }

    /// The role of a rule that names none: the categories `teasers` and `comment-section`
    /// carried these meanings before roles were keys of their own, and user packs rely on it.
    pub fn of_category(category: &str) -> Role {
        match category {
            "teasers" => Role::TeaserMarker,
            "comment-section" => Role::CommentBoundary,
            _ => Role::None,
        }
    }
}

impl Rule {
    /// The problem of this rule when `first`, another pack, already defines its id: how
    /// building a rule set and `rules check` report it alike.
    pub fn duplicate_of(&self, first: &RulePack) -> RuleDiagnostic {
        RuleDiagnostic {
            location: self.location.clone(),
            message: format!(
                "duplicate rule id `{}`: already defined in pack `{}` ({}); pick another id, or name your pack `{}` to replace that pack",
                self.id,
                first.name,
                first.origin.display(),
                first.name
            ),
        }
    }
}

/// What a rule looks for. A line matches when any of the listed patterns matches.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    /// Whole-line phrases: the line, case- and whitespace-folded and stripped of surrounding
    /// punctuation, equals one of them.
    pub lines: Vec<String>,
    /// Phrases found anywhere in the line, case-insensitively, on word boundaries.
    pub contains: Vec<String>,
    /// Regular expressions (Rust `regex` syntax) searched in the line as it is.
    pub regexes: Vec<String>,
}

impl Matcher {
    /// True when no pattern is given (allowed only for `drop-repeat`, where it means every line).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.contains.is_empty() && self.regexes.is_empty()
    }
}

/// Conditions on a matching line; a match that fails one is vetoed and the line is kept.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Guards {
    /// The line has at least this many words.
    pub min_words: Option<usize>,
    /// The line has at most this many words.
    pub max_words: Option<usize>,
    /// At most this share of the line's words are stopwords (0.0–1.0).
    pub max_stopword_ratio: Option<f64>,
    /// For drop-block and drop-window in blocks: a block with more words than this loses only
    /// the matching line, so a heading glued to a real paragraph never takes the paragraph along.
    pub max_block_words: Option<usize>,
    /// The document holds at least this many lines the rule matches (that no other guard
    /// vetoes): a pattern that means chrome only when it repeats, such as a comment's header
    /// (a page's own byline comes once).
    pub min_lines: Option<usize>,
}

/// Where a rule applies; with several bounds a line in any of them is in scope.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scope {
    /// Within the first N lines.
    pub first_lines: Option<usize>,
    /// Within the last N lines.
    pub last_lines: Option<usize>,
    /// Within the first N blocks (paragraphs).
    pub first_blocks: Option<usize>,
    /// Within the last N blocks.
    pub last_blocks: Option<usize>,
}

impl Scope {
    /// True when no bound is set: the whole document.
    pub fn is_whole_document(&self) -> bool {
        *self == Scope::default()
    }
}

/// What a rule does with a matching line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// An exception: the line is kept whatever drop rules say.
    Keep,
    /// Drop the line.
    DropLine,
    /// Drop the block (paragraph) holding the line.
    DropBlock {
        /// Only from the line to the block's end: a heading drops the list under it, never
        /// the text above it in its block (an extractor's output may be one block).
        from_line: bool,
    },
    /// Drop from the line to the end of the document (footers).
    DropToEnd {
        /// Whether the matching line goes too.
        inclusive: bool,
    },
    /// Drop from the start of the document to the line (header chrome); needs a scope.
    DropToStart {
        /// Whether the matching line goes too.
        inclusive: bool,
    },
    /// Drop the line and a window of lines or blocks around it (teasers).
    DropWindow(Window),
    /// Drop the line when it repeats an earlier line (duplicated headlines).
    DropRepeat,
    /// Drop nothing: the lines are evidence the judgement reads by the rule's role (where
    /// comments start: `role = "comment-header"` or `"comment-start"`).
    Mark,
    /// A heuristic of [`crate::heuristics`], listed as a rule so it can be explained and
    /// switched off like one; it has no matcher and cannot be written in a rule file.
    Heuristic,
}

impl Action {
    /// The name used in rule files.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Keep => "keep",
            Action::DropLine => "drop-line",
            Action::DropBlock { .. } => "drop-block",
            Action::DropToEnd { .. } => "drop-to-end",
            Action::DropToStart { .. } => "drop-to-start",
            Action::DropWindow(_) => "drop-window",
            Action::DropRepeat => "drop-repeat",
            Action::Mark => "mark",
            Action::Heuristic => "heuristic",
        }
    }
}

/// The extent of a `drop-window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Units before the marker's unit.
    pub before: usize,
    /// Units after the marker's unit.
    pub after: usize,
    /// Whether the window counts lines or blocks.
    pub unit: Unit,
}

/// Lines or blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unit {
    /// Non-blank lines.
    Lines,
    /// Blocks (paragraphs).
    Blocks,
}

/// Example lines of a rule.
#[derive(Debug, Clone, Default)]
pub struct Examples {
    /// Lines the rule must match.
    pub must_match: Vec<String>,
    /// Lines the rule must not match.
    pub must_not_match: Vec<String>,
}
