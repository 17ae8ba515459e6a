//! Rule regexes: those that depend on where a line starts or ends, in one `RegexSet` per
//! group asked of each line; those that do not, searched over the whole document at once; and
//! each rule's own regex, compiled on first use: to ask a line a scanned match touched, or to
//! find the span `explain` shows.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

/// Some of the rule regexes: those tried on every line, or those of repeat rules.
#[derive(Debug)]
pub(super) struct RegexGroup {
    /// The regexes that depend on where a line starts or ends (`^`, `$`), compiled into one
    /// set that each line is asked of.
    pub(super) set: RegexSet,
    /// For each pattern of `set`, its index in [`RuleSet::regexes`].
    pub(super) patterns: Vec<usize>,
    /// The regexes that do not (indices in [`RuleSet::regexes`]): each is searched over the
    /// whole document at once, where its literal prefilter skips most of the text, and only
    /// the lines its matches touch are asked. In a set, they made it read every byte of
    /// every line.
    pub(super) scanned: Vec<usize>,
}

impl RegexGroup {
    pub(super) fn new(all: &[String], patterns: Vec<usize>) -> Result<Self, regex::Error> {
        let (scanned, patterns): (Vec<usize>, Vec<usize>) =
            patterns.into_iter().partition(|&p| scans_the_document(&all[p]));
        let set = RegexSetBuilder::new(patterns.iter().map(|&p| &all[p]))
            .size_limit(REGEX_SET_SIZE_LIMIT)
            .build()?;
        Ok(RegexGroup { set, patterns, scanned })
    }

    pub(super) fn is_empty(&self) -> bool {
        self.patterns.is_empty() && self.scanned.is_empty()
    }
}

/// True when `pattern` is searched over the whole document (see [`RegexGroup::scanned`]):
/// it matches a line the same wherever the line sits in a document, having no anchor (`^`,
/// `$`, `\A`, `\z`; word boundaries qualify, as a line is framed by `\n`, no word
/// character), and it cannot match the empty string, which it would at every byte of the
/// document.
pub(super) fn scans_the_document(pattern: &str) -> bool {
    // A pattern that does not parse stays in the set, whose build reports it.
    regex_syntax::Parser::new().parse(pattern).is_ok_and(|hir| {
        let properties = hir.properties();
        !properties.look_set().contains_anchor() && properties.minimum_len().is_some_and(|len| len > 0)
    })
}

/// A rule regex on its own, to find the span a set says it matched. It is compiled on first
/// use: most rule regexes match no line of a run, and compiling them all up front was a third
/// of the instructions of `thresh clean < page.txt`.
#[derive(Debug)]
pub(super) struct LazyRegex {
    pub(super) pattern: String,
    pub(super) compiled: OnceLock<Regex>,
}

impl LazyRegex {
    pub(super) fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            compile_alone(&self.pattern).expect("a regex compiles alone when its set compiled")
        })
    }
}

/// A rule regex compiled on its own, with the same syntax and size limit as its set: a
/// pattern that compiled among others compiles alone.
pub(super) fn compile_alone(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern).size_limit(REGEX_SET_SIZE_LIMIT).build()
}

/// Size limit of a compiled [`RegexGroup`] (and of a rule's regex compiled alone, see
/// [`LazyRegex`]); a rule file's regexes are each held to a smaller one when it is read.
pub(super) const REGEX_SET_SIZE_LIMIT: usize = 64 << 20;
