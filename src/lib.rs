//! thresh strips site chrome — ad markers, copyright and cookie lines, share and newsletter
//! prompts, teasers for other articles, correction footers — from scraped plain text.
//!
//! The pipeline has one module per stage, each owning one step:
//! [`read`] (path or stdin → bytes) → [`decode`](mod@decode) (bytes → UTF-8) → [`normalize`]
//! (canonical line ends and spaces) → [`segment`] (lines and blocks) → `features` (folded
//! lines) → [`matcher`] (compiled rules → hits) → [`decide`] (hits → a verdict with its reason
//! per line) → [`heuristics`] (the judgement of what no rule names) → [`write`](mod@write) (text
//! or explanation). The [`engine`] alone runs the middle stages and owns their rounds
//! ([`Cleaner`]); the stages share the types of [`types`] and the primitives of [`text`]; rules
//! are data, read by [`rules`]. `docs/architecture.md` draws the whole.
//!
//! ```
//! let rules = thresh::RuleSetBuilder::with_bundled().build().unwrap();
//! let cleaner = thresh::Cleaner::new(rules);
//! let page = "The council met on Monday.\n\nAdvertisement\n\nIt approved the budget.\n";
//! assert_eq!(cleaner.clean(page), "The council met on Monday.\n\nIt approved the budget.\n");
//! ```
#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod batch;
pub mod decide;
pub mod decode;
pub mod engine;
pub mod error;
pub mod eval;
pub(crate) mod features;
pub mod heuristics;
pub mod language;
pub mod learn;
pub mod matcher;
pub mod model;
pub mod normalize;
pub mod read;
pub mod rules;
pub mod segment;
pub mod text;
pub mod train;
pub mod types;
pub mod write;

pub use decode::{decode, decode_owned, DecodeOptions};
pub use engine::{Cleaner, Outcome};
pub use error::{InputError, RuleErrors};
pub use matcher::{DocumentContext, RuleSet, RuleSetBuilder};
