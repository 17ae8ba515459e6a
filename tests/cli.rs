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
        stdout(&failing).contains("FAIL a: output line 1: expected \"Intro line\", got \"End.\""),
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
