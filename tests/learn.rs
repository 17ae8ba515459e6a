//! `thresh learn` on a generated corpus with a repeated footer: the footer is proposed, content
//! is not, and the proposal cleans the corpus.

use std::process::Command;

fn thresh(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_thresh")).args(args).output().unwrap()
}

const FOOTER: &str = "The Harbour Gazette is printed by Gazette Press on recycled paper";

fn article(i: usize) -> String {
    let topics = ["ferry timetable", "fish market", "lighthouse repairs", "sailing school", "harbour wall"];
    format!(
        "Story {i}: the {} changes this week\n\nResidents of the old town said on day {i} that the {} had been discussed at length, and that a decision is expected before the end of the month.\n\nPhoto\n\n{FOOTER}\n",
        topics[i % topics.len()],
        topics[(i + 2) % topics.len()]
    )
}

#[test]
fn a_repeated_footer_is_proposed_and_the_proposal_cleans_it() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for i in 0..12 {
        std::fs::write(corpus.join(format!("{i:02}.txt")), article(i)).unwrap();
    }
    let learned = dir.path().join("learned");
    let out = thresh(&["learn", corpus.to_str().unwrap(), "-o", learned.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let pack = std::fs::read_to_string(learned.join("all.toml")).unwrap();
    assert!(pack.contains(&format!("line = \"{FOOTER}\"")), "{pack}");
    assert!(pack.contains("# 12 of 12 documents (100.0%), e.g. "), "{pack}");
    assert!(!pack.contains("Residents of the old town"), "content does not repeat: {pack}");
    // "Photo" repeats too, but is a short generic line: proposed switched off.
    let photo = pack.split("[[rule]]").find(|r| r.contains("line = \"Photo\"")).expect("Photo proposed");
    assert!(photo.contains("enabled = false") && pack.contains("# review: a short generic line"), "{pack}");

    let check = thresh(&["rules", "check", learned.join("learned.toml").to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stdout));
    let cleaned = thresh(&[
        "clean",
        "--rules",
        learned.join("learned.toml").to_str().unwrap(),
        corpus.join("03.txt").to_str().unwrap(),
    ]);
    let text = String::from_utf8(cleaned.stdout).unwrap();
    assert!(!text.contains(FOOTER), "{text}");
    assert!(text.contains("Residents of the old town said on day 3"), "{text}");
    assert!(text.contains("Photo"), "switched-off proposals do nothing until enabled");

    let again = thresh(&["learn", corpus.to_str().unwrap(), "-o", learned.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2), "earlier proposals are not overwritten silently");
    let forced = thresh(&["learn", corpus.to_str().unwrap(), "-o", learned.to_str().unwrap(), "--force"]);
    assert_eq!(forced.status.code(), Some(0));
}

#[test]
fn proposals_are_made_per_site_from_urls() {
    let dir = tempfile::tempdir().unwrap();
    let mut shard = String::new();
    for i in 0..10 {
        let site = if i % 2 == 0 { "https://www.harbour.test/story" } else { "https://valley.test/news" };
        let footer = if i % 2 == 0 { FOOTER } else { "Valley Weekly, all the news from the valley" };
        let text = article(i).replace(FOOTER, footer);
        shard.push_str(&serde_json::json!({ "text": text, "url": format!("{site}/{i}") }).to_string());
        shard.push('\n');
    }
    let input = dir.path().join("shard.jsonl");
    std::fs::write(&input, shard).unwrap();
    let learned = dir.path().join("learned");
    let out = thresh(&["learn", input.to_str().unwrap(), "-o", learned.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let harbour = std::fs::read_to_string(learned.join("harbour-test.toml")).unwrap();
    assert!(
        harbour.contains("site = { domains = [\"harbour.test\"] }") && harbour.contains(FOOTER),
        "{harbour}"
    );
    assert!(!harbour.contains("Valley Weekly"));
    let valley = std::fs::read_to_string(learned.join("valley-test.toml")).unwrap();
    assert!(valley.contains("Valley Weekly"));
    let index = std::fs::read_to_string(learned.join("learned.toml")).unwrap();
    assert!(index.contains("\"harbour-test.toml\"") && index.contains("\"valley-test.toml\""), "{index}");
}

#[test]
fn learn_reads_records_as_clean_does_bounded_and_recognised_by_content() {
    // A shard named like text, with one record over the size limit: learn recognises the
    // records, skips the huge one without holding it, and says so.
    let dir = tempfile::tempdir().unwrap();
    let mut shard = String::new();
    for i in 0..8 {
        shard.push_str(
            &serde_json::json!({ "text": article(i), "url": format!("https://harbour.test/{i}") })
                .to_string(),
        );
        shard.push('\n');
    }
    let huge = "word ".repeat(2000);
    shard.push_str(&serde_json::json!({ "text": huge, "url": "https://harbour.test/huge" }).to_string());
    shard.push('\n');
    let input = dir.path().join("export.txt");
    std::fs::write(&input, shard).unwrap();
    let learned = dir.path().join("learned");
    let out = thresh(&[
        "learn",
        input.to_str().unwrap(),
        "-o",
        learned.to_str().unwrap(),
        "--max-document-size",
        "4K",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("export.txt: 1 records skipped"), "{stderr}");
    let harbour = std::fs::read_to_string(learned.join("harbour-test.toml")).unwrap();
    assert!(harbour.contains(FOOTER) && harbour.contains("# 8 of 8 documents"), "{harbour}");
}
