//! Text primitives every stage uses, and a leaf: folding (the case- and space-insensitive form
//! rules match), line keys, word counts, and byte classes of many bytes at once (SSE2, or SWAR).

pub mod fold;
pub(crate) mod simd;
pub(crate) mod swar;
