//! Properties that hold for every input: thresh only removes lines (never invents or edits
//! them), cleaning a cleaned text changes nothing, and exception rules always win.

use std::sync::OnceLock;

use proptest::prelude::*;
use thresh::rules::parse_pack;
use thresh::{Cleaner, RuleSetBuilder};

fn bundled() -> &'static Cleaner {
    static CLEANER: OnceLock<Cleaner> = OnceLock::new();
    CLEANER.get_or_init(|| Cleaner::new(RuleSetBuilder::with_bundled().build().unwrap()))
}

/// The bundled rules plus a user exception that keeps every line.
fn keep_everything() -> &'static Cleaner {
    static CLEANER: OnceLock<Cleaner> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let keep_all = parse_pack(
            std::path::Path::new("keep.toml"),
            "[[rule]]\nid = \"user/keep-everything\"\nregex = '.'\naction = \"keep\"\nmax_words = 100000\n",
        )
        .unwrap()
        .pack;
        let mut builder = RuleSetBuilder::with_bundled();
        builder.add_pack(keep_all);
        Cleaner::new(builder.build().unwrap())
    })
}

/// Chrome lines taken from the bundled rules' own examples, so generated pages exercise them.
fn chrome_lines() -> Vec<String> {
    let rules = RuleSetBuilder::with_bundled().build().unwrap();
    let mut lines: Vec<String> =
        rules.rules().iter().flat_map(|r| r.rule.examples.must_match.iter().cloned()).collect();
    lines.extend(
        [
            "Other Topics of Interest",
            "Privacy and Cookie Policies.",
            "Related:",
            "Euromaidan Press",
            "Kyiv Post",
        ]
        .map(String::from),
    );
    lines
}

fn sentence() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "the",
        "council",
        "met",
        "on",
        "monday",
        "share",
        "advertisement",
        "related",
        "privacy",
        "policy",
        "cookies",
        "we",
        "use",
        "follow",
        "us",
        "comments",
        "3",
        "©",
        "2024",
        "read",
        "more",
    ]);
    prop::collection::vec(words, 1..30).prop_map(|w| {
        let mut s = w.join(" ");
        if let Some(first) = s.get(..1) {
            s.replace_range(..1, &first.to_uppercase());
        }
        s.push('.');
        s
    })
}

/// A long paragraph of prose (over 200 characters, full of function words), so that the
/// heuristics find an article to anchor on and really run.
fn paragraph() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "the",
        "council",
        "said",
        "that",
        "it",
        "would",
        "build",
        "new",
        "lanes",
        "in",
        "the",
        "city",
        "and",
        "that",
        "residents",
        "were",
        "asked",
        "to",
        "give",
        "their",
        "views",
        "on",
        "the",
        "plan",
        "before",
        "it",
        "was",
        "approved",
        "by",
        "a",
        "vote",
        "of",
        "members",
    ]);
    prop::collection::vec(words, 40..80).prop_map(|w| {
        let mut s = w.join(" ");
        s.replace_range(..1, &s[..1].to_uppercase());
        s.push('.');
        s
    })
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => paragraph(),
        4 => sentence(),
        3 => prop::sample::select(chrome_lines()),
        2 => Just(String::new()),
        1 => prop::sample::select(vec!["Big Storm Hits the Coast Tonight".to_string(), "Markets Rally After Rate Decision".to_string()]),
        1 => "\\PC{0,40}",
    ]
}

fn page() -> impl Strategy<Value = String> {
    (prop::collection::vec(line(), 0..60), prop::bool::ANY)
        .prop_map(|(lines, crlf)| lines.join(if crlf { "\r\n" } else { "\n" }))
}

fn lines_of(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.trim().is_empty()).collect()
}

fn is_subsequence(small: &[&str], big: &[&str]) -> bool {
    let mut big = big.iter();
    small.iter().all(|s| big.any(|b| b == s))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn output_lines_are_a_subsequence_of_the_normalised_input(page in page()) {
        let normalised = thresh::normalize::normalize(&page);
        let cleaned = bundled().clean(&page);
        prop_assert!(is_subsequence(&lines_of(&cleaned), &lines_of(&normalised)), "cleaned:\n{cleaned}\nfrom:\n{normalised}");
    }

    #[test]
    fn cleaning_twice_equals_cleaning_once(page in page()) {
        let once = bundled().clean(&page);
        let twice = bundled().clean(&once);
        prop_assert_eq!(twice, once);
    }

    #[test]
    fn exceptions_always_win(page in page()) {
        prop_assert_eq!(keep_everything().clean(&page), thresh::normalize::normalize(&page));
    }
}
