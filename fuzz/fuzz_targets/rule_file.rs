//! Arbitrary rule files: parsing and compiling never panic; errors carry a position; a pack
//! that compiles also runs.
#![no_main]
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use thresh::rules::parse_pack;
use thresh::{Cleaner, RuleSetBuilder};

fuzz_target!(|text: &str| {
    match parse_pack(Path::new("fuzz.toml"), text) {
        Ok(parsed) => {
            let mut builder = RuleSetBuilder::new();
            builder.add_pack(parsed.pack);
            if let Ok(rules) = builder.build() {
                let cleaner = Cleaner::new(rules);
                let _ = cleaner.clean("Advertisement\n\nA paragraph of article text that runs on.\n\nShare this\n");
            }
        }
        Err(errors) => {
            for diagnostic in &errors.0 {
                assert!(diagnostic.to_string().starts_with("fuzz.toml"), "{diagnostic}");
            }
        }
    }
});
