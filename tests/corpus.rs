//! Corpus runs of the real binary on files made here: directory trees, JSONL and WET shards,
//! compression, failures, safety of inputs and outputs, resuming and sharding.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn thresh(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_thresh")).args(args).stdin(Stdio::null()).output().expect("run thresh")
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(bytes), &mut out).unwrap();
    out
}

/// Every file under `dir`, as sorted relative paths.
fn tree(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> =
        walk(dir).iter().map(|p| p.strip_prefix(dir).unwrap().display().to_string()).collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

const PAGE: &str =
    "Skip to content\n\nThe council met on Monday.\n\nAdvertisement\n\nIt approved the budget.\n";
const CLEAN: &str = "The council met on Monday.\n\nIt approved the budget.\n";

#[test]
fn a_nested_tree_is_mirrored_and_non_text_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("crawl");
    write(&input.join("a/one.txt"), PAGE);
    write(&input.join("a/b/c/two.txt"), PAGE);
    write(&input.join("empty.txt"), "");
    write(&input.join("logo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let (latin, _, _) = encoding_rs::WINDOWS_1252.encode("Le café a rouvert cet été à Paris.\n\nPublicité\n");
    write(&input.join("latin.txt"), &latin);
    let out = dir.path().join("out");
    let run = thresh(&["clean", s(&input), "-o", s(&out)]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(tree(&out), ["a/b/c/two.txt", "a/one.txt", "empty.txt", "latin.txt"]);
    assert_eq!(std::fs::read_to_string(out.join("a/b/c/two.txt")).unwrap(), CLEAN);
    assert_eq!(std::fs::read_to_string(out.join("empty.txt")).unwrap(), "");
    assert_eq!(
        std::fs::read_to_string(out.join("latin.txt")).unwrap(),
        "Le café a rouvert cet été à Paris.\n"
    );
    let err = stderr(&run);
    assert!(err.contains("logo.png: skipped: not text"), "{err}");
    assert!(err.contains("4 files cleaned, 1 skipped, 0 failed"), "{err}");
    assert!(err.contains("top rules by lines dropped"), "{err}");
}

#[test]
fn jsonl_keeps_every_other_byte_and_the_order() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"id": 1, "text": "Skip to content\n\nL'été à Zürich \u00e9 — “quoted” \\ back\\slash\n\nAdvertisement", "meta": {"lang": "fr", "score": 0.5000}, "url": "https://ex.test/1"}"#,
        r#"{"text":"Emoji 🎉 and tab\tstay.\n\nShare","id":2,"nested":[1,{"text":"inner field untouched\n\nAdvertisement"}]}"#,
        r#"  {"id":3,"text":"","extra":null}  "#,
    ];
    let input = dir.path().join("in/shard.jsonl");
    write(&input, lines.join("\n") + "\n");
    let out = dir.path().join("out");
    let run = thresh(&["clean", s(&input), "-o", s(&out)]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let got = std::fs::read_to_string(out.join("shard.jsonl")).unwrap();
    let expected = [
        r#"{"id": 1, "text": "L'été à Zürich é — “quoted” \\ back\\slash", "meta": {"lang": "fr", "score": 0.5000}, "url": "https://ex.test/1"}"#,
        r#"{"text":"Emoji 🎉 and tab\tstay.","id":2,"nested":[1,{"text":"inner field untouched\n\nAdvertisement"}]}"#,
        r#"  {"id":3,"text":"","extra":null}  "#,
    ];
    assert_eq!(got, expected.join("\n") + "\n");
}

#[test]
fn jsonl_gz_and_zst_round_trip_with_their_compression() {
    let dir = tempfile::tempdir().unwrap();
    let record = |id: u32| format!("{{\"id\":{id},\"content\":\"Real text {id}.\\n\\nAdvertisement\"}}\n");
    let body: String = (0..500).map(record).collect();
    write(&dir.path().join("in/a.jsonl.gz"), gzip(body.as_bytes()));
    write(&dir.path().join("in/b.jsonl.zst"), zstd::encode_all(body.as_bytes(), 3).unwrap());
    let out = dir.path().join("out");
    let run =
        thresh(&["clean", s(&dir.path().join("in")), "-o", s(&out), "--text-field", "content", "-j", "2"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let expected: String =
        (0..500).map(|id| format!("{{\"id\":{id},\"content\":\"Real text {id}.\"}}\n")).collect();
    let gz = std::fs::read(out.join("a.jsonl.gz")).unwrap();
    assert_eq!(&gz[..2], &[0x1F, 0x8B], "gzip in, gzip out");
    assert_eq!(String::from_utf8(gunzip(&gz)).unwrap(), expected);
    let zst = std::fs::read(out.join("b.jsonl.zst")).unwrap();
    assert_eq!(&zst[..4], &[0x28, 0xB5, 0x2F, 0xFD], "zstd in, zstd out");
    assert_eq!(String::from_utf8(zstd::decode_all(&zst[..]).unwrap()).unwrap(), expected);
}

#[test]
fn compression_is_detected_from_bytes_not_names() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("misnamed.jsonl");
    write(&input, gzip(b"{\"text\":\"Body.\\n\\nAdvertisement\"}\n"));
    let run = thresh(&["clean", s(&input)]);
    assert_eq!(String::from_utf8(run.stdout).unwrap(), "{\"text\":\"Body.\"}\n");
}

fn warc(kind: &str, uri: &str, id: &str, body: &str) -> Vec<u8> {
    let record = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-12-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:{id}>\r\nWARC-Identified-Content-Language: eng\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
        body.len()
    );
    gzip(record.as_bytes())
}

#[test]
fn wet_records_become_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let mut wet = warc("warcinfo", "", "info", "software: test\r\n");
    wet.extend(warc(
        "conversion",
        "https://www.kyivpost.com/post/1",
        "r1",
        "Story one.\nOther Topics of Interest\n\nTeaser headline\n\nTeaser summary.\n\nMore of story one.",
    ));
    wet.extend(warc("conversion", "https://example.test/2", "r2", "Story two. Héllo.\nAdvertisement"));
    write(&dir.path().join("in/CC-MAIN-x.warc.wet.gz"), &wet);
    let out = dir.path().join("out");
    let run = thresh(&["clean", s(&dir.path().join("in")), "-o", s(&out), "--annotate"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let text = String::from_utf8(gunzip(&std::fs::read(out.join("CC-MAIN-x.jsonl.gz")).unwrap())).unwrap();
    let records: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["url"], "https://www.kyivpost.com/post/1");
    assert_eq!(records[0]["warc_record_id"], "<urn:uuid:r1>");
    assert_eq!(records[0]["language"], "eng");
    assert_eq!(records[0]["date"], "2024-12-01T00:00:00Z", "WARC-Date is kept");
    // The URL activates the Kyiv Post pack by domain.
    assert_eq!(records[0]["text"], "More of story one.");
    assert_eq!(records[1]["text"], "Story two. Héllo.");
    assert_eq!(records[1]["thresh"]["removed_lines"], 1);
    assert_eq!(records[1]["thresh"]["rules"]["ads/advertisement-marker"], 1);
    assert!(text.starts_with("{\"url\":"), "fields in a fixed order: {text}");
    assert!(text.lines().all(|l| l.ends_with("}}")), "the annotation is the last field: {text}");

    // Under another name, once.
    let out2 = dir.path().join("out2");
    let run = thresh(&[
        "clean",
        s(&dir.path().join("in")),
        "-o",
        s(&out2),
        "--annotate",
        "--annotate-field",
        "cleaning",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let text = String::from_utf8(gunzip(&std::fs::read(out2.join("CC-MAIN-x.jsonl.gz")).unwrap())).unwrap();
    let second: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    assert_eq!(second["cleaning"]["removed_lines"], 1);
    assert!(second.get("thresh").is_none());
}

#[test]
fn annotating_annotated_records_replaces_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.jsonl");
    write(&input, "{\"text\":\"A.\\n\\nShare this article\\n\\nAdvertisement\",\"id\":1}\n");
    let once = thresh(&["clean", "--annotate", s(&input)]);
    assert_eq!(once.status.code(), Some(0), "{}", stderr(&once));
    let annotated = dir.path().join("annotated.jsonl");
    write(&annotated, &once.stdout);
    let twice = thresh(&["clean", "--annotate", s(&annotated)]);
    let line = String::from_utf8(twice.stdout).unwrap();
    assert_eq!(line.matches("\"thresh\"").count(), 1, "one annotation field: {line}");
    let record: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(record["thresh"]["removed_lines"], 0, "the second run removed nothing: {line}");
    assert_eq!(record["id"], 1);
}

#[test]
fn a_truncated_gz_fails_alone_and_leaves_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let body: String = (0..2000).map(|i| format!("{{\"text\":\"Line {i} of a long shard.\"}}\n")).collect();
    let mut cut = gzip(body.as_bytes());
    cut.truncate(cut.len() / 2);
    write(&dir.path().join("in/cut.jsonl.gz"), cut);
    write(&dir.path().join("in/ok.txt"), PAGE);
    let out = dir.path().join("out");
    let run = thresh(&["clean", s(&dir.path().join("in")), "-o", s(&out)]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("cut.jsonl.gz: line"), "{}", stderr(&run));
    assert_eq!(tree(&out), ["ok.txt"], "no partial output, no temporary file");
}

#[test]
fn malformed_jsonl_lines_follow_the_on_error_policy() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in/s.jsonl");
    write(
        &input,
        "{\"text\":\"A.\\n\\nShare\"}\n{not json}\n{\"body\":\"no text field\"}\n{\"text\":\"B.\"}\n",
    );
    let clean_a = "{\"text\":\"A.\"}\n";
    for (policy, expected, code) in [
        ("keep", format!("{clean_a}{{not json}}\n{{\"body\":\"no text field\"}}\n{{\"text\":\"B.\"}}\n"), 0),
        ("skip", format!("{clean_a}{{\"text\":\"B.\"}}\n"), 0),
    ] {
        let out = dir.path().join(format!("out-{policy}"));
        let run = thresh(&["clean", s(&input), "-o", s(&out), "--on-error", policy]);
        assert_eq!(run.status.code(), Some(code), "{policy}: {}", stderr(&run));
        assert_eq!(std::fs::read_to_string(out.join("s.jsonl")).unwrap(), expected, "{policy}");
        let err = stderr(&run);
        assert!(err.contains("s.jsonl:2: not a JSON object"), "{policy}: {err}");
        assert!(err.contains("s.jsonl:3: no string field `text`"), "{policy}: {err}");
    }
    let out = dir.path().join("out-fail");
    let run = thresh(&["clean", s(&input), "-o", s(&out), "--on-error", "fail"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("s.jsonl: line 2: not a JSON object"), "{}", stderr(&run));
    assert!(!out.join("s.jsonl").exists());
}

#[test]
fn unreadable_entries_fail_alone() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&input.join("good.txt"), PAGE);
    std::os::unix::fs::symlink(dir.path().join("nowhere.txt"), input.join("broken.txt")).unwrap();
    let out = dir.path().join("out");
    let run = thresh(&["clean", s(&input), "-o", s(&out), "--stats", s(&dir.path().join("stats.json"))]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("broken.txt"), "{}", stderr(&run));
    assert_eq!(tree(&out), ["good.txt"]);
    let stats: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("stats.json")).unwrap()).unwrap();
    assert_eq!(stats["files_done"], 1);
    assert_eq!(stats["files_failed"], 1);
    assert!(stats["failures"][0]["path"].as_str().unwrap().ends_with("broken.txt"));
}

#[test]
fn a_single_50_mb_line_is_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let sentence = "A long line of real article text without any breaks, ";
    let text = sentence.repeat(50_000_000 / sentence.len());
    let record = format!("{{\"id\":1,\"text\":\"{text}\\n\\nAdvertisement\"}}\n");
    write(&dir.path().join("in/big.jsonl"), &record);
    let out = dir.path().join("out");
    let run = thresh(&["clean", s(&dir.path().join("in")), "-o", s(&out)]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let got = std::fs::read_to_string(out.join("big.jsonl")).unwrap();
    // The marker goes, and normalisation trims the space that ended the text.
    assert_eq!(got.len(), record.len() - "\\n\\nAdvertisement".len() - 1);
    assert!(got.ends_with(&format!("{}\"}}\n", sentence.trim_end())));
}

#[test]
fn an_output_inside_the_input_is_refused_and_inputs_are_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&input.join("a.txt"), PAGE);
    for out in [input.join("cleaned"), input.clone(), dir.path().to_path_buf()] {
        let run = thresh(&["clean", s(&input), "-o", s(&out)]);
        assert_eq!(run.status.code(), Some(2), "{}", out.display());
        assert!(stderr(&run).contains("refusing, so that no input can be overwritten"), "{}", stderr(&run));
    }
    assert_eq!(tree(&input), ["a.txt"]);
    assert_eq!(std::fs::read_to_string(input.join("a.txt")).unwrap(), PAGE);
}

#[test]
fn directories_need_an_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("in/a.txt"), PAGE);
    let run = thresh(&["clean", s(&dir.path().join("in"))]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("add -o OUT"), "{}", stderr(&run));
}

#[test]
fn skip_existing_resumes_without_redoing_finished_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    for i in 0..5 {
        write(&input.join(format!("{i}.txt")), PAGE);
    }
    let out = dir.path().join("out");
    // What an interrupted run leaves: two finished files and a temporary one.
    write(&out.join("0.txt"), "finished earlier\n");
    write(&out.join("1.txt"), "finished earlier\n");
    write(&out.join(".2.txt.abc123.thresh-tmp"), "partial");
    let run = thresh(&["clean", s(&input), "-o", s(&out), "--skip-existing"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stderr(&run).contains("3 files cleaned, 2 skipped"), "{}", stderr(&run));
    assert_eq!(std::fs::read_to_string(out.join("0.txt")).unwrap(), "finished earlier\n");
    for i in 2..5 {
        assert_eq!(std::fs::read_to_string(out.join(format!("{i}.txt"))).unwrap(), CLEAN);
    }
}

#[test]
fn sigint_mid_run_leaves_only_complete_files_and_a_resume_finishes_the_job() {
    interrupt_mid_run_then_resume("-INT");
}

#[test]
fn sigterm_mid_run_leaves_only_complete_files_and_a_resume_finishes_the_job() {
    interrupt_mid_run_then_resume("-TERM");
}

fn interrupt_mid_run_then_resume(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let big_page = PAGE.repeat(20_000);
    for i in 0..60 {
        write(&input.join(format!("{i:02}.txt")), &big_page);
    }
    // This test is about completeness, so the library's own result is the oracle.
    let cleaner = thresh::Cleaner::new(thresh::RuleSetBuilder::with_bundled().build().unwrap());
    let expected = cleaner.clean(&big_page);
    assert!(expected.len() > 500_000 && !expected.contains("Advertisement"));
    let out = dir.path().join("out");
    let child = Command::new(env!("CARGO_BIN_EXE_thresh"))
        .args(["clean", s(&input), "-o", s(&out), "-j", "1", "-q"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first finished file, then interrupt.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !out.join("00.txt").exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
    let interrupted = child.wait_with_output().unwrap();
    assert_eq!(interrupted.status.code(), Some(130), "{}", stderr(&interrupted));
    assert!(stderr(&interrupted).contains("rerun with --skip-existing"), "{}", stderr(&interrupted));
    let done = tree(&out);
    assert!(!done.is_empty() && done.len() < 60, "interrupted after {} files", done.len());
    for name in &done {
        assert!(!name.contains("thresh-tmp"), "temporary file left: {name}");
        assert_eq!(std::fs::read_to_string(out.join(name)).unwrap(), expected, "{name} is complete");
    }
    let resumed = thresh(&["clean", s(&input), "-o", s(&out), "--skip-existing"]);
    assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
    assert_eq!(tree(&out).len(), 60);
    for name in tree(&out) {
        assert_eq!(std::fs::read_to_string(out.join(&name)).unwrap(), expected, "{name}");
    }
}

#[test]
fn shard_slices_cover_every_file_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    for i in 0..17 {
        write(&input.join(format!("d{}/{i}.txt", i % 3)), PAGE);
    }
    let mut all = Vec::new();
    for slice in 0..4 {
        let out = dir.path().join(format!("out{slice}"));
        let run = thresh(&["clean", s(&input), "-o", s(&out), "--shard", &format!("{slice}/4")]);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        if out.exists() {
            all.extend(tree(&out));
        }
    }
    all.sort();
    assert_eq!(all, tree(&input));
    let bad = thresh(&["clean", s(&input), "-o", s(&dir.path().join("x")), "--shard", "4/4"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn jsonl_on_stdin_and_stdout() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_thresh"))
        .args(["clean", "--format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"{\"text\":\"Body.\\n\\nShare\"}\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "{\"text\":\"Body.\"}\n");
}
