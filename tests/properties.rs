//! Properties that hold for every input: thresh only removes lines (never invents or edits
//! them), cleaning a cleaned text changes nothing, exception rules always win, `--shard`
//! slices partition the inputs, and JSONL bytes outside the text field never change.

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

/// A raw JSON value as a producer might write it: odd spacing, escapes, nesting.
fn raw_json_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("1".to_string()),
        Just("-0.50e+3".to_string()),
        Just("null".to_string()),
        Just("true".to_string()),
        Just("\"caf\\u00e9 \\/ \\\"q\\\" \\ud83d\\ude00\"".to_string()),
        Just("{ \"a\" :[1 , 2.0,{}],\"b\":\"\" }".to_string()),
        Just("[ ]".to_string()),
        "[a-z ]{0,12}".prop_map(|s| format!("\"{s}\"")),
        (0u64..u64::MAX).prop_map(|n| n.to_string()),
    ]
}

fn field_name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["id", "url", "meta", "title", "date", "lang", "x\\u0074"])
        .prop_map(String::from)
}

/// A JSONL record as (text before the text value, the text, text after it).
fn record() -> impl Strategy<Value = (String, String, String)> {
    let fields = || {
        prop::collection::vec(
            (field_name(), raw_json_value(), prop::sample::select(vec!["", " ", "  "])),
            0..4,
        )
    };
    (fields(), page(), fields()).prop_map(|(before, text, after)| {
        let mut prefix = String::from("{");
        for (i, (name, value, space)) in before.iter().enumerate() {
            prefix.push_str(&format!("{}\"{name}\"{space}:{space}{value},", if i == 0 { "" } else { space }));
        }
        prefix.push_str("\"text\": ");
        let suffix: String = after
            .iter()
            .map(|(name, value, space)| format!(",{space}\"{name}\":{value}"))
            .chain(std::iter::once("}".to_string()))
            .collect();
        (prefix, text, suffix)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn jsonl_bytes_outside_the_text_field_are_identical(records in prop::collection::vec(record(), 1..6)) {
        use std::sync::atomic::AtomicBool;
        use thresh::batch::{Batch, BatchOptions, Silent};
        let mut shard = String::new();
        for (prefix, text, suffix) in &records {
            shard.push_str(&format!("{prefix}{}{suffix}\n", serde_json::to_string(text).unwrap()));
        }
        let options = BatchOptions::default();
        let cancel = AtomicBool::new(false);
        let batch = Batch::new(bundled(), &options, &Silent, &cancel);
        let mut out = Vec::new();
        let input = Box::new(std::io::Cursor::new(shard.clone().into_bytes()));
        batch.run_stream("shard.jsonl", thresh::read::plan::Format::Jsonl, input, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        prop_assert_eq!(lines.len(), records.len());
        for ((prefix, text, suffix), line) in records.iter().zip(lines) {
            prop_assert!(line.starts_with(prefix.as_str()) && line.ends_with(suffix.as_str()), "{line}\nfrom\n{shard}");
            let value = &line[prefix.len()..line.len() - suffix.len()];
            let cleaned: String = serde_json::from_str(value).unwrap();
            let expected = bundled().clean(text);
            // A record's text keeps a final newline only if it had one.
            prop_assert_eq!(cleaned.trim_end_matches('\n'), expected.trim_end_matches('\n'));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn shard_slices_partition_the_inputs(
        names in prop::collection::btree_set("[a-c]{1,2}(/[a-c]{1,2})?\\.(txt|jsonl)", 0..25),
        count in 1usize..7,
    ) {
        use thresh::read::plan::{plan, select_shard, Shard, WalkOptions};
        let dir = tempfile::tempdir().unwrap();
        for name in &names {
            let path = dir.path().join(name);
            if std::fs::create_dir_all(path.parent().unwrap()).is_err() || path.is_dir() {
                continue; // "a" as a file and as a directory: keep the first.
            }
            let _ = std::fs::write(&path, "text\n");
        }
        let inputs = vec![dir.path().to_path_buf()];
        let all: Vec<_> = plan(&inputs, &WalkOptions::default()).unwrap().jobs.into_iter().map(|j| j.input).collect();
        let mut seen: Vec<_> = (0..count)
            .flat_map(|index| select_shard(plan(&inputs, &WalkOptions::default()).unwrap().jobs, Shard { index, count }))
            .map(|j| j.input)
            .collect();
        // Every file is in exactly one slice.
        prop_assert_eq!(seen.len(), all.len());
        seen.sort();
        let mut expected = all.clone();
        expected.sort();
        prop_assert_eq!(seen, expected);
    }
}

#[test]
fn inputs_the_fuzzers_found_stay_fixed() {
    // Each file once broke a property the fuzz targets check (see fuzz/).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/regressions");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let once = bundled().clean(&text);
        assert_eq!(bundled().clean(&once), once, "{} is not idempotent", path.display());
        let normalised = thresh::normalize::normalize(&text);
        assert!(is_subsequence(&lines_of(&once), &lines_of(&normalised)), "{}", path.display());
        checked += 1;
    }
    assert!(checked > 0);
}
