//! Arbitrary text → the bundled rules and heuristics: never panics, keeps a subsequence of the
//! normalised lines, and cleaning the output again changes nothing.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use thresh::{Cleaner, RuleSetBuilder};

fn cleaner() -> &'static Cleaner {
    static CLEANER: OnceLock<Cleaner> = OnceLock::new();
    CLEANER.get_or_init(|| Cleaner::new(RuleSetBuilder::with_bundled().build().unwrap()))
}

fuzz_target!(|text: &str| {
    let cleaner = cleaner();
    let outcome = cleaner.run(text, Default::default());
    assert_eq!(outcome.verdicts.len(), outcome.document.len());
    let once = outcome.text();
    let kept: Vec<&str> = once.lines().filter(|l| !l.is_empty()).collect();
    let mut input = (0..outcome.document.len()).map(|i| outcome.document.line_text(i));
    for line in &kept {
        assert!(input.any(|l| l == *line), "kept line {line:?} is not from the input, in order");
    }
    assert_eq!(cleaner.clean(&once), once, "cleaning is idempotent");
});
