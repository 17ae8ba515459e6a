//! Where a line stands among the lines and blocks still kept, in constant time (rank bit
//! sets), and whether that is inside a rule's scope.

use crate::rules::Scope;
use crate::segment::Document;

/// Where a line stands among the lines and blocks that are still kept.
#[derive(Debug, Clone, Copy)]
pub(super) struct Position {
    // u32: documents are at most 4 GiB.
    pub(super) lines_before: u32,
    pub(super) lines_after: u32,
    pub(super) blocks_before: u32,
    pub(super) blocks_after: u32,
}

/// Which of a sequence of lines (or blocks) are kept, with the number kept before any of them
/// in constant time: a bit each and a count per 64, where a table of [`Position`]s took 16
/// bytes a line, the largest table of a huge document's decision.
pub(super) struct KeptRank {
    pub(super) bits: Vec<u64>,
    /// Kept before the first item of each word of `bits`.
    pub(super) before_word: Vec<u32>,
    pub(super) total: u32,
}

impl KeptRank {
    pub(super) fn new(kept: impl Iterator<Item = bool>) -> Self {
        let mut rank = KeptRank { bits: Vec::new(), before_word: Vec::new(), total: 0 };
        for (i, kept) in kept.enumerate() {
            if i % 64 == 0 {
                rank.bits.push(0);
                rank.before_word.push(rank.total);
            }
            if kept {
                *rank.bits.last_mut().expect("pushed above") |= 1 << (i % 64);
                rank.total += 1;
            }
        }
        rank
    }

    pub(super) fn get(&self, i: usize) -> bool {
        self.bits[i / 64] >> (i % 64) & 1 == 1
    }

    /// Number kept among the items before `i`.
    pub(super) fn before(&self, i: usize) -> u32 {
        let below = (1u64 << (i % 64)) - 1;
        self.before_word[i / 64] + (self.bits[i / 64] & below).count_ones()
    }

    /// Number kept among the items after `i`.
    pub(super) fn after(&self, i: usize) -> u32 {
        self.total - self.before(i) - u32::from(self.get(i))
    }
}

/// The kept lines and blocks at one moment (see [`Decision::positions`]).
pub(super) struct Positions {
    pub(super) lines: KeptRank,
    pub(super) blocks: KeptRank,
}

impl Positions {
    pub(super) fn of(&self, doc: &Document, line: usize) -> Position {
        let block = doc.lines()[line].block();
        Position {
            lines_before: self.lines.before(line),
            lines_after: self.lines.after(line),
            blocks_before: self.blocks.before(block),
            blocks_after: self.blocks.after(block),
        }
    }
}

pub(super) fn in_scope(scope: &Scope, at: Position) -> bool {
    scope.is_whole_document()
        || scope.first_lines.is_some_and(|n| (at.lines_before as usize) < n)
        || scope.last_lines.is_some_and(|n| (at.lines_after as usize) < n)
        || scope.first_blocks.is_some_and(|n| (at.blocks_before as usize) < n)
        || scope.last_blocks.is_some_and(|n| (at.blocks_after as usize) < n)
}
