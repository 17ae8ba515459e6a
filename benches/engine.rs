//! The engine's stages on the repository's fixture pages (real scraped pages with chrome), as
//! throughput in bytes: normalise, segment, match (bundled rules), then whole documents with
//! rules only and with the default heuristics; and the line model alone on the rows those
//! pages make, as rows a second. Whole-process runs against ripgrep and cat are in
//! scripts/bench-speed.sh.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use thresh::segment::Document;
use thresh::{Cleaner, DocumentContext, RuleSetBuilder};

fn pages() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut pages = Vec::new();
    for dir in ["seeds", "en", "languages", "clean"] {
        let mut entries: Vec<_> =
            std::fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            if path.to_string_lossy().ends_with(".in.txt") {
                pages.push(String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned());
            }
        }
    }
    pages
}

fn stages(c: &mut Criterion) {
    let pages = pages();
    let bytes: usize = pages.iter().map(String::len).sum();
    let defaults = Cleaner::new(RuleSetBuilder::with_bundled().build().unwrap());
    let rules_only = {
        let mut builder = RuleSetBuilder::with_bundled();
        builder.disable("heuristics");
        Cleaner::new(builder.build().unwrap())
    };
    let documents: Vec<Document> =
        pages.iter().map(|p| Document::from_normalized(thresh::normalize::normalize(p))).collect();

    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("normalize", |b| {
        b.iter(|| pages.iter().map(|p| thresh::normalize::normalize(p).len()).sum::<usize>())
    });
    group.bench_function("normalize+segment", |b| {
        b.iter(|| {
            pages
                .iter()
                .map(|p| Document::from_normalized(thresh::normalize::normalize(p)).len())
                .sum::<usize>()
        })
    });
    group.bench_function("match (bundled rules)", |b| {
        b.iter(|| {
            documents
                .iter()
                .map(|d| defaults.rules().find_hits(d, DocumentContext::default()).len())
                .sum::<usize>()
        })
    });
    // The heuristics' hottest step: every kept line's words against every stoplist.
    let folded_lines: Vec<String> = documents
        .iter()
        .flat_map(|d| (0..d.len()).map(|i| thresh::text::fold::fold(d.line_text(i))))
        .collect();
    group.bench_function("stopword counts", |b| {
        b.iter(|| folded_lines.iter().map(|l| thresh::language::WordCounts::of(l).words).sum::<usize>())
    });
    group.bench_function("clean, rules only", |b| {
        b.iter(|| {
            pages.iter().map(|p| rules_only.run(p, DocumentContext::default()).dropped_lines()).sum::<usize>()
        })
    });
    group.bench_function("clean, defaults", |b| {
        b.iter(|| {
            pages.iter().map(|p| defaults.run(p, DocumentContext::default()).dropped_lines()).sum::<usize>()
        })
    });
    group.finish();

    // The line model alone, on the rows the fixture pages make in every round (a web page's
    // line is judged in about two rounds): what a row costs.
    let rows: Vec<thresh::heuristics::Row> = pages
        .iter()
        .flat_map(|p| defaults.judgement_rows(p, DocumentContext::default()).rows)
        .map(|(_, row)| row)
        .collect();
    let decider = thresh::heuristics::bundled_model().decider(0.3);
    let mut group = c.benchmark_group("line model");
    group.throughput(Throughput::Elements(rows.len() as u64));
    group.bench_function("decide, bundled model", |b| {
        b.iter(|| rows.iter().filter(|row| decider.keeps(&row[..])).count())
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
