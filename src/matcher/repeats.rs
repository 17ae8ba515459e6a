//! Repeated lines: for each line, the earlier line with the same key, found by a table of
//! (key hash, first line) with no copy of the keys.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::segment::Document;
use crate::text::fold::line_key;

/// For each line, the earlier line with the same key it repeats, if any: fed the lines in
/// order, it remembers each distinct key by its hash and first line. Keys are compared on the
/// document itself, not copied: a huge document of distinct lines would be held twice.
#[derive(Default)]
pub(super) struct RepeatFinder {
    /// The hash of each distinct key, and the first line with that key.
    pub(super) first_of: HashTable<(u64, u32)>,
    pub(super) repeat_of: Vec<Option<u32>>,
    /// An earlier line folded again, when its key must be compared.
    pub(super) scratch: String,
}

pub(super) fn key_hash(key: &str) -> u64 {
    FxBuildHasher.hash_one(key)
}

impl RepeatFinder {
    /// Makes room for `lines` more lines at once, rather than growing step by step.
    pub(super) fn reserve(&mut self, lines: usize) {
        self.repeat_of.reserve(lines);
        self.first_of.reserve(lines, |&(hash, _)| hash);
    }

    /// Takes the next line of `doc`, by its folded form.
    pub(super) fn add(&mut self, doc: &Document, folded_line: &str) {
        let line = self.repeat_of.len() as u32;
        let key = line_key(folded_line);
        if key.is_empty() {
            self.repeat_of.push(None);
            return;
        }
        let RepeatFinder { first_of, repeat_of, scratch } = self;
        let hash = key_hash(key);
        let same_key = |&(other, first): &(u64, u32)| {
            if other != hash {
                return false;
            }
            // Equal text has equal keys; other text is folded again to compare.
            let earlier = doc.line_text(first as usize);
            earlier == doc.line_text(line as usize) || {
                scratch.clear();
                crate::text::fold::fold_into(earlier, scratch);
                line_key(scratch) == key
            }
        };
        match first_of.find(hash, same_key) {
            Some(&(_, first)) => repeat_of.push(Some(first)),
            None => {
                first_of.insert_unique(hash, (hash, line), |&(hash, _)| hash);
                repeat_of.push(None);
            }
        }
    }
}
