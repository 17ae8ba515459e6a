//! Hostile and broken inputs against the real binary: huge and repetitive documents, every
//! kind of Unicode, odd line endings, enormous and pathological rule files, rules that match
//! everything, unwritable and full outputs, and bugs inside one document. thresh must finish,
//! report what went wrong naming the file, exit non-zero when something failed, and never leave
//! a partial output file. Cases that need ≥ 100 MB run from `scripts/hostile-large.sh`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn thresh_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thresh"));
    cmd.env_remove("RUST_BACKTRACE").env_remove("THRESH_TEST_PANIC_ON");
    cmd
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = thresh_cmd()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run thresh");
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("output is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

const ARTICLE: &str = "The council met on Monday to discuss the budget for the coming year, and \
    after a long debate it approved a plan that will fund the new library and repair the old bridge.";

#[test]
fn a_panic_in_one_document_is_reported_with_its_path_and_the_run_goes_on() {
    if !cfg!(debug_assertions) {
        return; // The fault hook exists only in debug builds, which `cargo test` uses.
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("bad.txt"), format!("{ARTICLE}\n\nTRIGGER-FAULT\n")).unwrap();
    std::fs::write(input.join("good.txt"), format!("{ARTICLE}\n")).unwrap();
    let shard = "{\"text\":\"fine record\",\"id\":1}\n{\"text\":\"TRIGGER-FAULT here\",\"id\":2}\n{\"text\":\"after\"}\n";
    std::fs::write(input.join("shard.jsonl"), shard).unwrap();
    let out = dir.path().join("out");
    let o = thresh_cmd()
        .args(["clean", s(&input), "-o", s(&out)])
        .env("THRESH_TEST_PANIC_ON", "TRIGGER-FAULT")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("bad.txt: internal error while cleaning"), "{err}");
    assert!(err.contains("shard.jsonl:2: internal error while cleaning"), "{err}");
    assert!(err.contains("2 documents hit an internal error"), "{err}");
    assert!(!err.contains("stack backtrace"), "one line per panic, not a backtrace: {err}");
    // The failing text file has no output; the others are complete; the record that failed
    // passed through unchanged (the default --on-error keep).
    assert_eq!(files(&out), ["good.txt", "shard.jsonl"]);
    assert_eq!(std::fs::read_to_string(out.join("good.txt")).unwrap(), format!("{ARTICLE}\n"));
    assert_eq!(std::fs::read_to_string(out.join("shard.jsonl")).unwrap(), shard);

    let mut skipped = thresh_cmd();
    skipped
        .args(["clean", "--on-error", "skip", "--format", "jsonl"])
        .env("THRESH_TEST_PANIC_ON", "TRIGGER-FAULT");
    let o = pipe(skipped, shard.as_bytes());
    assert_eq!(stdout(&o), "{\"text\":\"fine record\",\"id\":1}\n{\"text\":\"after\"}\n", "{}", stderr(&o));
}

fn pipe(mut cmd: Command, input: &[u8]) -> Output {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_document_over_the_size_limit_is_refused_and_nothing_is_written_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("huge.txt"), "x".repeat(5000)).unwrap();
    std::fs::write(input.join("small.txt"), format!("{ARTICLE}\n")).unwrap();
    let out = dir.path().join("out");
    let o = run(&["clean", s(&input), "-o", s(&out), "--max-document-size", "4K"], b"");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("huge.txt: document is larger than the 4 KiB limit; raise it with --max-document-size"),
        "{err}"
    );
    assert_eq!(files(&out), ["small.txt"]);

    let o = run(&["clean", "--max-document-size", "1x"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a size like 512M"), "{}", stderr(&o));
}

#[test]
fn a_jsonl_line_over_the_limit_follows_the_error_policy_without_being_held() {
    let long = format!("{{\"text\":\"{}\",\"id\":2}}\n", "a".repeat(10_000));
    let shard = format!("{{\"text\":\"Advertisement\\n\\nfirst\"}}\n{long}{{\"text\":\"last\"}}\n");
    let args = |policy| ["clean", "--format", "jsonl", "--max-document-size", "1K", "--on-error", policy];
    let kept = run(&args("keep"), shard.as_bytes());
    assert_eq!(kept.status.code(), Some(0), "{}", stderr(&kept));
    assert_eq!(stdout(&kept), format!("{{\"text\":\"first\"}}\n{long}{{\"text\":\"last\"}}\n"));
    assert!(
        stderr(&kept).contains("<stdin>:2: document is larger than the 1 KiB limit"),
        "{}",
        stderr(&kept)
    );
    let skipped = run(&args("skip"), shard.as_bytes());
    assert_eq!(stdout(&skipped), "{\"text\":\"first\"}\n{\"text\":\"last\"}\n");
    let failed = run(&args("fail"), shard.as_bytes());
    assert_eq!(failed.status.code(), Some(1));
    // The same `file:line:` form as the other policies.
    assert!(stderr(&failed).contains("<stdin>:2: document is larger"), "{}", stderr(&failed));
}

#[test]
fn deeply_repetitive_text_finishes_and_keeps_its_first_copy() {
    // 20,000 copies of one paragraph, and one 2 MB line of a single letter.
    let repeated = format!("{ARTICLE}\n\n").repeat(20_000);
    let o = run(&["clean"], repeated.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with(&format!("{ARTICLE}\n")), "the article survives");
    let one_letter = "a".repeat(2 << 20) + "\n";
    let o = run(&["clean"], one_letter.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.is_empty() || out == one_letter, "a line is kept or dropped whole");
    // Lines made of one repeated word, and of ever-longer runs of the same phrase.
    let phrases: String = (1..400).map(|n| "Share this ".repeat(n) + "\n").collect();
    let o = run(&["clean"], phrases.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn every_kind_of_unicode_comes_out_as_valid_utf8_with_prose_intact() {
    let lines = [
        // Right to left: Arabic and Hebrew prose.
        "ناقش المجلس يوم الاثنين ميزانية العام المقبل، وبعد نقاش طويل وافق على خطة لتمويل المكتبة الجديدة وإصلاح الجسر القديم في المدينة.",
        "המועצה התכנסה ביום שני כדי לדון בתקציב לשנה הבאה, ולאחר ויכוח ארוך אישרה תוכנית לממן את הספרייה החדשה ולתקן את הגשר הישן.",
        // Combining marks, decomposed letters, Zalgo stacking.
        "Cafe\u{301} owners in the re\u{301}gion said the new rules, which take effect next month, would change how they serve their customers.",
        "Z\u{351}\u{34c}\u{35b}a\u{35b}\u{327}l\u{336}g\u{34f}o text with stacked marks should come through as it came in, mark for mark, in order.",
        // Emoji with ZWJ sequences, skin tones, flags, and astral-plane letters.
        "The team 👩‍👩‍👧‍👦 celebrated 🎉🏽 after the match 🇺🇦🇬🇧 and the captain said the win 𝐰𝐚𝐬 𝒇𝒐𝒓 𝓮𝓿𝓮𝓻𝔂𝓸𝓷𝓮 who had stayed with them.",
        // CJK, Devanagari, Thai.
        "市议会周一开会讨论明年的预算，经过长时间的辩论，批准了一项为新图书馆提供资金并修复旧桥的计划。",
        "परिषद ने सोमवार को अगले वर्ष के बजट पर चर्चा की और लंबी बहस के बाद नए पुस्तकालय के लिए धन देने की योजना को मंजूरी दी।",
        // Zero-width and bidi controls inside an English sentence.
        "The mayor\u{200b} said\u{200d} the plan\u{2066} would\u{2069} pass\u{202e} easily\u{202c} when the council met again in the spring of next year.",
    ];
    let text = lines.join("\n\n") + "\n";
    let o = run(&["clean"], text.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for line in lines {
        // Zero-width spaces are the one thing normalisation removes (they only break matching).
        let line = line.replace('\u{200b}', "");
        assert!(out.contains(&line), "prose line lost or changed: {line}");
    }
    // The same text as UTF-16 (surrogate pairs for the emoji), both byte orders with a BOM.
    for (bom, encode) in
        [([0xFF, 0xFE], u16::to_le_bytes as fn(u16) -> [u8; 2]), ([0xFE, 0xFF], u16::to_be_bytes)]
    {
        let mut bytes = bom.to_vec();
        bytes.extend(text.encode_utf16().flat_map(encode));
        let o = run(&["clean"], &bytes);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), out);
    }
    // A lone surrogate in UTF-16 becomes U+FFFD, not an error or invalid output.
    let mut bytes = vec![0xFF, 0xFE];
    let units: Vec<u16> =
        "Lone ".encode_utf16().chain([0xD800]).chain(" surrogate.\n".encode_utf16()).collect();
    bytes.extend(units.iter().flat_map(|u| u.to_le_bytes()));
    let o = run(&["clean"], &bytes);
    assert_eq!(stdout(&o), "Lone \u{FFFD} surrogate.\n");
}

#[test]
fn mixed_line_endings_become_one_kind() {
    let text =
        "First paragraph line one.\r\nline two.\rline three.\n\r\n\rSecond paragraph.\u{2028}Same block.\n";
    let o = run(&["clean"], text.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "First paragraph line one.\nline two.\nline three.\n\nSecond paragraph.\nSame block.\n"
    );
}

#[test]
fn a_rule_file_with_100_000_phrases_loads_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("many.toml");
    let mut toml = String::from("[[rule]]\nid = \"many-phrases\"\ncontains = [\n");
    for i in 0..100_000 {
        toml.push_str(&format!("  \"promo code {i:05} today\",\n"));
    }
    toml.push_str("]\n");
    std::fs::write(&rules, toml).unwrap();
    let text = format!("{ARTICLE}\n\nUse promo code 04217 today\n\nUse promo code 99999 today\n");
    let o = run(&["clean", "--rules", s(&rules)], text.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("{ARTICLE}\n"));
    let check = run(&["rules", "check", s(&rules)], b"");
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn a_regex_that_backtracks_elsewhere_runs_in_linear_time_here() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("evil.toml");
    std::fs::write(&rules, "[[rule]]\nid = \"evil\"\nregex = '^(a+)+$'\n").unwrap();
    // A backtracking engine needs 2^n steps for n 'a's followed by a mismatch.
    let text = format!("{ARTICLE}\n\n{}!\n\n{}\n", "a".repeat(50_000), "a".repeat(30));
    let args = ["clean", "--no-default-rules", "--rules", s(&rules), "--disable", "heuristics"];
    let o = run(&args, text.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let expected = format!("{ARTICLE}\n\n{}!\n", "a".repeat(50_000));
    assert!(stdout(&o) == expected, "only the all-'a' line goes");
    // A regex too large to compile is refused with its position, not left to eat memory.
    std::fs::write(&rules, "[[rule]]\nid = \"huge\"\nregex = '\\w{1000}\\w{1000}\\w{1000}'\n").unwrap();
    let o = run(&["clean", "--rules", s(&rules)], b"x\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("evil.toml:3:"), "{}", stderr(&o));
}

#[test]
fn a_rule_that_matches_everything_is_caught_by_the_guard_rails() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("all.toml");
    std::fs::write(&rules, "[[rule]]\nid = \"everything\"\nregex = '.'\nmax_words = 100000\n").unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("page.txt"), format!("{ARTICLE}\n\n").repeat(20)).unwrap();
    let out = dir.path().join("out");
    let o = run(&["clean", s(&input), "-o", s(&out), "--rules", s(&rules)], b"");
    let err = stderr(&o);
    assert!(err.contains("page.txt: every line was dropped"), "{err}");
    assert!(err.contains("1 documents flagged"), "{err}");
    assert!(err.contains("flagged: ") && err.contains("page.txt"), "{err}");
    // The output exists (empty): the report, not silence, is the guard.
    assert_eq!(std::fs::read_to_string(out.join("page.txt")).unwrap(), "");
}

/// Runs the binary as an unprivileged user when the tests run as root, so that file
/// permissions apply.
fn unprivileged(args: &[&str]) -> Output {
    let is_root = Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
    if is_root {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_thresh")])
            .args(args)
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("setpriv")
    } else {
        thresh_cmd().args(args).output().unwrap()
    }
}

fn world_readable_tempdir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn an_output_directory_without_write_permission_is_reported_per_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = world_readable_tempdir();
    let input = dir.path().join("page.txt");
    std::fs::write(&input, format!("{ARTICLE}\n")).unwrap();
    std::fs::set_permissions(&input, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
    let o = unprivileged(&["clean", s(&input), "-o", s(&out)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("page.txt: cannot write output") && err.contains("ermission denied"), "{err}");
    assert!(files(&out).is_empty());
}

#[test]
fn a_full_disk_fails_the_file_and_leaves_no_partial_output() {
    // A file size limit (ulimit -f) makes writes fail as on a full disk, without root.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("big.txt"), format!("{ARTICLE}\n\n").repeat(5000)).unwrap();
    std::fs::write(input.join("small.txt"), format!("{ARTICLE}\n")).unwrap();
    let out = dir.path().join("out");
    let script = format!(
        "trap '' XFSZ; ulimit -f 64; exec '{}' clean '{}' -o '{}' -j 1",
        env!("CARGO_BIN_EXE_thresh"),
        s(&input),
        s(&out)
    );
    let o = Command::new("sh").args(["-c", &script]).env_remove("RUST_BACKTRACE").output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("big.txt: cannot write output"), "{err}");
    assert_eq!(files(&out), ["small.txt"], "no partial or temporary file is left");
    // Standard output on a full device: an error naming it and a non-zero exit.
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let o = thresh_cmd()
        .args(["clean", s(&input.join("small.txt"))])
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("No space left on device"), "{}", stderr(&o));
}

#[test]
fn inputs_are_never_modified() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let page = format!("Advertisement\n\n{ARTICLE}\n");
    std::fs::write(input.join("a.txt"), &page).unwrap();
    let out: PathBuf = dir.path().join("out");
    for _ in 0..2 {
        let o = run(&["clean", s(&input), "-o", s(&out)], b"");
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read_to_string(input.join("a.txt")).unwrap(), page);
    let o = run(&["clean", s(&input), "-o", s(&input)], b"");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(files(&input), ["a.txt"]);
}
