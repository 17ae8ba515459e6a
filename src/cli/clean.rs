//! `thresh clean`: files, directories, JSONL and WET shards, to stdout or mirrored under -o.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use thresh::batch::{Batch, BatchOptions, OnError, Progress, Stats};
use thresh::read::plan::{self, Format};

use super::args::{CleanArgs, OnErrorArg};
use super::{decode_options, EXIT_INPUT_FAILED, EXIT_USAGE};

/// How many failures the summary names.
const SUMMARY_FAILURES: usize = 20;

/// Exit code after Ctrl-C or SIGTERM, as shells report a SIGINT death.
const EXIT_INTERRUPTED: u8 = 130;

static CANCEL: AtomicBool = AtomicBool::new(false);

/// The progress bar, for the signal handler to clear it.
static BAR: std::sync::OnceLock<ProgressBar> = std::sync::OnceLock::new();

pub(crate) fn clean(args: CleanArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    // Everything that can be refused is refused before any work: a run of hours must not end
    // on a stats path it cannot write.
    if let Err(message) = check_stats_target(&args) {
        eprintln!("thresh: {message}");
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let cleaner = super::build_cleaner(&args.rules)?;
    let options = BatchOptions {
        out_dir: args.output.clone(),
        text_field: args.documents.text_field.clone(),
        url_field: args.documents.url_field.clone(),
        on_error: match args.on_error {
            OnErrorArg::Skip => OnError::Skip,
            OnErrorArg::Keep => OnError::Keep,
            OnErrorArg::Fail => OnError::Fail,
        },
        annotate: args.annotate,
        annotate_field: args.annotate_field.clone(),
        drop_empty: args.drop_empty,
        skip_existing: args.skip_existing,
        decode: decode_options(&args.input)?,
        url: args.input.url.clone(),
        detect_format: args.documents.format.format().is_none(),
        max_document_bytes: args.max_document_size,
    };
    let format = args.documents.format.format();
    if format == Some(Format::Text) && args.annotate {
        eprintln!(
            "thresh: --annotate adds a field to JSONL and WET records; plain text (--format text) has none"
        );
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
            .context("cannot start worker threads")?;
    }
    let reads_stdin = args.paths.is_empty() || args.paths.iter().any(|p| p.as_os_str() == "-");
    if reads_stdin {
        if args.paths.len() > 1 || args.output.is_some() || args.shard.is_some() {
            anyhow::bail!("`-` (standard input) cannot be combined with other paths, -o or --shard");
        }
        if io::stdin().is_terminal() && !args.quiet {
            // Otherwise `thresh clean` with no file looks hung.
            eprintln!("thresh: reading standard input from the terminal; end with Ctrl-D (or give a file: thresh clean FILE)");
        }
        let progress = MessagesOnly { quiet: args.quiet };
        let batch = Batch::new(&cleaner, &options, &progress, &CANCEL);
        let stdout = io::stdout();
        let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
        let stats = batch
            .run_stream("<stdin>", format.unwrap_or(Format::Text), Box::new(io::stdin()), &mut out)
            .and_then(|stats| out.flush().map(|()| stats))
            .context("cannot write to standard output")?;
        return finish(&stats, &args, false, started);
    }

    let planned = plan::plan(&args.paths, &args.walk.options(format))?;
    if !args.quiet {
        for (path, why) in &planned.passed_over {
            eprintln!("thresh: {}: {why}", path.display());
        }
    }
    let jobs = planned.jobs;
    let jobs = match args.shard {
        Some(shard) => plan::select_shard(jobs, shard),
        None => jobs,
    };
    let Some(out_dir) = args.output.clone() else {
        if let Some(dir) = args.paths.iter().find(|p| p.is_dir()) {
            eprintln!(
                "thresh: {} is a directory: directories are cleaned into a mirror tree, add -o OUT",
                dir.display()
            );
            return Ok(ExitCode::from(EXIT_USAGE));
        }
        let progress = MessagesOnly { quiet: args.quiet };
        let batch = Batch::new(&cleaner, &options, &progress, &CANCEL);
        let stdout = io::stdout();
        let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
        let stats = batch
            .run_to_writer(&jobs, &mut out)
            .and_then(|stats| out.flush().map(|()| stats))
            .context("cannot write to standard output")?;
        return finish(&stats, &args, false, started);
    };

    if let Err(err) = plan::check_output(&out_dir, &args.paths, &jobs) {
        eprintln!("thresh: {err}");
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    ctrlc::set_handler(|| {
        if CANCEL.swap(true, Ordering::SeqCst) {
            // A second signal: stop now, leaving the terminal clean. Unfinished outputs keep
            // their temporary names (--skip-existing removes them).
            if let Some(bar) = BAR.get() {
                bar.finish_and_clear();
            }
            std::process::exit(EXIT_INTERRUPTED.into());
        }
        if let Some(bar) = BAR.get() {
            bar.println("thresh: stopping after the documents in progress (Ctrl-C again to stop now)");
        }
    })
    .context("cannot install the Ctrl-C handler")?;
    let total_bytes: u64 =
        jobs.iter().filter_map(|j| std::fs::metadata(&j.input).ok()).map(|m| m.len()).sum();
    let progress = BarProgress::new(total_bytes, args.quiet);
    let batch = Batch::new(&cleaner, &options, &progress, &CANCEL);
    let stats = batch.run_to_dir(&jobs);
    progress.done();
    finish(&stats, &args, true, started)
}

/// `--stats` must be writable (checked by opening it for appending, which changes nothing, and
/// removing it again if it did not exist), and `-` (standard output) only when the cleaned text
/// goes to files.
fn check_stats_target(args: &CleanArgs) -> Result<(), String> {
    let Some(path) = &args.stats else { return Ok(()) };
    if path.as_os_str() == "-" {
        return match args.output {
            Some(_) => Ok(()),
            None => Err("--stats - writes the stats to standard output, which carries the cleaned text without -o; give a file, or -o".to_string()),
        };
    }
    if path.is_dir() {
        return Err(format!("cannot write stats to {}: it is a directory", path.display()));
    }
    let existed = path.exists();
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| format!("cannot write stats to {}: {e}", path.display()))?;
    if !existed {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// What `--stats` writes: the run's totals, and what run it was.
#[derive(serde::Serialize)]
struct StatsReport<'a> {
    /// The thresh that ran.
    thresh_version: &'static str,
    /// The command line, from the first argument after the program.
    arguments: Vec<String>,
    /// Wall-clock seconds from start to the end of the run.
    elapsed_seconds: f64,
    /// Megabytes (10^6 bytes) of document text cleaned per second.
    throughput_mb_per_second: f64,
    #[serde(flatten)]
    stats: &'a Stats,
}

/// Prints the summary (batch runs), writes --stats, and picks the exit code.
fn finish(stats: &Stats, args: &CleanArgs, summary: bool, started: Instant) -> anyhow::Result<ExitCode> {
    if summary && !args.quiet {
        eprint!("{}", render_summary(stats, &args.documents.text_field));
    }
    if let Some(path) = &args.stats {
        let elapsed = started.elapsed().as_secs_f64();
        let report = StatsReport {
            thresh_version: env!("CARGO_PKG_VERSION"),
            arguments: std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect(),
            elapsed_seconds: elapsed,
            throughput_mb_per_second: if elapsed > 0.0 { stats.bytes_in as f64 / 1e6 / elapsed } else { 0.0 },
            stats,
        };
        let json = serde_json::to_string_pretty(&report).expect("stats always serialise") + "\n";
        if path.as_os_str() == "-" {
            io::stdout().write_all(json.as_bytes()).context("cannot write stats to standard output")?;
        } else {
            std::fs::write(path, json)
                .with_context(|| format!("cannot write stats to {}", path.display()))?;
        }
    }
    if stats.interrupted {
        // Only runs into -o install the handler; a run to stdout dies by the signal itself.
        eprintln!("thresh: interrupted; finished files are complete, unfinished ones were discarded; rerun with --skip-existing to resume");
        return Ok(ExitCode::from(EXIT_INTERRUPTED));
    }
    Ok(if stats.files_failed > 0 { ExitCode::from(EXIT_INPUT_FAILED) } else { ExitCode::SUCCESS })
}

fn render_summary(stats: &Stats, text_field: &str) -> String {
    let mut s = String::new();
    let size = |b: u64| indicatif::HumanBytes(b).to_string();
    s.push_str(&format!(
        "thresh: {} files cleaned, {} skipped, {} failed; {} documents\n",
        stats.files_done, stats.files_skipped, stats.files_failed, stats.documents
    ));
    s.push_str(&format!(
        "thresh: {} of text in, {} out ({:.1}% removed); {} of {} lines dropped\n",
        size(stats.bytes_in),
        size(stats.bytes_out),
        stats.percent_removed(),
        stats.lines_dropped,
        stats.lines_in
    ));
    if stats.documents_failed > 0 {
        s.push_str(&format!(
            "thresh: {} documents hit an internal error and were not cleaned (see the messages above; please report)\n",
            stats.documents_failed
        ));
    }
    if stats.documents_flagged > 0 || stats.records_malformed > 0 {
        s.push_str(&format!(
            "thresh: {} documents flagged (most of their text removed, {} emptied), {} malformed records\n",
            stats.documents_flagged, stats.documents_emptied, stats.records_malformed
        ));
        for (example, command) in stats.flagged_examples.iter().zip(&stats.flagged_explain_commands).take(5) {
            s.push_str(&format!("thresh:   flagged: {example} (see: {command})\n"));
        }
    }
    if stats.records_missing_text_field > 0 {
        s.push_str(&format!(
            "thresh: {} records had no string field `{}` and were not cleaned (see --text-field)\n",
            stats.records_missing_text_field, text_field
        ));
    }
    if stats.documents_dropped_empty > 0 {
        s.push_str(&format!(
            "thresh: {} documents cleaned to nothing were left out (--drop-empty)\n",
            stats.documents_dropped_empty
        ));
    }
    if stats.replaced_byte_sequences > 0 {
        s.push_str(&format!(
            "thresh: {} malformed byte sequences replaced with U+FFFD in {} documents\n",
            stats.replaced_byte_sequences, stats.documents_with_replacements
        ));
    }
    let top = stats.top_rules(5);
    if !top.is_empty() {
        let list: Vec<String> = top.iter().map(|(id, n)| format!("{id} {n}")).collect();
        s.push_str(&format!("thresh: top rules by lines dropped: {}\n", list.join(", ")));
    }
    // Each failure is shown here once (the bar does not print them as they happen).
    for failure in stats.failures.iter().take(SUMMARY_FAILURES) {
        s.push_str(&format!("thresh: failed: {}: {}\n", failure.path, failure.error));
    }
    if stats.failures.len() > SUMMARY_FAILURES {
        s.push_str(&format!(
            "thresh: ...and {} more failures (every one is in --stats)\n",
            stats.failures.len() - SUMMARY_FAILURES
        ));
    }
    s
}

/// Progress for stdout runs: only notes, on stderr.
struct MessagesOnly {
    quiet: bool,
}

impl Progress for MessagesOnly {
    fn note(&self, message: &str) {
        if !self.quiet {
            eprintln!("thresh: {message}");
        }
    }
}

/// An indicatif bar (bytes, documents, rate, ETA) when stderr is a terminal; notes otherwise.
struct BarProgress {
    bar: Option<ProgressBar>,
    quiet: bool,
    documents: AtomicU64,
}

impl BarProgress {
    fn new(total_bytes: u64, quiet: bool) -> Self {
        let bar = (!quiet && io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(total_bytes);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
                )
                .expect("valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            let _ = BAR.set(bar.clone());
            bar
        });
        BarProgress { bar, quiet, documents: AtomicU64::new(0) }
    }

    fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for BarProgress {
    fn read_bytes(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    fn documents(&self, count: u64) {
        let total = self.documents.fetch_add(count, Ordering::Relaxed) + count;
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{total} docs"));
        }
    }

    fn note(&self, message: &str) {
        if self.quiet {
            return;
        }
        match &self.bar {
            Some(bar) => bar.println(format!("thresh: {message}")),
            None => eprintln!("thresh: {message}"),
        }
    }

    /// Failures are listed once, in the summary at the end.
    fn failure(&self, _message: &str) {}
}
