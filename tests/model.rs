//! The line model end to end: `thresh train` on a small labelled corpus, `--model`, the
//! precision/recall dial, and what `explain` shows of the model.

use std::path::Path;
use std::process::{Command, Output};

fn thresh(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_thresh")).args(args).output().expect("run thresh")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

const ARTICLES: [[&str; 3]; 4] = [
    [
        "The city council voted on Tuesday to build forty kilometres of protected bike lanes over the next three years, ending a long debate.",
        "Supporters said that the lanes would make the city safer for the children who cycle to school every morning.",
        "The mayor said that the first lanes would open in the spring, and that the council would report on their use.",
    ],
    [
        "The old swimming pool on the river reopened on Saturday after two years of repairs to its roof and its heating.",
        "Hundreds of families queued in the sun before the doors opened, and the first lanes were full within minutes.",
        "The manager said that the pool would stay open late on Fridays through the summer if the crowds kept coming.",
    ],
    [
        "A small bakery in the market square has won the regional prize for its rye bread for the third year in a row.",
        "Its owner, who took over the shop from her father, said the secret was patience and a starter older than she is.",
        "The judges praised the crust and said that the bread kept its flavour for days without going stale at all.",
    ],
    [
        "The library will lend tools as well as books from next month, from drills and ladders to sewing machines.",
        "Members can borrow up to three tools at a time for a week, and the first loans are free for everyone in town.",
        "The idea came from residents who said that they rarely used the tools they had bought for a single job.",
    ],
];

/// Writes a gold directory and a page view: each page is its article between a menu and a
/// footer; ids `a-*` and `b-*` are two sources.
/// `thresh train` on the gold and page views of [`corpus`], writing `model`.
fn train(gold: &Path, page: &Path, model: &Path, settings: &[&str]) -> Output {
    let mut args = vec!["train", "--gold", s(gold), "--view", s(page), "-o", s(model)];
    args.extend_from_slice(settings);
    thresh(&args)
}

fn corpus(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (gold, page) = (dir.join("gold"), dir.join("page"));
    std::fs::create_dir_all(&gold).unwrap();
    std::fs::create_dir_all(&page).unwrap();
    for (n, article) in ARTICLES.iter().enumerate() {
        let id = format!("{}-{n}", if n % 2 == 0 { "a" } else { "b" });
        std::fs::write(gold.join(format!("{id}.txt")), article.join("\n") + "\n").unwrap();
        let text = format!(
            "Home\nNews\nSport\nWeather\n\n{}\n\nContact the newsroom\nJobs at the paper\nSite map\n",
            article.join("\n\n")
        );
        std::fs::write(page.join(format!("{id}.txt")), text).unwrap();
    }
    (gold, page)
}

#[test]
fn train_writes_the_same_model_every_time_and_clean_uses_it() {
    let dir = tempfile::tempdir().unwrap();
    let (gold, page) = corpus(dir.path());
    let (first, second) = (dir.path().join("m1.json"), dir.path().join("m2.json"));
    for model in [&first, &second] {
        let out = train(&gold, &page, model, &["--trees", "5", "--depth", "3"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stderr(&out).contains("trained 5 trees"), "{}", stderr(&out));
    }
    let bytes = std::fs::read(&first).unwrap();
    assert_eq!(bytes, std::fs::read(&second).unwrap(), "training is deterministic");
    let model: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(model["trees"].as_array().unwrap().len(), 5);
    assert_eq!(model["features"][0], "chars");
    let cleaned = thresh(&["clean", "--model", s(&first), s(&page.join("a-0.txt"))]);
    assert_eq!(cleaned.status.code(), Some(0), "{}", stderr(&cleaned));
    for paragraph in ARTICLES[0] {
        assert!(stdout(&cleaned).contains(paragraph), "{}", stdout(&cleaned));
    }
}

#[test]
fn cross_validation_lists_each_source() {
    let dir = tempfile::tempdir().unwrap();
    let (gold, page) = corpus(dir.path());
    let model = dir.path().join("m.json");
    let out = train(&gold, &page, &model, &["--trees", "3", "--cross-validate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stdout(&out);
    assert!(
        table.starts_with("| source | documents | rounds alone | all sources | source left out |"),
        "{table}"
    );
    assert!(table.contains("\n| a | 2 | F1 ") && table.contains("\n| b | 2 | F1 "), "{table}");
}

#[test]
fn a_model_of_other_features_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("old.json");
    std::fs::write(&bad, r#"{"version":1,"features":["length"],"base_score":0,"trees":[]}"#).unwrap();
    let out = thresh(&["clean", "--model", s(&bad), "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("old.json: not a thresh model: trained on other features"),
        "{}",
        stderr(&out)
    );
    let out = thresh(&["clean", "--model", s(&dir.path().join("missing.json")), "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read model") && stderr(&out).contains("missing.json"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn train_needs_labelled_documents() {
    let dir = tempfile::tempdir().unwrap();
    let out = thresh(&["train", "-o", s(&dir.path().join("m.json"))]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nothing to train on"), "{}", stderr(&out));
    assert!(!dir.path().join("m.json").exists());
}

fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel).to_str().unwrap().to_string()
}

#[test]
fn the_dial_keeps_more_as_it_falls() {
    for page in ["content/counter.page.txt", "content/schedule.page.txt", "content/howto.page.txt"] {
        let kept = |p: &str| {
            stdout(&thresh(&["clean", "--min-article-probability", p, &fixture(page)])).lines().count()
        };
        let (all, default, strict) = (kept("0"), kept("0.3"), kept("0.9"));
        assert!(all >= default && default >= strict && all > strict, "{page}: {all} {default} {strict}");
    }
    let out = thresh(&["clean", "--min-article-probability", "1.5", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("\"1.5\" is not a probability"), "{}", stderr(&out));
}

#[test]
fn explain_shows_what_the_model_made_of_each_line() {
    let page = fixture("content/counter.page.txt");
    let text = stdout(&thresh(&["explain", &page]));
    assert!(text.lines().any(|l| l.contains(" keep - p=")), "{text}");
    let dropped: Vec<&str> = text.lines().filter(|l| l.contains(" drop heuristics/")).collect();
    assert!(!dropped.is_empty(), "{text}");
    assert!(text.contains("| weighed most: "), "{text}");
    let with_rows = stdout(&thresh(&["explain", "--features", &page]));
    assert!(with_rows.contains("| features: chars="), "{with_rows}");
    // Without the model, the rounds alone decide and no probability is shown.
    let rounds = stdout(&thresh(&["explain", "--disable", "heuristics/line-model", &page]));
    assert!(!rounds.contains("p=") && !rounds.contains("line-model"), "{rounds}");
    // A line kept below the dial says a guard kept it (here, lines of the article kept below a
    // strict dial), and only such a line.
    let changelog = fixture("content/changelog.page.txt");
    for dial in ["0", "0.3", "0.5"] {
        let text = stdout(&thresh(&["explain", "--min-article-probability", dial, &changelog]));
        let mut guarded = 0;
        for line in text.lines().filter(|l| l.contains(" keep - p=")) {
            let (p, dial): (f32, f32) =
                (line.split(" p=").nth(1).unwrap()[..4].parse().unwrap(), dial.parse().unwrap());
            if (p - dial).abs() < 0.006 {
                continue; // p is shown rounded to two places
            }
            assert_eq!(line.contains("(guarded)"), p < dial, "{line}");
            guarded += usize::from(line.contains("(guarded)"));
        }
        assert!(dial != "0.5" || guarded > 0, "{text}");
    }
}

/// A model file of one tree over `chars` that keeps long lines and lines of exactly 15
/// characters, and drops every other short line.
fn model_keeping_lines_of_15_characters() -> String {
    // node 0: chars <= 100 ? 1 : 2 (long: keep); node 1: chars <= 14.5 ? 3 (drop) : 4;
    // node 4: chars <= 15.5 ? 5 (keep) : 6 (drop). `u16::MAX` marks a leaf.
    let leaf = u16::MAX;
    one_tree_model(&format!(
        r#""feature": [0, 0, {leaf}, {leaf}, 0, {leaf}, {leaf}],
            "threshold": [100.0, 14.5, 0.0, 0.0, 15.5, 0.0, 0.0],
            "left": [1, 3, 0, 0, 5, 0, 0],
            "right": [2, 4, 0, 0, 6, 0, 0],
            "value": [0.0, 0.0, 5.0, -5.0, 0.0, 5.0, -5.0]"#
    ))
}

/// A model file of this thresh's features with one tree (its arrays, as JSON fields).
fn one_tree_model(tree: &str) -> String {
    let names: Vec<String> = thresh::heuristics::FEATURE_NAMES.iter().map(|n| format!("\"{n}\"")).collect();
    format!(
        r#"{{"version": 1, "features": [{}], "base_score": 0.0, "trees": [{{{tree}}}]}}"#,
        names.join(", ")
    )
}

#[test]
fn a_footer_line_the_model_alone_keeps_among_dropped_ones_goes() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json");
    std::fs::write(&model, model_keeping_lines_of_15_characters()).unwrap();
    let [p1, p2, p3] = [
        "The city council voted on Tuesday to build forty kilometres of protected bike lanes over the next three years, ending a debate that had divided residents for a decade.",
        "Supporters said that the lanes would make the city safer for the children who cycle to school, while opponents argued that the shops along the main road would suffer.",
        "The mayor said that the first lanes would open in the spring, and that the council would report on their use to the residents of each district before deciding on more.",
    ];
    // A footer of short lines after the article, above a menu line, which the rounds drop:
    // "Privacy and you" (15 characters) is the one the model keeps; "Tel: 555 010 99" (15 too)
    // is a key and a value, an item of a list.
    let page = dir.path().join("page.txt");
    let footer = [
        "Jobs",
        "Masthead",
        "Privacy and you",
        "Ethics",
        "Letters",
        "Tel: 555 010 99",
        "Staff",
        "News | Sport | Weather | Traffic | Jobs",
    ];
    std::fs::write(&page, format!("{p1}\n{p2}\n{p3}\n{}\n", footer.join("\n"))).unwrap();
    let clean = |extra: &[&str]| {
        let mut args = vec!["clean", "--model", s(&model), s(&page)];
        args.extend_from_slice(extra);
        stdout(&thresh(&args))
    };
    let cleaned = clean(&[]);
    assert!(cleaned.contains(p3) && !cleaned.contains("Privacy and you"), "{cleaned}");
    assert!(cleaned.contains("Tel: 555 010 99"), "a list item is no island: {cleaned}");
    assert!(!cleaned.contains("Masthead"), "{cleaned}");
    let explained = stdout(&thresh(&["explain", "--model", s(&model), s(&page)]));
    let line = explained.lines().find(|l| l.ends_with("| Privacy and you")).unwrap();
    assert!(line.contains("drop heuristics/footer-island p=0.99"), "{line}");
    // Switched off, the model's verdict stands.
    let kept = clean(&["--disable", "heuristics/footer-island"]);
    assert!(kept.contains("Privacy and you") && !kept.contains("Masthead"), "{kept}");
}

/// A model of one leaf that keeps every line (probability 0.99).
fn model_keeping_every_line() -> String {
    one_tree_model(r#""feature": [65535], "threshold": [0.0], "left": [0], "right": [0], "value": [5.0]"#)
}

/// A directory holding that model, and the model's path: the guards on the model's verdicts
/// alone decide what goes.
fn with_model_keeping_every_line() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json");
    std::fs::write(&model, model_keeping_every_line()).unwrap();
    (dir, model)
}

#[test]
fn the_comments_under_an_article_go_from_the_header_after_its_first_comment() {
    let (dir, model) = with_model_keeping_every_line();
    let [p1, p2, p3] = ARTICLES[0];
    let byline = "Posted by Maria Lopez on March 3, 2024 at 9:15 am";
    let comments = [
        "by Tom Baker on March 3, 2024 at 10:02 am",
        "Finally! I have been waiting years for a safe way to ride my bike to work in the morning, and now my children will be able to cycle to their school on the other side of the river too.",
        "by Anna Weber on March 3, 2024 at 11:40 am",
        "I run a shop on the main road, and I am worried about where my customers will park their cars once the lanes are built, since most of them come from the villages around the city.",
        "by Joe Smith on March 4, 2024 at 8:05 am",
        "The lanes in the next city over made the traffic worse for a year, and then everybody got used to them, and now nobody there would want to go back to how the main road was before.",
    ];
    let page = dir.path().join("page.txt");
    std::fs::write(
        &page,
        format!("Bike lanes for the city\n{byline}\n{p1}\n{p2}\n{p3}\n{}\n", comments.join("\n")),
    )
    .unwrap();
    let clean = |extra: &[&str]| {
        let mut args = vec!["clean", "--model", s(&model), s(&page)];
        args.extend_from_slice(extra);
        stdout(&thresh(&args))
    };
    // The byline above the article is shaped like a comment's header: it stays, and the
    // thread starts at the next header.
    let article = format!("Bike lanes for the city\n{byline}\n{p1}\n{p2}\n{p3}\n");
    assert_eq!(clean(&[]), article);
    let explained = stdout(&thresh(&["explain", "--model", s(&model), s(&page)]));
    for line in comments {
        let row = explained.lines().find(|l| l.ends_with(&format!("| {line}"))).unwrap();
        assert!(row.contains("drop heuristics/comment-thread"), "{row}");
    }
    // Switched off, the model's verdicts stand.
    let kept = clean(&["--disable", "heuristics/comment-thread"]);
    assert!(kept.contains(comments[5]), "{kept}");
    // Without a byline, the first header is a comment's: that comment stays (the first header
    // is never taken for the start).
    std::fs::write(&page, format!("{p1}\n{p2}\n{p3}\n{}\n", comments.join("\n"))).unwrap();
    assert_eq!(clean(&[]), format!("{p1}\n{p2}\n{p3}\n{}\n{}\n", comments[0], comments[1]));
    // Two headers are too few for the rule (`min_lines = 3`): a byline can come twice.
    std::fs::write(
        &page,
        format!("{byline}\n{p1}\n{p2}\n{p3}\n{}\n{}\n{}\n", comments[0], comments[1], comments[5]),
    )
    .unwrap();
    let two = clean(&[]);
    assert!(two.contains(comments[5]), "{two}");
    let explained = stdout(&thresh(&["explain", "--model", s(&model), s(&page)]));
    let row = explained.lines().find(|l| l.ends_with(&format!("| {}", comments[0]))).unwrap();
    assert!(row.contains("keep guard/min-lines (comments/comment-byline)"), "{row}");
}

#[test]
fn a_comment_count_with_a_prompt_opens_the_comments_only_after_the_article() {
    let (dir, model) = with_model_keeping_every_line();
    let [p1, p2, p3] = ARTICLES[0];
    let opening = "14 Comments Leave a comment";
    let comment = "Finally! I have been waiting years for a safe way to ride my bike to work in the morning.";
    let page = dir.path().join("page.txt");
    let clean = |text: &str| {
        std::fs::write(&page, text).unwrap();
        stdout(&thresh(&["clean", "--model", s(&model), s(&page)]))
    };
    // After the article: it and the comments under it go.
    let after = clean(&format!("Bike lanes for the city\n{p1}\n{p2}\n{p3}\n{opening}\n{comment}\n"));
    assert_eq!(after, format!("Bike lanes for the city\n{p1}\n{p2}\n{p3}\n"));
    let explained = stdout(&thresh(&["explain", "--model", s(&model), s(&page)]));
    let row = explained.lines().find(|l| l.ends_with(&format!("| {comment}"))).unwrap();
    assert!(row.contains("drop heuristics/comment-thread"), "{row}");
    // Under the headline, above the article (which the rounds keep it with), it starts
    // nothing: the article's first paragraph comes after it.
    let above = format!("Bike lanes for the city\n{opening}\n{p1}\n{p2}\n{p3}\n");
    assert_eq!(clean(&above), above);
}
