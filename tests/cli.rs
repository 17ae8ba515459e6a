//! End-to-end tests of the `thresh` binary: stdin/stdout, exit codes, error messages, encodings,
//! rule files and a closed pipe.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn thresh() -> Command {
    Command::new(env!("CARGO_BIN_EXE_thresh"))
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = thresh()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn thresh");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

const PAGE: &str = "Skip to content\n\nThe council met on Monday.\n\nAdvertisement\n\nIt approved the budget.\n\nShare this article\n";
const CLEAN: &str = "The council met on Monday.\n\nIt approved the budget.\n";

#[test]
fn cleans_stdin_to_stdout() {
    let out = run(&["clean"], PAGE.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), CLEAN);
    assert_eq!(stderr(&out), "");
}

#[test]
fn dash_means_stdin() {
    let out = run(&["clean", "-"], PAGE.as_bytes());
    assert_eq!(stdout(&out), CLEAN);
}

#[test]
fn cleans_a_seed_file_as_specified() {
    let input = fixture("seeds/000.in.txt");
    let out = run(&["clean", input.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0));
    let expected = std::fs::read_to_string(fixture("seeds/000.out.txt")).unwrap();
    assert_eq!(stdout(&out), expected);
    assert!(!stdout(&out).contains("Advertisement"));
    assert!(stdout(&out).contains("How the battle unfolded"));
}

#[test]
fn a_missing_file_fails_with_its_name_but_the_others_are_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(&good, PAGE).unwrap();
    let missing = dir.path().join("missing.txt");
    let out = run(&["clean", missing.to_str().unwrap(), good.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing.txt: cannot read"), "{}", stderr(&out));
    assert_eq!(stdout(&out), CLEAN);
}

#[test]
fn binary_input_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("image.png");
    std::fs::write(&bin, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0").unwrap();
    let out = run(&["clean", bin.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("image.png: looks binary"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn windows_1252_input_becomes_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin.txt");
    // "Le café « ouvert » – été 2024" plus an ad marker, in windows-1252.
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(
        "Le café a rouvert ses portes à Paris cet été, après des travaux qui ont duré deux ans.\n\nPublicité\n\nLes clients étaient nombreux dès l’ouverture.\n",
    );
    std::fs::write(&path, &bytes).unwrap();
    let out = run(&["clean", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Le café a rouvert ses portes à Paris cet été, après des travaux qui ont duré deux ans.\n\nLes clients étaient nombreux dès l’ouverture.\n"
    );
}

#[test]
fn utf16_input_with_bom_becomes_utf8() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "Привет, мир.\r\n\r\nРеклама\r\n\r\nКонец.\r\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let out = run(&["clean"], &bytes);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Привет, мир.\n\nКонец.\n");
}

#[test]
fn explicit_encoding_and_unknown_label() {
    let (bytes, _, _) = encoding_rs::KOI8_R.encode("Новости дня\n\nРеклама\n");
    let out = run(&["clean", "--encoding", "koi8-r"], &bytes);
    assert_eq!(stdout(&out), "Новости дня\n");
    let bad = run(&["clean", "--encoding", "klingon"], b"x\n");
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("unknown encoding label `klingon`"), "{}", stderr(&bad));
}

#[test]
fn custom_rules_add_to_the_bundled_ones() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("site.toml");
    std::fs::write(&rules, "[[rule]]\nid = \"site/promo\"\nline = \"Buy the paper\"\n").unwrap();
    let input = "Story.\n\nBuy the paper\n\nAdvertisement\n";
    let out = run(&["clean", "--rules", rules.to_str().unwrap()], input.as_bytes());
    assert_eq!(stdout(&out), "Story.\n");
    let only = run(&["clean", "--no-default-rules", "--rules", rules.to_str().unwrap()], input.as_bytes());
    assert_eq!(stdout(&only), "Story.\n\nAdvertisement\n");
}

#[test]
fn no_default_rules_without_a_rule_file_is_a_usage_error() {
    let out = run(&["clean", "--no-default-rules"], b"x\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--no-default-rules leaves no rules"));
}

#[test]
fn exceptions_override_bundled_rules() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("keep.toml");
    std::fs::write(&rules, "[[rule]]\nid = \"mine/keep-share\"\nline = \"Share\"\naction = \"keep\"\n")
        .unwrap();
    let input = "Share\n\nStory.\n\nAdvertisement\n";
    let out = run(&["clean", "--rules", rules.to_str().unwrap()], input.as_bytes());
    assert_eq!(stdout(&out), "Share\n\nStory.\n");
}

#[test]
fn categories_can_be_switched_off() {
    let out = run(&["clean", "--disable", "ads,navigation"], PAGE.as_bytes());
    assert_eq!(
        stdout(&out),
        "Skip to content\n\nThe council met on Monday.\n\nAdvertisement\n\nIt approved the budget.\n"
    );
    let bad = run(&["clean", "--disable", "adz"], PAGE.as_bytes());
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("`adz` names no rule id, category or pack"), "{}", stderr(&bad));
}

#[test]
fn a_bad_rule_file_reports_every_error_with_position_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("bad.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"a\"\npatern = \"x\"\nline = \"y\"\n\n[[rule]]\nid = \"b\"\nregex = \"(\"\n",
    )
    .unwrap();
    let out = run(&["clean", "--rules", rules.to_str().unwrap()], PAGE.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let name = rules.display().to_string();
    assert!(err.contains(&format!("{name}:3:1: unknown key `patern`")), "{err}");
    assert!(err.contains(&format!("{name}:8:9: rule `b`: bad regex")), "{err}");
    assert_eq!(stdout(&out), "", "nothing is processed when the rules are bad");
}

#[test]
fn a_missing_rule_file_is_named() {
    let out = run(&["clean", "--rules", "/nonexistent/rules.toml"], PAGE.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read rule file /nonexistent/rules.toml"), "{}", stderr(&out));
}

#[test]
fn rules_check_accepts_good_files_and_reports_example_failures() {
    let good = run(&["rules", "check", fixture("rule-kinds/exception/rules.toml").to_str().unwrap()], b"");
    assert_eq!(good.status.code(), Some(0), "{}", stdout(&good));
    assert!(stdout(&good).contains("ok (1 rules, 2 examples)"));

    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("ex.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"x/promo\"\nline = \"Promo\"\nexamples.match = [\"Promotion\"]\nexamples.no_match = [\"promo\"]\n",
    )
    .unwrap();
    let bad = run(&["rules", "check", rules.to_str().unwrap()], b"");
    assert_eq!(bad.status.code(), Some(2));
    let text = stdout(&bad);
    assert!(text.contains(":1:1: rule `x/promo`: example \"Promotion\" should match but does not"), "{text}");
    assert!(text.contains("example \"promo\" matches but should not"), "{text}");
}

#[test]
fn rules_check_on_the_bundled_packs_passes() {
    let rules_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<String> = Vec::new();
    for dir in [rules_dir.clone(), rules_dir.join("sites")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                files.push(path.to_string_lossy().into_owned());
            }
        }
    }
    assert!(files.len() >= 12);
    let mut args = vec!["rules", "check"];
    args.extend(files.iter().map(String::as_str));
    let out = run(&args, b"");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn rules_test_runs_examples_and_fixture_pairs() {
    let dir = fixture("rule-kinds/window-lines");
    let rules = dir.join("rules.toml");
    let out = run(&["rules", "test", rules.to_str().unwrap(), "--fixtures", dir.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("PASS gallery"));
    assert!(stdout(&out).ends_with("3 passed, 0 failed\n"), "{}", stdout(&out));

    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(&rules, tmp.path().join("strip.toml")).unwrap();
    let fixtures = tmp.path().join("strip.fixtures");
    std::fs::create_dir(&fixtures).unwrap();
    std::fs::write(fixtures.join("a.in.txt"), "Intro line\nOpen gallery\nx\ny\nEnd.\n").unwrap();
    std::fs::write(fixtures.join("a.out.txt"), "Intro line\nEnd.\n").unwrap();
    let failing = run(&["rules", "test", tmp.path().join("strip.toml").to_str().unwrap()], b"");
    assert_eq!(failing.status.code(), Some(1), "{}", stdout(&failing));
    assert!(
        stdout(&failing).contains("FAIL a: the output differs")
            && stdout(&failing).contains("- Intro line\n  End.\n"),
        "{}",
        stdout(&failing)
    );
}

#[test]
fn rules_list_shows_ids_packs_and_categories() {
    let out = run(&["rules", "list"], b"");
    let text = stdout(&out);
    assert!(text.starts_with("ID "), "{text}");
    assert!(text
        .lines()
        .any(|l| l.starts_with("ads/advertisement-marker") && l.contains(" ads ") && l.contains(" on ")));
    assert!(text.lines().any(|l| l.starts_with("kyivpost/other-topics-teaser") && l.contains("kyivpost")));
}

#[test]
fn rules_list_phrases_exports_the_literal_phrases_of_active_rules() {
    let all = stdout(&run(&["rules", "list", "--phrases"], b""));
    let phrases: Vec<&str> = all.lines().collect();
    assert!(phrases.contains(&"advertisement"), "a whole-line phrase");
    assert!(phrases.iter().any(|p| p.contains("cookie")), "a contains phrase");
    let unique: std::collections::HashSet<&&str> = phrases.iter().collect();
    assert_eq!(unique.len(), phrases.len(), "no duplicates");
    let without_ads = stdout(&run(&["rules", "list", "--phrases", "--disable", "ads"], b""));
    assert!(!without_ads.lines().any(|p| p == "advertisement"), "switched-off rules are left out");
    assert!(without_ads.lines().count() < phrases.len());
}

#[test]
fn explain_names_the_deciding_rule_for_each_line() {
    let out = run(&["explain"], PAGE.as_bytes());
    let text = stdout(&out);
    assert!(text.contains("    1 drop navigation/skip-link"), "{text}");
    assert!(text.contains("    2 keep -"), "{text}");
    assert!(text.contains("    3 drop ads/advertisement-marker"), "{text}");
    assert!(text.contains("    5 drop share/share-buttons"), "{text}");
    assert!(text.lines().all(|l| l.is_empty() || l.contains(" | ")));
}

#[test]
fn explain_shows_the_guard_that_kept_a_line() {
    let long = "The advertisement that the company ran during the final was seen by more viewers than any other broadcast in the history of the network, analysts said on Monday, as rivals scrambled to book slots.\n";
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("r.toml");
    std::fs::write(&rules, "[[rule]]\nid = \"x/ad-word\"\ncontains = \"advertisement\"\n").unwrap();
    let out = run(&["explain", "--changes", "--rules", rules.to_str().unwrap()], long.as_bytes());
    assert!(stdout(&out).contains("keep guard/max-words (x/ad-word)"), "{}", stdout(&out));
}

#[test]
fn a_closed_stdout_ends_quietly_with_success() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    let paragraph =
        "The council met on Monday and approved the budget for next year after a long debate.\n\n";
    std::fs::write(&big, paragraph.repeat(50_000)).unwrap();
    let mut child = thresh()
        .args(["clean", big.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    assert_eq!(err, "");
}

#[test]
fn usage_errors_exit_2_and_help_is_complete() {
    let out = run(&["clean", "--no-such-flag"], b"");
    assert_eq!(out.status.code(), Some(2));
    for sub in [
        vec!["--help"],
        vec!["clean", "--help"],
        vec!["explain", "--help"],
        vec!["rules", "--help"],
        vec!["rules", "check", "--help"],
        vec!["rules", "test", "--help"],
        vec!["rules", "list", "--help"],
    ] {
        let out = run(&sub, b"");
        assert_eq!(out.status.code(), Some(0), "{sub:?}");
        assert!(stdout(&out).contains("Usage: thresh"), "{sub:?}");
    }
    let clean_help = stdout(&run(&["clean", "--help"], b""));
    for flag in ["--rules", "--no-default-rules", "--enable", "--disable", "--encoding", "--url", "--quiet"] {
        assert!(clean_help.contains(flag), "clean --help lacks {flag}");
    }
}

#[test]
fn an_emptied_document_is_reported() {
    let out = run(&["clean"], b"Advertisement\n\nShare\n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("every line was dropped (2 lines)"), "{}", stderr(&out));
    let quiet = run(&["clean", "-q"], b"Advertisement\n");
    assert_eq!(stderr(&quiet), "");
}

#[test]
fn rule_files_can_include_others_and_cycles_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("common")).unwrap();
    std::fs::write(
        dir.path().join("common/promo.toml"),
        "[pack]\nname = \"promo\"\n[[rule]]\nid = \"promo/buy\"\nline = \"Buy the paper\"\n",
    )
    .unwrap();
    let main = dir.path().join("site.toml");
    std::fs::write(
        &main,
        "[pack]\nname = \"site\"\ninclude = [\"common/promo.toml\"]\n[[rule]]\nid = \"site/tip\"\nline = \"Send us a tip\"\n",
    )
    .unwrap();
    let out = run(
        &["clean", "--no-default-rules", "--rules", main.to_str().unwrap()],
        b"Story.\n\nBuy the paper\n\nSend us a tip\n",
    );
    assert_eq!(stdout(&out), "Story.\n", "{}", stderr(&out));

    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    std::fs::write(&a, "[pack]\ninclude = [\"b.toml\"]\n").unwrap();
    std::fs::write(&b, "[pack]\ninclude = [\"a.toml\"]\n").unwrap();
    let cycle = run(&["clean", "--rules", a.to_str().unwrap()], b"x\n");
    assert_eq!(cycle.status.code(), Some(2));
    assert!(
        stderr(&cycle).contains("b.toml:2:12: ") && stderr(&cycle).contains("includes itself"),
        "{}",
        stderr(&cycle)
    );
}

#[test]
fn opt_in_rules_run_only_when_enabled() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("strict.toml");
    std::fs::write(
        &rules,
        "[pack]\nname = \"strict\"\n[[rule]]\nid = \"strict/bylines\"\ncategory = \"bylines\"\nregex = '^By [A-Z]'\nenabled = false\n",
    )
    .unwrap();
    let input = b"By Jane Doe\n\nStory.\n";
    let off = run(&["clean", "--rules", rules.to_str().unwrap()], input);
    assert_eq!(stdout(&off), "By Jane Doe\n\nStory.\n");
    let on = run(&["clean", "--rules", rules.to_str().unwrap(), "--enable", "bylines"], input);
    assert_eq!(stdout(&on), "Story.\n");
    let listed = stdout(&run(&["rules", "list", "--rules", rules.to_str().unwrap()], b""));
    assert!(listed.lines().any(|l| l.starts_with("strict/bylines") && l.contains("opt-in")), "{listed}");
}

#[test]
fn domain_scoped_packs_apply_by_url() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("site.toml");
    std::fs::write(
        &rules,
        "[pack]\nname = \"example\"\nsite = { domains = [\"example.com\"] }\n[[rule]]\nid = \"example/promo\"\nline = \"Read the print edition\"\n",
    )
    .unwrap();
    let input = b"Story.\n\nRead the print edition\n";
    let r = rules.to_str().unwrap();
    assert_eq!(stdout(&run(&["clean", "--rules", r], input)), "Story.\n\nRead the print edition\n");
    assert_eq!(
        stdout(&run(&["clean", "--rules", r, "--url", "https://news.example.com/x"], input)),
        "Story.\n"
    );
    assert_eq!(
        stdout(&run(&["clean", "--rules", r, "--url", "https://example.org/x"], input)),
        "Story.\n\nRead the print edition\n"
    );
}

#[test]
fn eval_scores_outputs_against_gold() {
    let dir = tempfile::tempdir().unwrap();
    let (gold, out) = (dir.path().join("gold"), dir.path().join("out"));
    std::fs::create_dir_all(&gold).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(gold.join("a.txt"), "one two three four").unwrap();
    std::fs::write(out.join("a.txt"), "one two menu").unwrap();
    std::fs::write(gold.join("b.txt"), "five six").unwrap();
    std::fs::write(out.join("b.txt"), "five six").unwrap();
    std::fs::write(gold.join("c.txt"), "seven").unwrap();
    let (g, o) = (gold.to_str().unwrap(), out.to_str().unwrap());
    let text = stdout(&run(&["eval", "--per-doc", g, o], b""));
    assert!(text.starts_with("docs: 3  (missing outputs: 1)\n"), "{text}");
    // a: P 2/3, R 1/2; b: 1/1; c: missing, P 1 R 0 F1 0.
    assert!(text.contains("macro  P=0.8889  R=0.5000"), "{text}");
    let worst: Vec<&str> = text.lines().skip_while(|l| !l.starts_with("id\t")).skip(1).collect();
    assert_eq!(worst.first().map(|l| l.split('\t').next()), Some(Some("c")), "{text}");
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["eval", "--json", g, o], b"").stdout).unwrap();
    assert_eq!(json["docs"], 3);
    assert!((json["micro_avg"]["r"].as_f64().unwrap() - 4.0 / 7.0).abs() < 1e-9);
    let missing = run(&["eval", "/nonexistent/gold", o], b"");
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("/nonexistent/gold: not a directory"), "{}", stderr(&missing));
}

#[test]
fn eval_clean_scores_inputs_and_tells_what_each_rule_dropped_of_the_article() {
    let dir = tempfile::tempdir().unwrap();
    let (gold, inputs) = (dir.path().join("gold"), dir.path().join("inputs"));
    std::fs::create_dir_all(&gold).unwrap();
    std::fs::create_dir_all(&inputs).unwrap();
    let article =
        "The council met on Monday and approved the budget for the coming year after a long debate.\n\n\
        Members said the new plan would fund repairs to the harbour wall and two more buses.\n";
    // The gold holds the article (17 and 16 tokens) and the line "Advertisement", which the ad
    // rule drops anyway: that drop is article text lost.
    std::fs::write(gold.join("a.txt"), format!("{article}Advertisement\n")).unwrap();
    std::fs::write(inputs.join("a.txt"), format!("{article}\nAdvertisement\n\nShare on Facebook\n")).unwrap();
    std::fs::write(gold.join("b.txt"), "Nothing to read here").unwrap();
    let (g, i) = (gold.to_str().unwrap(), inputs.to_str().unwrap());
    let o = run(&["eval", g, "--clean", i], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("docs: 2  (missing outputs: 1)\n"), "{text}");
    assert!(stderr(&o).contains("1 of 2 gold documents have no inputs in"), "{}", stderr(&o));
    let row = |id: &str| {
        text.lines().find(|l| l.starts_with(id)).unwrap_or_else(|| panic!("no {id} row:\n{text}")).to_string()
    };
    let ad = row("ads/advertisement-marker");
    assert_eq!(ad.split_whitespace().skip(1).collect::<Vec<_>>(), ["1", "(1)", "0", "(0)"], "{text}");
    let share = row("share/share-buttons");
    assert_eq!(share.split_whitespace().skip(1).collect::<Vec<_>>(), ["0", "(0)", "1", "(3)"], "{text}");
    assert_eq!(
        row("kept").split_whitespace().skip(1).collect::<Vec<_>>(),
        ["2", "(33)", "0", "(0)"],
        "{text}"
    );
    // The article rows come first.
    assert!(text.find("ads/advertisement-marker") < text.find("share/share-buttons"), "{text}");
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["eval", g, "--clean", i, "--json"], b"").stdout).unwrap();
    assert_eq!(json["evaluation"]["docs"], 2);
    assert_eq!(json["lines"]["dropped"][0]["reason"], "ads/advertisement-marker");
    assert_eq!(json["lines"]["kept_article"]["tokens"], 33);
    // Rule options apply; OUT_DIR and --clean are one or the other.
    let without_ads = run(&["eval", g, "--clean", i, "--disable", "ads"], b"");
    assert!(!stdout(&without_ads).contains("ads/advertisement-marker"), "{}", stdout(&without_ads));
    let both = run(&["eval", g, i, "--clean", i], b"");
    assert_eq!(both.status.code(), Some(2));
    let neither = run(&["eval", g], b"");
    assert_eq!(neither.status.code(), Some(2));
    for alone in [
        &["--reasons", "3"][..],
        &["--disable", "ads"],
        &["--model", "m.json"],
        &["--min-article-probability", "0.5"],
    ] {
        let o = run(&[&["eval", g, i][..], alone].concat(), b"");
        assert_eq!(o.status.code(), Some(2), "{alone:?}");
        assert!(stderr(&o).contains("apply only with --clean"), "{}", stderr(&o));
    }
}

// --- Data safety (issue 18): nothing silently damaged. ---

#[test]
fn a_stray_byte_in_a_utf8_file_is_replaced_alone_not_the_whole_file_misread() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.txt");
    // UTF-8 curly quotes and accents, and one windows-1252 apostrophe (0x92) pasted in.
    let mut bytes = "The café’s “new” menu opened.\n\nAdvertisement\n\nIt".as_bytes().to_vec();
    bytes.push(0x92);
    bytes.extend_from_slice("s a success, the owner’s daughter said.\n".as_bytes());
    std::fs::write(&page, &bytes).unwrap();
    let stats = dir.path().join("stats.json");
    let out = run(&["clean", page.to_str().unwrap(), "--stats", stats.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "The café’s “new” menu opened.\n\nIt\u{FFFD}s a success, the owner’s daughter said.\n"
    );
    assert!(stderr(&out).contains("page.txt: 1 malformed byte sequence(s) replaced"), "{}", stderr(&out));
    let stats: serde_json::Value = serde_json::from_slice(&std::fs::read(&stats).unwrap()).unwrap();
    assert_eq!(stats["replaced_byte_sequences"], 1);
    assert_eq!(stats["documents_with_replacements"], 1);
}

#[test]
fn a_jsonl_record_with_a_stray_byte_is_cleaned_not_passed_through() {
    let mut line = br#"{"id":7,"text":"Caf"#.to_vec();
    line.push(0xE9); // latin-1 é inside a UTF-8 shard
    line.extend_from_slice(br#" news today.\n\nAdvertisement\n\nThe end."}"#);
    line.push(b'\n');
    let out = run(&["clean", "--format", "jsonl"], &line);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "{\"id\":7,\"text\":\"Caf\u{FFFD} news today.\\n\\nThe end.\"}\n");
    assert!(stderr(&out).contains("<stdin>:1: 1 malformed byte sequence(s) replaced"), "{}", stderr(&out));
}

const SHARD: &str = concat!(
    r#"{"id":1,"text":"The council met on Monday.\n\nAdvertisement\n\nIt approved the budget.\n","url":"https://example.org/a"}"#,
    "\n",
    r#"{"id":2,"text":"Share this article\n\nRain is expected on Friday.","url":"https://example.org/b"}"#,
    "\n",
);

#[test]
fn jsonl_on_stdin_is_recognised_from_its_content() {
    let out = run(&["clean"], SHARD.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is a record"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["text"], "The council met on Monday.\n\nIt approved the budget.\n");
    assert_eq!(lines[1]["text"], "Rain is expected on Friday.");
    assert_eq!(lines[1]["id"], 2);

    // --annotate is honoured, not silently ignored.
    let out = run(&["clean", "--annotate"], SHARD.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let first: serde_json::Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    assert_eq!(first["thresh"]["removed_lines"], 1);
}

#[test]
fn a_jsonl_file_named_txt_is_recognised_and_a_text_file_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let shard = dir.path().join("shard.txt");
    std::fs::write(&shard, SHARD).unwrap();
    let text = dir.path().join("page.txt");
    std::fs::write(&text, "{braces} open this page.\n\nThe council met on Monday.\n").unwrap();
    let out = run(&["clean", shard.to_str().unwrap(), text.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Files run in sorted order: page.txt, then shard.txt.
    let got = stdout(&out);
    let (text_part, records) = got.split_at(got.find("{\"id\"").expect("records in the output"));
    assert_eq!(text_part, "{braces} open this page.\n\nThe council met on Monday.\n");
    assert!(
        records.starts_with(r#"{"id":1,"text":"The council met on Monday.\n\nIt approved the budget.\n""#),
        "{got}"
    );
}

#[test]
fn annotate_on_plain_text_is_refused() {
    let out = run(&["clean", "--annotate", "--format", "text"], PAGE.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--annotate"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");

    let out = run(&["clean", "--annotate"], PAGE.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("<stdin>: --annotate needs JSONL or WET records"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[cfg(unix)]
#[test]
fn output_files_are_readable_by_others_under_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("page.txt"), PAGE).unwrap();
    std::fs::write(input.join("shard.jsonl"), SHARD).unwrap();
    let out_dir = dir.path().join("out");
    for (umask, mode) in [("022", 0o644), ("077", 0o600), ("002", 0o664)] {
        let _ = std::fs::remove_dir_all(&out_dir);
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" clean -q \"$1\" -o \"$2\""))
            .arg(env!("CARGO_BIN_EXE_thresh"))
            .arg(&input)
            .arg(&out_dir)
            .status()
            .unwrap();
        assert!(status.success());
        for name in ["page.txt", "shard.jsonl"] {
            let got = std::fs::metadata(out_dir.join(name)).unwrap().permissions().mode() & 0o777;
            assert_eq!(got, mode, "{name} under umask {umask}: {got:o}");
        }
    }
}

#[test]
fn a_wrong_text_field_fails_the_shard_and_names_the_fields_seen() {
    let dir = tempfile::tempdir().unwrap();
    let shard = dir.path().join("rw.jsonl");
    std::fs::write(&shard, SHARD.replace("\"text\"", "\"content\"")).unwrap();
    let good = dir.path().join("c4.jsonl");
    std::fs::write(&good, SHARD).unwrap();
    let out_dir = dir.path().join("out");
    let stats = dir.path().join("stats.json");
    let out = run(
        &["clean", shard.to_str().unwrap(), good.to_str().unwrap(), "-o", out_dir.to_str().unwrap()],
        b"",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("rw.jsonl: no record has field `text` (2 records); fields: content, id, url"),
        "{err}"
    );
    assert!(!out_dir.join("rw.jsonl").exists(), "no output for a shard that was not cleaned");
    assert!(out_dir.join("c4.jsonl").exists());

    // With the right field it is cleaned; the summary counts what a missing field passed through.
    let out = run(
        &["clean", shard.to_str().unwrap(), "--text-field", "content", "-o", out_dir.to_str().unwrap()],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mixed = dir.path().join("mixed.jsonl");
    std::fs::write(&mixed, format!("{SHARD}{{\"id\":3,\"body\":\"x\"}}\n")).unwrap();
    let out = run(
        &[
            "clean",
            mixed.to_str().unwrap(),
            "-o",
            out_dir.to_str().unwrap(),
            "--stats",
            stats.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 records had no string field `text`"), "{}", stderr(&out));
    let stats: serde_json::Value = serde_json::from_slice(&std::fs::read(&stats).unwrap()).unwrap();
    assert_eq!(stats["records_missing_text_field"], 1);
}

#[test]
fn an_unwritable_stats_path_or_a_file_as_output_directory_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("page.txt");
    std::fs::write(&input, PAGE).unwrap();
    let out_dir = dir.path().join("out");
    let stats = dir.path().join("no-such-dir/stats.json");
    let out = run(
        &[
            "clean",
            input.to_str().unwrap(),
            "-o",
            out_dir.to_str().unwrap(),
            "--stats",
            stats.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot write stats to"), "{}", stderr(&out));
    assert!(!out_dir.exists(), "nothing was cleaned");

    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let out = run(&["clean", input.to_str().unwrap(), "-o", file.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.matches("is not a directory").count(), 1, "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn stats_dash_goes_to_standard_output_when_the_text_goes_to_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("page.txt");
    std::fs::write(&input, PAGE).unwrap();
    let out_dir = dir.path().join("out");
    let out =
        run(&["clean", "-q", input.to_str().unwrap(), "-o", out_dir.to_str().unwrap(), "--stats", "-"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is the stats");
    assert_eq!(stats["documents"], 1);
    assert!(!Path::new("-").exists());
    let out = run(&["clean", "--stats", "-"], PAGE.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--stats -"), "{}", stderr(&out));
}

#[test]
fn eval_refuses_a_wrong_output_directory_and_warns_of_missing_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold");
    let outs = dir.path().join("outs");
    std::fs::create_dir_all(&gold).unwrap();
    std::fs::create_dir_all(&outs).unwrap();
    std::fs::write(gold.join("a.txt"), "the council met").unwrap();
    std::fs::write(gold.join("b.txt"), "rain on friday").unwrap();
    let missing = run(&["eval", gold.to_str().unwrap(), dir.path().join("nope").to_str().unwrap()], b"");
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("not a directory of cleaned outputs"), "{}", stderr(&missing));
    let empty = run(&["eval", gold.to_str().unwrap(), outs.to_str().unwrap()], b"");
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("none of the 2 gold documents"), "{}", stderr(&empty));
    std::fs::write(outs.join("a.txt"), "the council met").unwrap();
    let half = run(&["eval", gold.to_str().unwrap(), outs.to_str().unwrap()], b"");
    assert_eq!(half.status.code(), Some(0));
    assert!(stderr(&half).contains("1 of 2 gold documents have no output"), "{}", stderr(&half));
}

#[test]
fn learn_refuses_standard_input_and_min_docs_zero() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["learn", "-", "-o", dir.path().join("l").to_str().unwrap()], b"x\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not standard input"), "{}", stderr(&out));
    let out = run(&["learn", dir.path().to_str().unwrap(), "--min-docs", "0"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--min-docs"), "{}", stderr(&out));
}

#[test]
fn skip_existing_removes_what_a_hard_kill_left_half_written_for_its_own_targets() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("page.txt"), PAGE).unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    // A temporary of this run's target, and one of a file another shard may be writing.
    std::fs::write(out_dir.join(".page.txt.AbC123.thresh-tmp"), "half").unwrap();
    std::fs::write(out_dir.join(".other.txt.XyZ789.thresh-tmp"), "busy").unwrap();
    let stats = dir.path().join("stats.json");
    let out = run(
        &[
            "clean",
            input.to_str().unwrap(),
            "-o",
            out_dir.to_str().unwrap(),
            "--skip-existing",
            "--stats",
            stats.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("removed 1 unfinished temporary file(s)"), "{}", stderr(&out));
    assert!(!out_dir.join(".page.txt.AbC123.thresh-tmp").exists());
    assert!(out_dir.join(".other.txt.XyZ789.thresh-tmp").exists(), "not this run's target");
    assert_eq!(std::fs::read_to_string(out_dir.join("page.txt")).unwrap(), CLEAN);
    let stats: serde_json::Value = serde_json::from_slice(&std::fs::read(&stats).unwrap()).unwrap();
    assert_eq!(stats["stale_temporaries_removed"], 1);
}

#[test]
fn several_text_files_to_stdout_keep_their_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (dir.path().join("a.txt"), dir.path().join("b.txt"), dir.path().join("c.txt"));
    std::fs::write(&a, PAGE).unwrap();
    std::fs::write(&b, "Advertisement\n").unwrap(); // emptied: still a document
    std::fs::write(&c, "Rain is expected on Friday.\n").unwrap();
    let out = run(&["clean", "-q", a.to_str().unwrap(), b.to_str().unwrap(), c.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let documents: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().split("\x0c\n").collect();
    assert_eq!(documents, [CLEAN, "", "Rain is expected on Friday.\n"]);
}

#[test]
fn stats_say_which_run_it_was_and_the_summary_names_each_failure_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("page.txt"), PAGE).unwrap();
    for i in 0..23 {
        std::fs::write(input.join(format!("bad{i:02}.jsonl")), "{not json}\n").unwrap();
    }
    let out_dir = dir.path().join("out");
    let stats = dir.path().join("stats.json");
    let args = ["clean", input.to_str().unwrap(), "-o", out_dir.to_str().unwrap(), "--on-error", "fail"];
    let out = run(&[&args[..], &["--stats", stats.to_str().unwrap()]].concat(), b"");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.matches("bad00.jsonl").count(), 1, "once: {err}");
    assert_eq!(err.matches("thresh: failed: ").count(), 20, "{err}");
    assert!(err.contains("...and 3 more failures"), "{err}");
    assert!(err.contains("bad00.jsonl: line 1: not a JSON object"), "{err}");
    let stats: serde_json::Value = serde_json::from_slice(&std::fs::read(&stats).unwrap()).unwrap();
    assert_eq!(stats["thresh_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(stats["arguments"][0], "clean");
    assert!(stats["elapsed_seconds"].as_f64().unwrap() > 0.0);
    assert!(stats["throughput_mb_per_second"].as_f64().is_some());
    assert_eq!(stats["failures"].as_array().unwrap().len(), 23);
    assert_eq!(stats["documents"], 1);
}

#[test]
fn xz_and_bzip2_inputs_are_named_not_called_binary() {
    let dir = tempfile::tempdir().unwrap();
    for (tool, name) in [("xz", "shard.jsonl.xz"), ("bzip2", "shard.jsonl.bz2")] {
        let path = dir.path().join(name);
        // The magic bytes are all that is read before refusing.
        let magic: &[u8] = if tool == "xz" { b"\xFD7zXZ\x00\x00\x04rest" } else { b"BZh91AY&SYrest" };
        std::fs::write(&path, magic).unwrap();
        let out = run(&["clean", path.to_str().unwrap()], b"");
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.contains(&format!("{tool}-compressed input is not supported")), "{err}");
        assert!(!err.contains("binary"), "{err}");
    }
}

#[test]
fn drop_empty_leaves_out_what_cleaning_emptied() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("page.txt"), PAGE).unwrap();
    std::fs::write(input.join("ad.txt"), "Advertisement\n").unwrap();
    let shard = concat!(
        r#"{"id":1,"text":"Advertisement\n\nShare this article"}"#,
        "\n",
        r#"{"id":2,"text":"Rain is expected on Friday."}"#,
        "\n"
    );
    std::fs::write(input.join("s.jsonl"), shard).unwrap();
    let out_dir = dir.path().join("out");
    let stats = dir.path().join("stats.json");
    let out = run(
        &[
            "clean",
            input.to_str().unwrap(),
            "-o",
            out_dir.to_str().unwrap(),
            "--drop-empty",
            "--stats",
            stats.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!out_dir.join("ad.txt").exists(), "no output for an emptied file");
    assert_eq!(std::fs::read_to_string(out_dir.join("page.txt")).unwrap(), CLEAN);
    assert_eq!(
        std::fs::read_to_string(out_dir.join("s.jsonl")).unwrap(),
        "{\"id\":2,\"text\":\"Rain is expected on Friday.\"}\n"
    );
    let stats: serde_json::Value = serde_json::from_slice(&std::fs::read(&stats).unwrap()).unwrap();
    assert_eq!(stats["documents_dropped_empty"], 2);
    assert_eq!(stats["documents"], 4);
    // Without the flag, emptied documents stay as empty records and files.
    let out_dir2 = dir.path().join("out2");
    run(&["clean", "-q", input.to_str().unwrap(), "-o", out_dir2.to_str().unwrap()], b"");
    assert_eq!(std::fs::read_to_string(out_dir2.join("ad.txt")).unwrap(), "");
}

#[test]
fn a_terminal_on_stdin_gets_a_hint_and_a_pipe_does_not() {
    // `script` (util-linux, essential on Debian) runs thresh on a pseudo-terminal; Ctrl-D ends it.
    let mut child = Command::new("script")
        .args(["-qec", &format!("{} clean", env!("CARGO_BIN_EXE_thresh")), "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script(1) runs");
    child.stdin.take().unwrap().write_all(b"The council met on Monday.\n\x04").unwrap();
    let output = child.wait_with_output().unwrap();
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(screen.contains("reading standard input from the terminal; end with Ctrl-D"), "{screen}");
    let piped = run(&["clean"], PAGE.as_bytes());
    assert_eq!(stderr(&piped), "");
}

#[test]
fn completions_and_the_manual_come_from_the_flag_definitions() {
    for (shell, marker) in [
        ("bash", "_thresh()"),
        ("zsh", "#compdef thresh"),
        ("fish", "complete -c thresh"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[thresh]"),
    ] {
        let out = run(&["completions", shell], b"");
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("drop-empty"), "{shell} completes clean's flags");
    }
    let man = run(&["man"], b"");
    assert_eq!(man.status.code(), Some(0));
    let page = stdout(&man);
    assert!(page.contains(".TH thresh 1") && page.contains("explain"), "{page}");
    let help = run(&["clean", "--help"], b"");
    assert!(stdout(&help).contains("\n  thresh clean crawl/ -o cleaned/\n"), "one example per line");
}

#[cfg(unix)]
#[test]
fn a_walk_skips_hidden_and_vcs_paths_follows_links_without_looping_and_takes_globs() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    let write = |rel: &str, text: &str| {
        let path = tree.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("a.txt", PAGE);
    write("sub/b.jsonl", "{\"text\":\"Rain.\\n\\nAdvertisement\"}\n");
    write(".hidden.txt", PAGE);
    write(".git/HEAD", "ref: refs/heads/main\n");
    write("tmp/c.txt", PAGE);
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("d.txt"), PAGE).unwrap();
    std::os::unix::fs::symlink(&elsewhere, tree.join("linked")).unwrap();
    std::os::unix::fs::symlink(&tree, tree.join("sub/loop")).unwrap();

    let names = |out_dir: &Path| {
        let mut names: Vec<String> = walk_files(out_dir);
        names.sort();
        names
    };
    let out = dir.path().join("out");
    let run1 = run(&["clean", tree.to_str().unwrap(), "-o", out.to_str().unwrap()], b"");
    assert_eq!(run1.status.code(), Some(0), "{}", stderr(&run1));
    assert_eq!(names(&out), ["a.txt", "linked/d.txt", "sub/b.jsonl", "tmp/c.txt"]);
    assert!(stderr(&run1).contains("(a loop): not followed"), "{}", stderr(&run1));

    let out2 = dir.path().join("out2");
    let run2 = run(
        &[
            "clean",
            tree.to_str().unwrap(),
            "-o",
            out2.to_str().unwrap(),
            "--hidden",
            "--glob",
            "*.txt",
            "--exclude",
            "tmp",
        ],
        b"",
    );
    assert_eq!(run2.status.code(), Some(0), "{}", stderr(&run2));
    assert_eq!(names(&out2), [".hidden.txt", "a.txt", "linked/d.txt"], ".git stays out even with --hidden");
}

fn walk_files(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    files
}

#[test]
fn bundled_packs_can_be_exported_checked_and_listed_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["rules", "export", "teasers"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("id = \"teasers/related-heading\""), "{text}");
    // Exported, it is a rule file `rules check` accepts (renamed, so its ids do not clash).
    let mine = dir.path().join("mine.toml");
    std::fs::write(&mine, text.replace("name = \"teasers\"", "name = \"mine\"").replace("teasers/", "mine/"))
        .unwrap();
    let check = run(&["rules", "check", mine.to_str().unwrap()], b"");
    assert_eq!(check.status.code(), Some(0), "{}{}", stdout(&check), stderr(&check));
    let unknown = run(&["rules", "export", "teaser"], b"");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("the packs are: ads,"), "{}", stderr(&unknown));

    let json = run(&["rules", "list", "--json", "--category", "comment-section,teasers"], b"");
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert!(!rules.is_empty());
    assert!(rules.iter().all(|r| r["category"] == "teasers" || r["category"] == "comment-section"));
    let heading = rules.iter().find(|r| r["id"] == "teasers/related-heading").unwrap();
    assert_eq!(
        (heading["action"].as_str(), heading["role"].as_str(), heading["state"].as_str()),
        (Some("drop-block"), Some("teaser-marker"), Some("on"))
    );
    let bad = run(&["rules", "list", "--category", "teaser"], b"");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn rules_check_reports_every_problem_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    std::fs::write(
        &file,
        r#"[pack]
name = "mine"

[[rule]]
id = "ads/advertisement-marker"
line = "Sponsored"

[[rule]]
id = "mine/bad-regex"
regex = '(unclosed'

[[rule]]
id = "mine/impossible"
contains = "buy now"
min_words = 10
max_words = 5

[[rule]]
id = "mine/ratio"
contains = "subscribe"
max_stopword_ratio = 3

[[rule]]
id = "mine/slow"
regex = '\bpromo\b'
"#,
    )
    .unwrap();
    let out = run(&["rules", "check", file.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    let report = stdout(&out);
    let path = file.display().to_string();
    for expected in [
        format!("{path}:4:1: duplicate rule id `ads/advertisement-marker`: already defined in pack `ads`"),
        format!("{path}:10:9: rule `mine/bad-regex`: bad regex"),
        format!("{path}:15:13: rule `mine/impossible`: `min_words` (10) is above `max_words` (5)"),
        format!("{path}:21:22: `max_stopword_ratio` must be a number from 0.0 to 1.0, found 3"),
    ] {
        assert!(report.contains(&expected), "missing {expected:?} in:\n{report}");
    }
    assert!(!report.contains("found integer") && !report.contains("found float"), "{report}");

    // Fixed, the file is fine but for a warning about the slow word boundary.
    let fixed = std::fs::read_to_string(&file)
        .unwrap()
        .replace("ads/advertisement-marker", "mine/sponsored")
        .replace("'(unclosed'", "'(closed)'")
        .replace("min_words = 10", "min_words = 1")
        .replace("max_stopword_ratio = 3", "max_stopword_ratio = 0.3");
    std::fs::write(&file, fixed).unwrap();
    let out = run(&["rules", "check", file.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("warning: rule `mine/slow`: a Unicode \\b"), "{}", stdout(&out));
}

#[test]
fn a_misspelt_disable_name_gets_a_suggestion_and_no_line_number() {
    let out = run(&["clean", "--disable", "shares"], PAGE.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("--disable: `shares` names no rule id, category or pack; did you mean `share`?"),
        "{err}"
    );
    assert!(!err.contains("--disable:1:1"), "{err}");
}

#[test]
fn a_failing_fixture_shows_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    std::fs::write(&file, "[[rule]]\nid = \"mine/promo\"\nline = \"Promo\"\nexamples.match = [\"Promo\"]\n")
        .unwrap();
    let fixtures = dir.path().join("mine.fixtures");
    std::fs::create_dir(&fixtures).unwrap();
    std::fs::write(fixtures.join("page.in.txt"), "One.\n\nPromo\n\nTwo.\n\nThree.\n").unwrap();
    std::fs::write(fixtures.join("page.out.txt"), "One.\n\nTwo.\n\nThree!\n").unwrap();
    let out = run(&["rules", "test", file.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(report.contains("FAIL page: the output differs"), "{report}");
    assert!(report.contains("- Three!\n+ Three.\n"), "{report}");
}

#[test]
fn explain_reads_records_compressed_shards_and_several_files() {
    let dir = tempfile::tempdir().unwrap();
    let shard = dir.path().join("shard.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(SHARD.as_bytes()).unwrap();
    std::fs::write(&shard, gz.finish().unwrap()).unwrap();
    let out = run(&["explain", "--record", "2", shard.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("drop share/share-buttons") && text.contains("| Share this article"), "{text}");
    assert!(text.contains("| Rain is expected on Friday."), "{text}");
    assert!(!text.contains("==>"), "one document, no header: {text}");

    let page = dir.path().join("page.txt");
    std::fs::write(&page, PAGE).unwrap();
    let both = run(&["explain", "--changes", page.to_str().unwrap(), shard.to_str().unwrap()], b"");
    let text = stdout(&both);
    for header in [
        format!("==> {} <==", page.display()),
        format!("==> {}:1 <==", shard.display()),
        format!("==> {}:2 <==", shard.display()),
    ] {
        assert!(text.contains(&header), "{header} in {text}");
    }
    let missing = run(&["explain", "--record", "9", shard.to_str().unwrap()], b"");
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("no record 9"), "{}", stderr(&missing));
}

#[test]
fn the_summary_gives_the_explain_command_of_a_flagged_record() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in dir");
    std::fs::create_dir(&input).unwrap();
    let chrome = "Advertisement\\n\\nShare this article\\n\\nSubscribe to our newsletter\\n\\n".repeat(40);
    std::fs::write(input.join("s.jsonl"), format!("{{\"text\":\"Rain.\"}}\n{{\"text\":\"{chrome}\"}}\n"))
        .unwrap();
    let out_dir = dir.path().join("out");
    let out = run(&["clean", input.to_str().unwrap(), "-o", out_dir.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let command = format!("thresh explain --record 2 '{}'", input.join("s.jsonl").display());
    assert!(stderr(&out).contains(&format!("(see: {command})")), "{}", stderr(&out));
    // The command works as printed (in a shell, run from anywhere).
    let explained = Command::new("sh")
        .arg("-c")
        .arg(command.replacen("thresh", env!("CARGO_BIN_EXE_thresh"), 1))
        .output()
        .unwrap();
    assert_eq!(explained.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&explained.stdout).contains("drop ads/advertisement-marker"));
}

#[test]
fn explain_colours_only_when_asked_or_on_a_terminal_and_aligns_its_columns() {
    let plain = run(&["explain"], PAGE.as_bytes());
    assert!(!stdout(&plain).contains('\x1b'), "a pipe gets no colour");
    let coloured = run(&["explain", "--color", "always"], PAGE.as_bytes());
    let text = stdout(&coloured);
    assert!(text.contains("\x1b[31mdrop\x1b[0m") && text.contains("\x1b[32mkeep\x1b[0m"), "{text}");
    let never = run(&["explain", "--color", "never"], PAGE.as_bytes());
    assert_eq!(stdout(&never), stdout(&plain));
    // Columns: every row's text starts at the same place.
    let plain = stdout(&plain);
    let rows: Vec<&str> =
        plain.lines().filter(|l| !l.is_empty()).map(|l| l.split_once(" | ").unwrap().0).collect();
    assert!(rows.windows(2).all(|w| w[0].len() == w[1].len()), "{rows:?}");
}

#[test]
fn a_terminal_gets_colour_unless_no_color_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.txt");
    std::fs::write(&page, PAGE).unwrap();
    let on_terminal = |no_color: Option<&str>| {
        let mut command = Command::new("script");
        command.args([
            "-qec",
            &format!("{} explain {}", env!("CARGO_BIN_EXE_thresh"), page.display()),
            "/dev/null",
        ]);
        command.env_remove("NO_COLOR");
        if let Some(value) = no_color {
            command.env("NO_COLOR", value);
        }
        String::from_utf8_lossy(&command.output().unwrap().stdout).into_owned()
    };
    assert!(on_terminal(None).contains("\x1b[31mdrop"), "{}", on_terminal(None));
    assert!(!on_terminal(Some("1")).contains('\x1b'));
    assert!(on_terminal(Some("")).contains("\x1b[31mdrop"), "an empty NO_COLOR does not count");
}

#[cfg(unix)]
#[test]
fn sigterm_while_writing_to_stdout_ends_at_once_without_a_resume_hint() {
    use std::os::unix::process::ExitStatusExt;
    let mut child = thresh()
        .arg("clean")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(PAGE.as_bytes()).unwrap(); // and the pipe stays open: thresh waits for more
    std::thread::sleep(std::time::Duration::from_millis(200));
    let killed = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(output.status.signal(), Some(15), "ended by the signal, as cat would be");
    assert!(!stderr(&output).contains("--skip-existing"), "{}", stderr(&output));
}
