//! `thresh rules list | check | test`.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use thresh::error::RuleDiagnostic;
use thresh::matcher::RuleIndex;
use thresh::rules::{load_rule_file, RulePack};
use thresh::{Cleaner, RuleErrors, RuleSet, RuleSetBuilder};

use super::args::{RuleArgs, RulesCommand};
use super::{build_rules, rule_builder, EXIT_INPUT_FAILED, EXIT_USAGE};

pub(crate) fn run(command: RulesCommand) -> anyhow::Result<ExitCode> {
    match command {
        RulesCommand::List { rules, phrases: true, .. } => list_phrases(&rules),
        RulesCommand::List { rules, json, category, .. } => list(&rules, json, &category),
        RulesCommand::Export { pack } => export(&pack),
        RulesCommand::Check { files } => check(&files),
        RulesCommand::Test { files, fixtures, rules } => test(&files, fixtures.as_deref(), &rules),
    }
}

/// The literal phrases of the active rules, deduplicated, in rule order.
fn list_phrases(args: &RuleArgs) -> anyhow::Result<ExitCode> {
    let rules = build_rules(args)?;
    let mut seen = std::collections::HashSet::new();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for loaded in rules.rules().iter().filter(|r| r.active) {
        let matcher = &loaded.rule.matcher;
        for phrase in matcher.lines.iter().chain(&matcher.contains) {
            if !phrase.contains('\n') && seen.insert(phrase.as_str()) {
                writeln!(out, "{phrase}")?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The rules of the file at `path` (as far as they can be read) whose ids a bundled pack of
/// another name defines too.
fn clashes_with_bundled(path: &Path) -> Vec<RuleDiagnostic> {
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    let (pack, _) = thresh::rules::parse_pack_partially(path, &text);
    let bundled = thresh::rules::bundled_packs();
    pack.rules
        .iter()
        .filter_map(|rule| {
            let first =
                bundled.iter().find(|b| b.name != pack.name && b.rules.iter().any(|r| r.id == rule.id))?;
            Some(rule.duplicate_of(first))
        })
        .collect()
}

/// A bundled pack's TOML, as it is compiled in.
fn export(pack: &str) -> anyhow::Result<ExitCode> {
    let packs = thresh::rules::bundled_packs();
    let found = packs
        .iter()
        .zip(thresh::rules::BUNDLED_PACK_SOURCES)
        .find(|(p, (file, _))| p.name == pack || file.trim_end_matches(".toml") == pack);
    match found {
        Some((_, (_, text))) => {
            io::stdout().write_all(text.as_bytes()).context("cannot write to standard output")?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let names: Vec<&str> = packs.iter().map(|p| p.name.as_str()).collect();
            eprintln!("thresh: no bundled pack `{pack}`; the packs are: {}", names.join(", "));
            Ok(ExitCode::from(EXIT_USAGE))
        }
    }
}

fn list(args: &RuleArgs, json: bool, categories: &[String]) -> anyhow::Result<ExitCode> {
    let rules = build_rules(args)?;
    let known: std::collections::HashSet<&str> =
        rules.rules().iter().map(|r| r.rule.category.as_str()).collect();
    if let Some(unknown) = categories.iter().find(|c| !known.contains(c.as_str())) {
        let mut names: Vec<&str> = known.into_iter().collect();
        names.sort_unstable();
        eprintln!("thresh: no rule has category `{unknown}`; the categories are: {}", names.join(", "));
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let selected =
        rules.rules().iter().filter(|r| categories.is_empty() || categories.contains(&r.rule.category));
    let state = |r: &thresh::matcher::LoadedRule| match (r.active, r.rule.enabled) {
        (true, _) => "on",
        (false, true) => "off",
        (false, false) => "opt-in",
    };
    if json {
        let rows: Vec<serde_json::Value> = selected
            .map(|r| {
                serde_json::json!({
                    "id": r.rule.id,
                    "pack": r.pack,
                    "category": r.rule.category,
                    "state": state(r),
                    "action": r.rule.action.name(),
                    "role": r.rule.role.map(|role| role.name()),
                    "description": r.rule.description,
                })
            })
            .collect();
        let mut out = io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out).context("cannot write to standard output")?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<[String; 5]> = selected
        .map(|r| {
            let state = state(r);
            [
                r.rule.id.clone(),
                r.pack.clone(),
                r.rule.category.clone(),
                state.to_string(),
                r.rule.description.clone(),
            ]
        })
        .collect();
    let header = ["ID", "PACK", "CATEGORY", "STATE", "DESCRIPTION"].map(String::from);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for row in std::iter::once(&header).chain(&rows) {
        writeln!(
            out,
            "{:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        )
        .context("cannot write to standard output")?;
    }
    out.flush().context("cannot write to standard output")?;
    Ok(ExitCode::SUCCESS)
}

/// A rule file loaded and compiled together with the bundled packs, every one of its rules
/// switched on so that opt-in rules have their examples checked too.
struct CheckedFile {
    packs: Vec<RulePack>,
    rules: RuleSet,
}

fn load_checked(path: &Path, base: RuleSetBuilder) -> Result<CheckedFile, RuleErrors> {
    let packs = load_rule_file(path)?;
    let mut builder = base;
    for pack in &packs {
        builder.add_pack(pack.clone());
        for rule in &pack.rules {
            builder.enable(rule.id.clone());
        }
    }
    let rules = builder.build()?;
    Ok(CheckedFile { packs, rules })
}

/// Runs every example of the file's rules; returns the failures and the number of examples.
fn example_failures(file: &CheckedFile) -> (Vec<RuleDiagnostic>, usize) {
    let mut failures = Vec::new();
    let mut count = 0;
    for pack in &file.packs {
        for rule in &pack.rules {
            let Some(index) = file.rules.rules().iter().position(|r| r.rule.id == rule.id) else { continue };
            let cases = rule.examples.must_match.iter().map(|l| (l, true));
            let cases = cases.chain(rule.examples.must_not_match.iter().map(|l| (l, false)));
            for (line, should_match) in cases {
                count += 1;
                if file.rules.matches_example(index as RuleIndex, line) != should_match {
                    let verb =
                        if should_match { "should match but does not" } else { "matches but should not" };
                    failures.push(RuleDiagnostic {
                        location: rule.location.clone(),
                        message: format!("rule `{}`: example {line:?} {verb}", rule.id),
                    });
                }
            }
        }
    }
    (failures, count)
}

fn check(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut problems = 0;
    for path in files {
        let checked = match load_checked(path, RuleSetBuilder::with_bundled()) {
            Ok(checked) => checked,
            Err(errors) => {
                // Every problem at once: ids that clash with a bundled pack too, which the
                // builder would only find once the file parses.
                let mut diagnostics = errors.0;
                for clash in clashes_with_bundled(path) {
                    if !diagnostics
                        .iter()
                        .any(|d| d.location == clash.location && d.message.starts_with("duplicate"))
                    {
                        diagnostics.push(clash);
                    }
                }
                diagnostics.sort_by_key(|d| (d.location.file.clone(), d.location.line, d.location.column));
                for diagnostic in &diagnostics {
                    writeln!(out, "{diagnostic}")?;
                }
                problems += diagnostics.len();
                continue;
            }
        };
        for warning in checked.packs.iter().flat_map(|p| &p.warnings) {
            writeln!(out, "{warning}")?;
        }
        let (failures, examples) = example_failures(&checked);
        for failure in &failures {
            writeln!(out, "{failure}")?;
        }
        problems += failures.len();
        if failures.is_empty() {
            let rules: usize = checked.packs.iter().map(|p| p.rules.len()).sum();
            writeln!(out, "{}: ok ({rules} rules, {examples} examples)", path.display())?;
        }
    }
    out.flush()?;
    if problems > 0 {
        eprintln!("thresh: {problems} problem(s) found");
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    Ok(ExitCode::SUCCESS)
}

fn test(files: &[PathBuf], fixtures: Option<&Path>, args: &RuleArgs) -> anyhow::Result<ExitCode> {
    if fixtures.is_some() && files.len() > 1 {
        anyhow::bail!("--fixtures names the fixtures of one rule file; test the files one at a time");
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut passed, mut failed) = (0usize, 0usize);
    for path in files {
        let checked = load_checked(path, rule_builder(args)?)?;
        for warning in checked.packs.iter().flat_map(|p| &p.warnings) {
            writeln!(out, "{warning}")?;
        }
        let (failures, examples) = example_failures(&checked);
        for failure in &failures {
            writeln!(out, "FAIL {failure}")?;
        }
        failed += failures.len();
        passed += examples - failures.len();

        let dir = match fixtures {
            Some(dir) => Some(dir.to_path_buf()),
            None => default_fixture_dir(path),
        };
        let Some(dir) = dir else {
            writeln!(
                out,
                "{}: no fixture directory (looked for STEM.fixtures/ and fixtures/STEM/)",
                path.display()
            )?;
            continue;
        };
        // Fixtures run with the file's rules as the user would load them, not all switched on.
        let mut builder = rule_builder(args)?;
        builder.add_file(path)?;
        let cleaner = Cleaner::new(builder.build()?);
        for (name, input, expected) in fixture_pairs(&dir)? {
            let text = std::fs::read(&input).with_context(|| format!("cannot read {}", input.display()))?;
            let text = thresh::decode(&text, &input.display().to_string(), Default::default())?;
            let expected_text = std::fs::read_to_string(&expected)
                .with_context(|| format!("cannot read {}", expected.display()))?;
            let actual = cleaner.clean(&text.text);
            let expected_text = thresh::normalize::normalize(&expected_text);
            if actual == expected_text {
                passed += 1;
                writeln!(out, "PASS {name}")?;
            } else {
                failed += 1;
                writeln!(
                    out,
                    "FAIL {name}: the output differs from {} (- expected, + got):",
                    expected.display()
                )?;
                write!(out, "{}", line_diff(&expected_text, &actual))?;
            }
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")?;
    out.flush()?;
    Ok(if failed > 0 { ExitCode::from(EXIT_INPUT_FAILED) } else { ExitCode::SUCCESS })
}

fn default_fixture_dir(rule_file: &Path) -> Option<PathBuf> {
    let stem = rule_file.file_stem()?.to_string_lossy().into_owned();
    let dir = rule_file.parent().unwrap_or(Path::new("."));
    [dir.join(format!("{stem}.fixtures")), dir.join("fixtures").join(&stem)].into_iter().find(|d| d.is_dir())
}

/// `(name, NAME.in.txt, NAME.out.txt)` for every input with an expected output, sorted.
pub(crate) fn fixture_pairs(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf, PathBuf)>> {
    let mut pairs = Vec::new();
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read fixture directory {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".in.txt"))
        else {
            continue;
        };
        let expected = path.with_file_name(format!("{name}.out.txt"));
        anyhow::ensure!(expected.is_file(), "{}: no expected output {}", path.display(), expected.display());
        pairs.push((name.to_string(), path, expected));
    }
    pairs.sort();
    Ok(pairs)
}

/// Lines of context shown around each difference.
const DIFF_CONTEXT: usize = 2;

/// A line diff of `expected` and `actual` (longest common subsequence): `- ` for lines only
/// expected, `+ ` for lines only got, two lines of unchanged context around each change, and
/// `…` where unchanged lines are left out. Fixtures are small; past a few thousand lines each,
/// only the first differing line is shown.
fn line_diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    if e.len().saturating_mul(a.len()) > 4_000_000 {
        let at = e.iter().zip(&a).position(|(x, y)| x != y).unwrap_or(e.len().min(a.len()));
        return format!(
            "  line {}: expected {:?}, got {:?}\n",
            at + 1,
            e.get(at).unwrap_or(&"<end>"),
            a.get(at).unwrap_or(&"<end>")
        );
    }
    // common[i][j]: length of the longest common subsequence of e[i..] and a[j..].
    let width = a.len() + 1;
    let mut common = vec![0u32; (e.len() + 1) * width];
    for i in (0..e.len()).rev() {
        for j in (0..a.len()).rev() {
            common[i * width + j] = if e[i] == a[j] {
                common[(i + 1) * width + j + 1] + 1
            } else {
                common[(i + 1) * width + j].max(common[i * width + j + 1])
            };
        }
    }
    // The edit script: (' ', line), ('-', line) or ('+', line).
    let mut script: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < e.len() || j < a.len() {
        if i < e.len() && j < a.len() && e[i] == a[j] {
            script.push((' ', e[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < e.len() && (j == a.len() || common[(i + 1) * width + j] >= common[i * width + j + 1]) {
            script.push(('-', e[i]));
            i += 1;
        } else {
            script.push(('+', a[j]));
            j += 1;
        }
    }
    let near_change = |k: usize| {
        script[k.saturating_sub(DIFF_CONTEXT)..(k + DIFF_CONTEXT + 1).min(script.len())]
            .iter()
            .any(|(op, _)| *op != ' ')
    };
    let mut out = String::new();
    let mut skipped = false;
    for (k, (op, line)) in script.iter().enumerate() {
        if *op == ' ' && !near_change(k) {
            skipped = true;
            continue;
        }
        if skipped {
            out.push_str("  …\n");
            skipped = false;
        }
        out.push_str(&format!("{op} {line}\n"));
    }
    out
}
