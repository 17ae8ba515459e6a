//! The command line: builds a validated configuration and the engine from the flags before any
//! input is touched, runs the subcommand, and turns the result into an exit code.
//!
//! Exit codes: 0 success; 1 some input failed (reported, the run went on); 2 usage or rule-file
//! error (nothing was processed). A closed standard output ends the run quietly with 0.

mod args;
mod clean;
mod learn;
mod rules_cmd;
mod train;

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use thresh::read::documents::{for_each_document_in, ReadOptions};
use thresh::read::plan;
use thresh::read::Input;
use thresh::{Cleaner, DecodeOptions, DocumentContext, RuleErrors, RuleSet, RuleSetBuilder};

use args::{Cli, Command, DocumentArgs, EvalArgs, ExplainArgs, InputArgs, RuleArgs};

/// Some input failed; the run went on.
const EXIT_INPUT_FAILED: u8 = 1;
/// Bad flags or rule files; nothing was processed.
const EXIT_USAGE: u8 = 2;

/// Parses the command line, runs it and returns the exit code.
pub fn main() -> ExitCode {
    report_panics_briefly();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Clean(args) => clean::clean(args),
        Command::Explain(args) => explain(args, cli.color.for_stdout()),
        Command::Rules(command) => rules_cmd::run(command),
        Command::Eval(args) => eval(args),
        Command::Learn(args) => learn::learn(args),
        Command::Train(args) => train::train(args),
        Command::Completions { shell } => completions(shell),
        Command::Man => man(),
    };
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            match err.downcast_ref::<RuleErrors>() {
                Some(rule_errors) => {
                    for diagnostic in &rule_errors.0 {
                        eprintln!("{diagnostic}");
                    }
                    eprintln!(
                        "thresh: {} error(s) in rule files; nothing was processed",
                        rule_errors.0.len()
                    );
                }
                None => eprintln!("thresh: {err:#}"),
            }
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// `thresh completions SHELL`: the script clap_complete generates from the flag definitions.
fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "thresh", &mut out);
    io::stdout().write_all(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// `thresh man`: thresh(1) as clap_mangen renders it from the flag definitions (the
/// subcommands listed; `thresh help SUBCOMMAND` has each one's flags).
fn man() -> anyhow::Result<ExitCode> {
    let mut out = Vec::new();
    clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut out)?;
    io::stdout().write_all(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// A panic prints one line; corpus runs catch it per document and name the input, so the
/// default multi-line report (and backtrace) would only bury that message. RUST_BACKTRACE=1
/// brings the full report back.
fn report_panics_briefly() {
    if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let message = thresh::batch::panic_message(info.payload());
        let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("thresh: internal error{location}: {message}");
    }));
}

/// True when the error comes from writing to a closed pipe (`thresh clean big.txt | head`).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|cause| cause.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe))
}

/// Builds the rule set the flags ask for.
pub(crate) fn build_rules(args: &RuleArgs) -> anyhow::Result<RuleSet> {
    if args.no_default_rules && args.rule_files.is_empty() {
        anyhow::bail!("--no-default-rules leaves no rules: add at least one --rules FILE");
    }
    Ok(rule_builder(args)?.build()?)
}

/// The cleaner the flags ask for: their rules, and the bundled line model or --model's.
pub(crate) fn build_cleaner(args: &RuleArgs) -> anyhow::Result<Cleaner> {
    let rules = build_rules(args)?;
    Ok(match &args.model {
        Some(path) => Cleaner::with_model(rules, Some(thresh::heuristics::load_model(path)?)),
        None => Cleaner::new(rules),
    })
}

/// A builder with the bundled packs (unless --no-default-rules), the --rules files and the
/// enable/disable lists.
pub(crate) fn rule_builder(args: &RuleArgs) -> anyhow::Result<RuleSetBuilder> {
    let mut builder =
        if args.no_default_rules { RuleSetBuilder::new() } else { RuleSetBuilder::with_bundled() };
    for path in &args.rule_files {
        builder.add_file(path)?;
    }
    for name in &args.enable {
        builder.enable(name.trim());
    }
    for name in &args.disable {
        builder.disable(name.trim());
    }
    let mut settings = thresh::rules::HeuristicsSettings::default();
    settings.min_article_probability = args.min_article_probability;
    builder.set_heuristics(settings);
    Ok(builder)
}

pub(crate) fn decode_options(args: &InputArgs) -> anyhow::Result<DecodeOptions> {
    match &args.encoding {
        Some(label) => Ok(DecodeOptions::with_label(label)?),
        None => Ok(DecodeOptions::default()),
    }
}

/// How `explain` and `learn` read documents, from their flags (as `clean` reads them).
pub(crate) fn read_options(
    documents: &DocumentArgs,
    input: &InputArgs,
    max_document_bytes: u64,
) -> anyhow::Result<ReadOptions> {
    Ok(ReadOptions {
        text_field: documents.text_field.clone(),
        url_field: documents.url_field.clone(),
        decode: decode_options(input)?,
        max_document_bytes,
        detect_format: documents.format.format().is_none(),
    })
}

fn explain(args: ExplainArgs, color: bool) -> anyhow::Result<ExitCode> {
    let style = thresh::write::ExplainStyle { color };
    let cleaner = build_cleaner(&args.rules)?;
    let format = args.documents.format.format();
    let options = read_options(&args.documents, &args.input, args.max_document_size)?;
    let inputs: Vec<Input> = if args.paths.is_empty() {
        vec![Input::Stdin]
    } else {
        args.paths.iter().map(|p| Input::from_arg(p)).collect()
    };
    if inputs.iter().filter(|i| matches!(i, Input::Stdin)).count() > 1 {
        anyhow::bail!("`-` (standard input) can be explained once");
    }
    // A record number or a WARC-Record-ID.
    let wanted = args.record.as_deref().map(|r| (r.parse::<usize>().ok(), r));
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = false;
    let mut shown = 0usize;
    for input in &inputs {
        let name = input.name();
        let reader: Box<dyn std::io::Read + Send> = match input {
            Input::Stdin => Box::new(io::stdin()),
            Input::File(path) => match std::fs::File::open(path) {
                Ok(file) => Box::new(file),
                Err(e) => {
                    eprintln!("thresh: {name}: cannot read: {e}");
                    failed = true;
                    continue;
                }
            },
        };
        let named_format = match input {
            Input::File(path) => format.unwrap_or_else(|| {
                plan::Format::from_name(&path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default())
            }),
            Input::Stdin => format.unwrap_or(plan::Format::Text),
        };
        let mut found = false;
        let mut write_error = None;
        let result = for_each_document_in(reader, &name, named_format, &options, |doc| {
            if write_error.is_some() {
                return;
            }
            if let Some((number, id)) = wanted {
                let is_it = doc.record.is_some_and(|n| Some(n) == number) || doc.record_id == Some(id);
                if !is_it {
                    return;
                }
            }
            found = true;
            if doc.replacements > 0 {
                eprintln!(
                    "thresh: {}: warning: {} malformed byte sequence(s) replaced with U+FFFD",
                    doc.name, doc.replacements
                );
            }
            let context = DocumentContext { url: doc.url.or(args.input.url.as_deref()) };
            let (outcome, judged) = if args.changes {
                (cleaner.run(doc.text, context), Vec::new())
            } else {
                cleaner.run_explained(doc.text, context)
            };
            let headed = inputs.len() > 1 || (doc.record.is_some() && wanted.is_none());
            let written = (|| {
                if headed {
                    if shown > 0 {
                        writeln!(out)?;
                    }
                    writeln!(out, "==> {} <==", doc.name)?;
                }
                if args.changes {
                    thresh::write::write_changes(&mut out, &outcome, cleaner.rules(), style)
                } else {
                    let notes = thresh::write::ModelNotes { judged: &judged, features: args.features };
                    thresh::write::write_explanation_with_model(
                        &mut out,
                        &outcome,
                        cleaner.rules(),
                        style,
                        notes,
                    )
                }
            })();
            shown += 1;
            if let Err(e) = written {
                write_error = Some(e);
            }
        });
        if let Some(e) = write_error {
            return Err(anyhow::Error::new(e).context("cannot write to standard output"));
        }
        match result {
            Err(e) => {
                eprintln!("thresh: {name}: {e}");
                failed = true;
            }
            Ok(_) if wanted.is_some() && !found => {
                eprintln!(
                    "thresh: {name}: no record {} (JSONL line number, WET record number or WARC-Record-ID)",
                    args.record.as_deref().unwrap_or_default()
                );
                failed = true;
            }
            Ok(_) => {}
        }
    }
    out.flush().context("cannot write to standard output")?;
    Ok(if failed { ExitCode::from(EXIT_INPUT_FAILED) } else { ExitCode::SUCCESS })
}

fn eval(args: EvalArgs) -> anyhow::Result<ExitCode> {
    if !args.gold.is_dir() {
        anyhow::bail!("{}: not a directory of gold texts", args.gold.display());
    }
    if args.clean.is_none() {
        let r = &args.rules;
        let rule_options = !r.rule_files.is_empty()
            || r.no_default_rules
            || !r.enable.is_empty()
            || !r.disable.is_empty()
            || r.model.is_some()
            || r.min_article_probability.is_some();
        if rule_options || args.reasons.is_some() {
            anyhow::bail!("--rules, --no-default-rules, --enable, --disable, --model, --min-article-probability and --reasons apply only with --clean INPUT_DIR (OUT_DIR is already cleaned)");
        }
    }
    let (dir, what) = match (&args.clean, &args.out) {
        (Some(inputs), _) => (inputs, "inputs"),
        (None, Some(out)) => (out, "output"),
        (None, None) => unreachable!("clap requires OUT_DIR or --clean"),
    };
    if !dir.is_dir() {
        anyhow::bail!(
            "{}: not a directory of {}",
            dir.display(),
            if args.clean.is_some() { "inputs" } else { "cleaned outputs" }
        );
    }
    let (mut evaluation, report) = match &args.clean {
        Some(inputs) => {
            let cleaner = build_cleaner(&args.rules)?;
            let (evaluation, report) = thresh::eval::evaluate_cleaning(&cleaner, &args.gold, inputs)?;
            (evaluation, Some(report))
        }
        None => {
            let evaluation = thresh::eval::evaluate(&args.gold, dir)
                .with_context(|| format!("cannot score {} against {}", dir.display(), args.gold.display()))?;
            (evaluation, None)
        }
    };
    // Files that match no gold file are a wrong directory, not a score of zero.
    if evaluation.docs > 0 && evaluation.missing_outputs == evaluation.docs {
        anyhow::bail!(
            "{}: none of the {} gold documents of {} has an {what} here (ID.txt); is it the right directory?",
            dir.display(),
            evaluation.docs,
            args.gold.display()
        );
    }
    if evaluation.missing_outputs > 0 {
        eprintln!(
            "thresh: warning: {} of {} gold documents have no {what} in {} and count as empty outputs",
            evaluation.missing_outputs,
            evaluation.docs,
            dir.display()
        );
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        if !args.per_doc {
            evaluation.per_doc.clear();
        }
        match &report {
            Some(report) => {
                let both = serde_json::json!({ "evaluation": evaluation, "lines": report });
                serde_json::to_writer_pretty(&mut out, &both)?;
            }
            None => serde_json::to_writer_pretty(&mut out, &evaluation)?,
        }
        writeln!(out)?;
    } else {
        let (m, u) = (evaluation.macro_avg, evaluation.micro_avg);
        writeln!(out, "docs: {}  (missing outputs: {})", evaluation.docs, evaluation.missing_outputs)?;
        writeln!(out, "macro  P={:.4}  R={:.4}  F1={:.4}", m.p, m.r, m.f1)?;
        writeln!(out, "micro  P={:.4}  R={:.4}  F1={:.4}", u.p, u.r, u.f1)?;
        writeln!(
            out,
            "documents losing more than a fifth of the gold (R < 0.8): {}",
            evaluation.docs_losing_a_fifth
        )?;
        if args.per_doc {
            let n = args.worst;
            let mut worst: Vec<_> = evaluation.per_doc.iter().collect();
            worst.sort_by(|a, b| a.f1.total_cmp(&b.f1).then(a.id.cmp(&b.id)));
            writeln!(
                out,
                "\nworst {} documents:\nid\tP\tR\tF1\tout_tokens\tgold_tokens",
                n.min(worst.len())
            )?;
            for d in worst.into_iter().take(n) {
                writeln!(
                    out,
                    "{}\t{:.4}\t{:.4}\t{:.4}\t{}\t{}",
                    d.id, d.p, d.r, d.f1, d.out_tokens, d.gold_tokens
                )?;
            }
        }
        if let Some(report) = &report {
            write_line_report(&mut out, report, args.reasons.unwrap_or(25))?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn write_line_report(
    out: &mut impl Write,
    report: &thresh::eval::LineReport,
    limit: usize,
) -> io::Result<()> {
    let width = report.dropped.iter().take(limit).map(|c| c.reason.len()).max().unwrap_or(0).max(6);
    writeln!(out, "\nlines dropped, by what dropped them (article: most tokens in the gold)")?;
    writeln!(out, "{:width$}  {:>24}  {:>24}", "reason", "article lines (tokens)", "other lines (tokens)")?;
    let cell = |t: thresh::eval::Tally| format!("{} ({})", t.lines, t.tokens);
    for counts in report.dropped.iter().take(limit) {
        writeln!(out, "{:width$}  {:>24}  {:>24}", counts.reason, cell(counts.article), cell(counts.other))?;
    }
    if report.dropped.len() > limit {
        writeln!(out, "...and {} more (--reasons N)", report.dropped.len() - limit)?;
    }
    writeln!(out, "{:width$}  {:>24}  {:>24}", "kept", cell(report.kept_article), cell(report.kept_other))
}
