//! Arbitrary model files (`--model FILE`): reading one never panics and never takes memory
//! out of proportion to it; a model that is accepted cleans and explains a page.
#![no_main]
use libfuzzer_sys::fuzz_target;
use thresh::heuristics::FEATURE_NAMES;
use thresh::model::LineModel;
use thresh::{Cleaner, DocumentContext, RuleSetBuilder};

fuzz_target!(|text: &str| {
    if let Ok(model) = LineModel::parse("fuzz.json", text, FEATURE_NAMES) {
        let cleaner = Cleaner::with_model(RuleSetBuilder::with_bundled().build().unwrap(), Some(model));
        let page = "Home\nNews\n\nA paragraph of article text that runs on for a while, as articles do.\n\nShare this\n";
        let _ = cleaner.clean(page);
        let _ = cleaner.run_explained(page, DocumentContext::default());
    }
});
