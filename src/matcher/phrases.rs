//! Contains-phrases: every rule's phrases in one aho-corasick automaton over the folded text,
//! hits on word boundaries, and their spans mapped back to the original line.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::text::fold::is_word_char;

/// The contains-phrases of all rules, as one automaton. It starts as a contiguous NFA, quick
/// to build, which is all a page cleaned from stdin needs. Once a run has searched (or is
/// about to search) [`PhraseAutomaton::DFA_AFTER_BYTES`], it builds the DFA, 2-3x faster to
/// search but about 50 M instructions to build: the NFA's extra cost per byte (about 27
/// instructions) adds up to that at 1.8 MB. Both find the same matches. (The kinds are
/// chosen here: left to itself, the builder picks a slower NFA above ~100 patterns.)
#[derive(Debug)]
pub(super) struct PhraseAutomaton {
    pub(super) patterns: Vec<String>,
    pub(super) nfa: AhoCorasick,
    /// `None` if the DFA could not be built (too many states): the NFA serves on.
    pub(super) dfa: OnceLock<Option<AhoCorasick>>,
    pub(super) searched: AtomicUsize,
}

impl PhraseAutomaton {
    /// Folded bytes a run searches with the NFA before it pays to build the DFA.
    pub(super) const DFA_AFTER_BYTES: usize = 2 << 20;

    pub(super) fn new(patterns: Vec<String>) -> Result<Self, aho_corasick::BuildError> {
        let nfa = Self::build(&patterns, AhoCorasickKind::ContiguousNFA)?;
        Ok(PhraseAutomaton { patterns, nfa, dfa: OnceLock::new(), searched: AtomicUsize::new(0) })
    }

    pub(super) fn build(
        patterns: &[String],
        kind: AhoCorasickKind,
    ) -> Result<AhoCorasick, aho_corasick::BuildError> {
        AhoCorasickBuilder::new().match_kind(MatchKind::Standard).kind(Some(kind)).build(patterns)
    }

    /// The automaton to search `bytes` more bytes of text with.
    pub(super) fn for_text(&self, bytes: usize) -> &AhoCorasick {
        if let Some(dfa) = self.dfa.get() {
            return dfa.as_ref().unwrap_or(&self.nfa);
        }
        if self.searched.fetch_add(bytes, Ordering::Relaxed) + bytes < Self::DFA_AFTER_BYTES {
            return &self.nfa;
        }
        let dfa = self.dfa.get_or_init(|| Self::build(&self.patterns, AhoCorasickKind::DFA).ok());
        dfa.as_ref().unwrap_or(&self.nfa)
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
