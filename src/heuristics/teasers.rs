//! Unrelated teasers: next to a teaser marker or a repeated headline, lines whose content
//! words the rest of the article hardly shares are teasers for other stories.

use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashSet};

use super::context::RoundShapes;
use super::shape::Mark;
use super::{lines_of, JudgementRules};
use crate::language;
use crate::segment::Document;
use crate::types::Verdict;

/// How many blocks after a teaser marker may hold its teaser.
pub(super) const TEASER_BLOCKS: usize = 2;
/// A teaser candidate shares less than this share of its content words with the article.
pub(super) const TEASER_MAX_SHARED: f64 = 0.2;
/// Candidates with fewer content words are not judged.
pub(super) const TEASER_MIN_WORDS: usize = 4;

/// For each kept line, whether it is an unrelated teaser: in the block of a teaser marker or in
/// the [`TEASER_BLOCKS`] blocks after it, with less than [`TEASER_MAX_SHARED`] of its content
/// words (not stopwords, three letters or more) found in the rest of the kept text. A repeated
/// headline is a weaker marker than a teaser rule (galleries repeat captions inside articles):
/// next to one, only headlines can be teasers, never a finished sentence of prose.
pub(super) fn unrelated_teasers(
    rules: &JudgementRules<'_>,
    doc: &Document,
    folded: &crate::features::FoldedLines,
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
    // Words as 64-bit hashes: the article's set holds every content word of the page, built
    // in each round a teaser marker stands in; a hash is neither allocated nor SipHashed.
    let content_words = |line: usize| -> FxHashSet<u64> {
        let mut scratch = String::new();
        language::words(folded.folded_line(doc, line, &mut scratch))
            .filter(|w| w.chars().count() >= 3 && w.chars().all(char::is_alphabetic))
            .filter(|w| !stopwords.is_some_and(|sw| sw.contains(w)))
            .map(|w| FxBuildHasher.hash_one(w))
            .collect()
    };
    let article: FxHashSet<u64> = lines_of(alive)
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
            let shared = words.iter().filter(|w| article.contains(w)).count();
            (shared as f64) < TEASER_MAX_SHARED * words.len() as f64
        })
        .collect()
}
