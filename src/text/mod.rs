//! Text primitives every stage uses, and a leaf: folding (the case- and space-insensitive form
//! rules match), line keys, word counts, and byte classes eight bytes at a time (SWAR).

pub mod fold;
pub(crate) mod swar;
