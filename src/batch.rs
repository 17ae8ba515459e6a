//! Corpus runs: many files and shards on all cores, output in input order, every output file
//! written atomically, failures reported per file while the run goes on, and a tally of what was
//! removed.
//!
//! Files run in parallel (rayon). Inside a JSONL or WET shard, records are read in batches of
//! bounded size, cleaned in parallel and written in their original order, so memory is bounded
//! by the batch and the largest record, not by the shard.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use crate::decide::Verdict;
use crate::decode::{decode_owned, DecodeOptions};
use crate::engine::{Cleaner, Outcome};
use crate::error::InputError;
use crate::matcher::DocumentContext;
use crate::matcher::RuleIndex;
use crate::read::compression::{open_decompressed, read_document, too_large, CompressedWriter, Compression};
use crate::read::jsonl::{CopyError, JsonlLine, LineReader, Record, RecordError};
use crate::read::plan::{Format, Job};
use crate::read::wet::WarcReader;
use crate::write::atomic::AtomicFile;

/// A document of at least this many bytes of which less than [`FLAG_KEPT_SHARE`] is kept is
/// flagged in the summary: the cleaner removed an implausibly large share of it.
const FLAG_MIN_BYTES: usize = 1000;
/// See [`FLAG_MIN_BYTES`].
const FLAG_KEPT_SHARE: f64 = 0.05;
/// How many flagged documents the stats name.
const FLAG_EXAMPLES: usize = 20;

/// A batch of records is cut at this many bytes…
const BATCH_BYTES: usize = 4 << 20;
/// …or this many records.
const BATCH_RECORDS: usize = 2048;

/// What to do with a JSONL line that is not a JSON object with a string text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnError {
    /// Leave it out of the output (reported).
    Skip,
    /// Pass it through unchanged (reported).
    Keep,
    /// Fail the whole file.
    Fail,
}

/// Options of a corpus run.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Where output files go; `None` writes everything to one writer (stdout).
    pub out_dir: Option<PathBuf>,
    /// JSONL field holding the text.
    pub text_field: String,
    /// JSONL field holding the page URL (for domain-scoped packs).
    pub url_field: String,
    /// Policy for malformed JSONL lines.
    pub on_error: OnError,
    /// Add a `thresh` field to each JSONL/WET record with the lines removed per rule.
    pub annotate: bool,
    /// The name of that field (replaced where a record has it already).
    pub annotate_field: String,
    /// Leave out documents whose cleaned text is empty: JSONL and WET records are not
    /// written, a text file gets no output file (nothing on stdout, not even a separator).
    pub drop_empty: bool,
    /// Skip jobs whose output file exists (resuming an interrupted run).
    pub skip_existing: bool,
    /// How to decode text files.
    pub decode: DecodeOptions,
    /// URL of plain-text inputs, if known.
    pub url: Option<String>,
    /// Recognise JSON Lines and WET in inputs whose names say plain text (see
    /// [`crate::read::sniff`]); off when the format was given.
    pub detect_format: bool,
    /// Largest document held in memory: a text file, a JSONL line or a WET record body.
    /// Larger ones are refused (a text file fails; a JSONL line follows `on_error`).
    pub max_document_bytes: u64,
}

/// Default for [`BatchOptions::max_document_bytes`]: far above any real page, far below the
/// memory of a machine cleaning 1 GB lines.
pub const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 512 << 20;

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            out_dir: None,
            text_field: "text".to_string(),
            url_field: "url".to_string(),
            on_error: OnError::Keep,
            annotate: false,
            annotate_field: "thresh".to_string(),
            drop_empty: false,
            skip_existing: false,
            decode: DecodeOptions::default(),
            url: None,
            detect_format: true,
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
        }
    }
}

/// Receives progress; the library never prints. All methods default to doing nothing.
pub trait Progress: Sync {
    /// Raw (possibly compressed) input bytes were read.
    fn read_bytes(&self, _bytes: u64) {}
    /// Documents were cleaned.
    fn documents(&self, _count: u64) {}
    /// A note for the user: a skipped file, a malformed record, an emptied document.
    fn note(&self, _message: &str) {}
    /// A file failed (`path: error`; the run goes on). By default a note; a runner that
    /// lists the failures in its summary at the end may keep them for that instead, so that
    /// each is shown once.
    fn failure(&self, message: &str) {
        self.note(message);
    }
}

/// A [`Progress`] that ignores everything.
pub struct Silent;
impl Progress for Silent {}

/// One failed file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Failure {
    /// The input file.
    pub path: String,
    /// What went wrong.
    pub error: String,
}

/// Totals of a run, printed as the summary and written by `--stats`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Files cleaned completely.
    pub files_done: u64,
    /// Files skipped (not text, or output already there with --skip-existing).
    pub files_skipped: u64,
    /// Files that failed.
    pub files_failed: u64,
    /// Documents cleaned.
    pub documents: u64,
    /// Documents of which every line was dropped.
    pub documents_emptied: u64,
    /// Documents that lost an implausibly large share of their text (emptied ones included):
    /// worth a look with `thresh explain`.
    pub documents_flagged: u64,
    /// The first flagged documents (file, or file:line for JSONL records).
    pub flagged_examples: Vec<String>,
    /// For each of them, the `thresh explain` command that shows why its lines went.
    pub flagged_explain_commands: Vec<String>,
    /// JSONL lines that were not records (skipped or kept as they were).
    pub records_malformed: u64,
    /// Of those, records without the text field (or with a non-string one): a wrong
    /// `--text-field` shows here.
    pub records_missing_text_field: u64,
    /// Documents that were not valid UTF-8 in places but mostly were (or JSONL/WET records
    /// with invalid bytes): decoded as UTF-8 with each malformed sequence replaced by U+FFFD.
    pub documents_with_replacements: u64,
    /// Malformed byte sequences replaced by U+FFFD, over all documents.
    pub replaced_byte_sequences: u64,
    /// Documents whose cleaning hit an internal error (a bug, caught and reported); their
    /// records followed the `--on-error` policy, a text file failed alone.
    pub documents_failed: u64,
    /// Bytes of document text in.
    pub bytes_in: u64,
    /// Bytes of document text out.
    pub bytes_out: u64,
    /// Lines of document text in.
    pub lines_in: u64,
    /// Lines dropped.
    pub lines_dropped: u64,
    /// Lines dropped per rule id.
    pub lines_dropped_by_rule: BTreeMap<String, u64>,
    /// The failed files.
    pub failures: Vec<Failure>,
    /// True when the run was interrupted (Ctrl-C, SIGTERM).
    pub interrupted: bool,
    /// Unfinished temporary outputs of an interrupted run removed by `--skip-existing`.
    pub stale_temporaries_removed: u64,
    /// Documents left out of the output because their cleaned text was empty (`--drop-empty`).
    pub documents_dropped_empty: u64,
}

impl Stats {
    /// Share of the input text removed, in percent.
    pub fn percent_removed(&self) -> f64 {
        if self.bytes_in == 0 {
            0.0
        } else {
            100.0 * (1.0 - self.bytes_out as f64 / self.bytes_in as f64)
        }
    }

    /// The `n` rules that dropped most lines.
    pub fn top_rules(&self, n: usize) -> Vec<(&str, u64)> {
        let mut rules: Vec<(&str, u64)> =
            self.lines_dropped_by_rule.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        rules.truncate(n);
        rules
    }
}

/// A flagged document: its name in reports, and how to explain it.
struct Flagged {
    name: String,
    path: String,
    /// The `--record` of a JSONL or WET record.
    record: Option<String>,
}

impl Flagged {
    fn file(path: &str) -> Self {
        Flagged { name: path.to_string(), path: path.to_string(), record: None }
    }

    fn record(path: &str, record: String, name: String) -> Self {
        Flagged { name, path: path.to_string(), record: Some(record) }
    }

    /// `thresh explain [--record R] PATH`, quoted for a POSIX shell where needed.
    fn explain_command(&self) -> String {
        let quote = |word: &str| {
            let plain = !word.is_empty()
                && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b));
            if plain {
                word.to_string()
            } else {
                format!("'{}'", word.replace('\'', "'\\''"))
            }
        };
        match &self.record {
            Some(record) => format!("thresh explain --record {} {}", quote(record), quote(&self.path)),
            None => format!("thresh explain {}", quote(&self.path)),
        }
    }
}

/// Counts kept while documents are cleaned; rule drops by index, named at the end.
#[derive(Debug, Default)]
struct Tally {
    stats: Stats,
    rule_drops: Vec<u64>,
}

impl Tally {
    fn add_document(
        &mut self,
        text_len: usize,
        outcome: &Outcome,
        out_len: usize,
        name: impl FnOnce() -> Flagged,
    ) {
        let s = &mut self.stats;
        s.documents += 1;
        s.bytes_in += text_len as u64;
        s.bytes_out += out_len as u64;
        s.lines_in += outcome.document.len() as u64;
        if outcome.emptied() {
            s.documents_emptied += 1;
        }
        let implausible = text_len >= FLAG_MIN_BYTES && (out_len as f64) < FLAG_KEPT_SHARE * text_len as f64;
        if outcome.emptied() || implausible {
            s.documents_flagged += 1;
            if s.flagged_examples.len() < FLAG_EXAMPLES {
                let flagged = name();
                s.flagged_explain_commands.push(flagged.explain_command());
                s.flagged_examples.push(flagged.name);
            }
        }
        for verdict in &outcome.verdicts {
            if let Verdict::Drop(reason) = verdict {
                s.lines_dropped += 1;
                let rule = reason.rule as usize;
                if self.rule_drops.len() <= rule {
                    self.rule_drops.resize(rule + 1, 0);
                }
                self.rule_drops[rule] += 1;
            }
        }
    }

    /// Counts the malformed byte sequences replaced in one document.
    fn add_replacements(&mut self, replacements: usize) {
        if replacements > 0 {
            self.stats.documents_with_replacements += 1;
            self.stats.replaced_byte_sequences += replacements as u64;
        }
    }

    fn merge(&mut self, other: Tally) {
        // Destructured so that a new field cannot be forgotten here.
        let Stats {
            files_done,
            files_skipped,
            files_failed,
            documents,
            documents_emptied,
            documents_flagged,
            flagged_examples,
            flagged_explain_commands,
            records_malformed,
            records_missing_text_field,
            documents_with_replacements,
            replaced_byte_sequences,
            documents_failed,
            bytes_in,
            bytes_out,
            lines_in,
            lines_dropped,
            lines_dropped_by_rule,
            failures,
            interrupted,
            stale_temporaries_removed,
            documents_dropped_empty,
        } = other.stats;
        let a = &mut self.stats;
        a.files_done += files_done;
        a.files_skipped += files_skipped;
        a.files_failed += files_failed;
        a.documents += documents;
        a.documents_emptied += documents_emptied;
        a.documents_flagged += documents_flagged;
        let room = FLAG_EXAMPLES.saturating_sub(a.flagged_examples.len());
        a.flagged_examples.extend(flagged_examples.into_iter().take(room));
        a.flagged_explain_commands.extend(flagged_explain_commands.into_iter().take(room));
        a.records_malformed += records_malformed;
        a.records_missing_text_field += records_missing_text_field;
        a.documents_with_replacements += documents_with_replacements;
        a.replaced_byte_sequences += replaced_byte_sequences;
        a.documents_failed += documents_failed;
        a.bytes_in += bytes_in;
        a.bytes_out += bytes_out;
        a.lines_in += lines_in;
        a.lines_dropped += lines_dropped;
        // Named per rule only at the end (`Batch::finish`), from `rule_drops`.
        debug_assert!(lines_dropped_by_rule.is_empty());
        a.failures.extend(failures);
        a.interrupted |= interrupted;
        a.stale_temporaries_removed += stale_temporaries_removed;
        a.documents_dropped_empty += documents_dropped_empty;
        if self.rule_drops.len() < other.rule_drops.len() {
            self.rule_drops.resize(other.rule_drops.len(), 0);
        }
        for (i, n) in other.rule_drops.into_iter().enumerate() {
            self.rule_drops[i] += n;
        }
    }
}

/// Why a job did not complete.
enum JobError {
    /// Not text (found by walking a directory): skipped with a note.
    Skip(String),
    /// The input could not be read or parsed; the job failed, the run goes on.
    Input(String),
    /// A record failed the file (`--on-error fail`): where (`shard.jsonl:7`, or with the WET
    /// record id), which record (`line 7`), and why.
    Record { location: String, record: String, message: String },
    /// The output could not be written.
    Output(io::Error),
    /// The run was interrupted.
    Interrupted,
    /// A text file cleaned to nothing, left out by `--drop-empty`: no output file.
    DroppedEmpty,
}

/// Runs jobs with one cleaner.
pub struct Batch<'a> {
    cleaner: &'a Cleaner,
    options: &'a BatchOptions,
    progress: &'a dyn Progress,
    cancel: &'a AtomicBool,
    /// A text document went to the one shared writer (standard output): the next one is
    /// preceded by [`DOCUMENT_SEPARATOR`].
    text_written: AtomicBool,
}

/// Between the documents of several text files written to one stream: a line holding a form
/// feed, the old page break. Cleaned text never contains one (normalisation makes it a line
/// end), so it always marks a boundary: `csplit -z - '/^\f$/' '{*}'` splits the stream again.
pub const DOCUMENT_SEPARATOR: &[u8] = b"\x0c\n";

impl<'a> Batch<'a> {
    /// A runner; setting `cancel` stops it between records, discarding unfinished outputs.
    pub fn new(
        cleaner: &'a Cleaner,
        options: &'a BatchOptions,
        progress: &'a dyn Progress,
        cancel: &'a AtomicBool,
    ) -> Self {
        Batch { cleaner, options, progress, cancel, text_written: AtomicBool::new(false) }
    }

    /// Cleans every job into its own file under `options.out_dir`, files in parallel.
    pub fn run_to_dir(&self, jobs: &[Job]) -> Stats {
        let out_dir = self.options.out_dir.as_deref().expect("run_to_dir needs an output directory");
        let total = Mutex::new(Tally::default());
        if self.options.skip_existing {
            // Resuming: what a hard kill left half-written is removed, and said so.
            let targets = jobs.iter().map(|job| job.output_path(out_dir)).collect();
            match crate::write::atomic::remove_stale_temporaries(&targets) {
                Ok(0) => {}
                Ok(n) => {
                    self.progress.note(&format!(
                        "removed {n} unfinished temporary file(s) of an interrupted run under {}",
                        out_dir.display()
                    ));
                    total.lock().expect("not shared yet").stats.stale_temporaries_removed += n as u64;
                }
                Err(e) => self.progress.note(&format!(
                    "cannot remove unfinished temporary files under {}: {e}",
                    out_dir.display()
                )),
            }
        }
        jobs.par_iter().for_each(|job| {
            let mut tally = Tally::default();
            if self.cancelled() {
                return;
            }
            let target = job.output_path(out_dir);
            if self.options.skip_existing && target.exists() {
                tally.stats.files_skipped += 1;
            } else {
                let result = self.job_to_file(job, &target, &mut tally);
                self.record(job, result, &mut tally);
            }
            total.lock().expect("no panics hold this lock").merge(tally);
        });
        self.finish(total.into_inner().expect("no panics hold this lock"))
    }

    /// Cleans every job, in order, into `out` (standard output): text files as text, JSONL and
    /// WET as JSONL. An error writing `out` (a closed pipe) stops the run and is returned.
    pub fn run_to_writer(&self, jobs: &[Job], out: &mut dyn Write) -> io::Result<Stats> {
        let mut total = Tally::default();
        for job in jobs {
            if self.cancelled() {
                break;
            }
            let mut tally = Tally::default();
            let result = self.job_to(job, out, &mut tally);
            if let Err(JobError::Output(e)) = result {
                return Err(e);
            }
            self.record(job, result, &mut tally);
            total.merge(tally);
        }
        Ok(self.finish(total))
    }

    /// Cleans one stream (standard input) of the given format into `out`.
    pub fn run_stream(
        &self,
        name: &str,
        format: Format,
        input: Box<dyn Read + Send + 'a>,
        out: &mut dyn Write,
    ) -> io::Result<Stats> {
        let job = Job { input: PathBuf::from(name), relative: PathBuf::from(name), format, named: true };
        let mut tally = Tally::default();
        let result = match open_decompressed(input) {
            Ok((reader, _)) => self.clean_into(&job, reader, out, &mut tally),
            Err(e) => Err(JobError::Input(format!("cannot read: {e}"))),
        };
        if let Err(JobError::Output(e)) = result {
            return Err(e);
        }
        self.record(&job, result, &mut tally);
        Ok(self.finish(tally))
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    fn finish(&self, mut total: Tally) -> Stats {
        for (index, count) in total.rule_drops.iter().enumerate() {
            if *count > 0 {
                total
                    .stats
                    .lines_dropped_by_rule
                    .insert(self.cleaner.rules().rule(index as RuleIndex).id.clone(), *count);
            }
        }
        total.stats.interrupted = self.cancelled();
        total.stats
    }

    fn record(&self, job: &Job, result: Result<(), JobError>, tally: &mut Tally) {
        let path = job.input.display().to_string();
        match result {
            Ok(()) => tally.stats.files_done += 1,
            Err(JobError::Skip(reason)) => {
                tally.stats.files_skipped += 1;
                self.progress.note(&format!("{path}: skipped: {reason}"));
            }
            Err(JobError::Input(error)) => {
                tally.stats.files_failed += 1;
                self.progress.failure(&format!("{path}: {error}"));
                tally.stats.failures.push(Failure { path, error });
            }
            Err(JobError::Record { location, record, message }) => {
                tally.stats.files_failed += 1;
                self.progress.failure(&format!("{location}: {message}"));
                tally.stats.failures.push(Failure { path, error: format!("{record}: {message}") });
            }
            Err(JobError::Output(e)) => {
                tally.stats.files_failed += 1;
                let error = format!("cannot write output: {e}");
                self.progress.failure(&format!("{path}: {error}"));
                tally.stats.failures.push(Failure { path, error });
            }
            Err(JobError::Interrupted) => {}
            // Counted with the document; the file is done, with nothing to show for it.
            Err(JobError::DroppedEmpty) => tally.stats.files_done += 1,
        }
    }

    fn job_to_file(&self, job: &Job, target: &Path, tally: &mut Tally) -> Result<(), JobError> {
        let (reader, compression) = self.open_input(job)?;
        // The output keeps the input's compression (and its file name).
        let file = AtomicFile::create(target).map_err(JobError::Output)?;
        let mut writer = CompressedWriter::new(file, compression).map_err(JobError::Output)?;
        self.clean_into(job, reader, &mut writer, tally)?;
        writer.finish().and_then(AtomicFile::commit).map_err(JobError::Output)
    }

    fn job_to(&self, job: &Job, out: &mut dyn Write, tally: &mut Tally) -> Result<(), JobError> {
        let (reader, _) = self.open_input(job)?;
        self.clean_into(job, reader, out, tally)
    }

    /// Opens the input, decompressing what its first bytes say.
    fn open_input(&self, job: &Job) -> Result<(Box<dyn BufRead + Send + 'a>, Compression), JobError> {
        let file =
            std::fs::File::open(&job.input).map_err(|e| JobError::Input(format!("cannot read: {e}")))?;
        let counted = CountingReader { inner: file, progress: self.progress };
        open_decompressed(counted).map_err(|e| JobError::Input(format!("cannot read: {e}")))
    }

    fn clean_into<W: Write + ?Sized>(
        &self,
        job: &Job,
        reader: Box<dyn BufRead + Send + '_>,
        out: &mut W,
        tally: &mut Tally,
    ) -> Result<(), JobError> {
        // A file named like text may hold records (standard input always is "named" so).
        let (format, reader) = match job.format {
            Format::Text if self.options.detect_format => crate::read::sniff::detect(reader)
                .map_err(|e| JobError::Input(format!("cannot read: {e}")))?,
            format => (format, reader),
        };
        match format {
            Format::Text => self.text(job, reader, out, tally),
            Format::Jsonl => self.jsonl(&job.input.display().to_string(), reader, out, tally),
            Format::Wet => self.wet(&job.input.display().to_string(), reader, out, tally),
        }
    }

    fn text<W: Write + ?Sized>(
        &self,
        job: &Job,
        reader: Box<dyn BufRead + Send + '_>,
        out: &mut W,
        tally: &mut Tally,
    ) -> Result<(), JobError> {
        let path = job.input.display().to_string();
        if self.options.annotate {
            // Annotations are a field of a record; plain text has nowhere to put them.
            return Err(JobError::Input(
                "--annotate needs JSONL or WET records, and this is plain text (if it is JSON Lines, say --format jsonl)"
                    .to_string(),
            ));
        }
        let bytes = read_document(reader, self.options.max_document_bytes).map_err(|e| match e.kind() {
            io::ErrorKind::FileTooLarge => JobError::Input(e.to_string()),
            _ => JobError::Input(format!("cannot read: {e}")),
        })?;
        let (text, replacements) = match decode_owned(bytes, &path, self.options.decode) {
            Ok(decoded) => {
                if decoded.replacements > 0 {
                    self.progress.note(&format!(
                        "{path}: {} malformed byte sequence(s) replaced with U+FFFD (read as {})",
                        decoded.replacements,
                        decoded.encoding.name()
                    ));
                }
                (decoded.text, decoded.replacements)
            }
            Err(InputError::Binary { offset, .. }) if !job.named => {
                return Err(JobError::Skip(format!("not text (NUL byte at offset {offset})")));
            }
            Err(e) => return Err(JobError::Input(strip_path(&e.to_string(), &path))),
        };
        let text_len = text.len();
        let context = DocumentContext { url: self.options.url.as_deref() };
        let outcome = guarded(|| self.cleaner.run_owned(text, context)).map_err(|panic| {
            tally.stats.documents_failed += 1;
            JobError::Input(internal_error(&panic))
        })?;
        if self.options.drop_empty && outcome.kept_nothing() {
            tally.add_document(text_len, &outcome, 0, || Flagged::file(&path));
            tally.stats.documents_dropped_empty += 1;
            self.progress.documents(1);
            return Err(JobError::DroppedEmpty);
        }
        if self.options.out_dir.is_none() && self.text_written.swap(true, Ordering::Relaxed) {
            out.write_all(DOCUMENT_SEPARATOR).map_err(JobError::Output)?;
        }
        let mut counted = CountingWriter { inner: out, written: 0 };
        crate::write::write_clean(&mut counted, &outcome).map_err(JobError::Output)?;
        if outcome.emptied() {
            self.progress.note(&format!(
                "{path}: every line was dropped ({} lines); see `thresh explain {path}`",
                outcome.document.len()
            ));
        }
        tally.add_document(text_len, &outcome, counted.written, || Flagged::file(&path));
        tally.add_replacements(replacements);
        self.progress.documents(1);
        Ok(())
    }

    fn jsonl<W: Write + ?Sized>(
        &self,
        path: &str,
        reader: Box<dyn BufRead + Send + '_>,
        out: &mut W,
        tally: &mut Tally,
    ) -> Result<(), JobError> {
        let mut lines = LineReader::new(reader, self.options.max_document_bytes);
        let mut fields = TextFieldCensus::default();
        loop {
            if self.cancelled() {
                return Err(JobError::Interrupted);
            }
            let mut batch: Vec<(usize, Vec<u8>)> = Vec::new();
            let mut batch_bytes = 0;
            // A line over the document limit ends the batch; only its first bytes are held.
            let mut oversized = None;
            while batch_bytes < BATCH_BYTES && batch.len() < BATCH_RECORDS {
                match lines.next_line().map_err(|e| JobError::Input(e.to_string()))? {
                    None => break,
                    Some(JsonlLine::Whole { number, raw }) => {
                        batch_bytes += raw.len();
                        batch.push((number, raw));
                    }
                    Some(JsonlLine::Oversized { number, prefix }) => {
                        oversized = Some((number, prefix));
                        break;
                    }
                }
            }
            if batch.is_empty() && oversized.is_none() {
                return fields.check(&self.options.text_field);
            }
            let results: Vec<LineResult> = batch.par_iter().map(|(_, raw)| self.clean_line(raw)).collect();
            for ((number, raw), result) in batch.iter().zip(results) {
                match result {
                    LineResult::Cleaned { line, text_len, out_len, outcome, replacements } => {
                        if self.options.drop_empty && out_len == 0 {
                            tally.stats.documents_dropped_empty += 1;
                        } else {
                            out.write_all(line.as_bytes())
                                .and_then(|()| out.write_all(terminator(raw)))
                                .map_err(JobError::Output)?;
                        }
                        tally.add_document(text_len, &outcome, out_len, || {
                            Flagged::record(path, number.to_string(), format!("{path}:{number}"))
                        });
                        if replacements > 0 {
                            self.progress.note(&format!(
                                "{path}:{number}: {replacements} malformed byte sequence(s) replaced with U+FFFD"
                            ));
                        }
                        tally.add_replacements(replacements);
                        fields.with_text += 1;
                    }
                    LineResult::Blank => out.write_all(raw).map_err(JobError::Output)?,
                    LineResult::Unusable { message, kind } => {
                        match kind {
                            Unusable::Internal => tally.stats.documents_failed += 1,
                            Unusable::Malformed => tally.stats.records_malformed += 1,
                            Unusable::MissingField(names) => {
                                tally.stats.records_malformed += 1;
                                tally.stats.records_missing_text_field += 1;
                                fields.without_text += 1;
                                for name in names {
                                    if fields.seen.len() < MAX_FIELD_NAMES && !fields.seen.contains(&name) {
                                        fields.seen.push(name);
                                    }
                                }
                            }
                        }
                        let (location, record) = (format!("{path}:{number}"), format!("line {number}"));
                        self.unusable_record(&location, &record, &message, raw, out)?;
                    }
                }
            }
            if let Some((number, prefix)) = oversized {
                tally.stats.records_malformed += 1;
                let message = too_large(self.options.max_document_bytes).to_string();
                let keep = self.options.on_error == OnError::Keep;
                // The rest of the line is streamed through (keep) or skipped, never held.
                self.unusable_record(
                    &format!("{path}:{number}"),
                    &format!("line {number}"),
                    &message,
                    &prefix,
                    out,
                )?;
                let rest = lines.finish_line(keep.then_some(&mut *out));
                rest.map_err(|e| match e {
                    CopyError::Read(e) => JobError::Input(format!("line {number}: cannot read: {e}")),
                    CopyError::Write(e) => JobError::Output(e),
                })?;
            }
            self.progress.documents(batch.len() as u64);
        }
    }

    /// Applies the `--on-error` policy to a record that could not be cleaned: `raw` (with its
    /// line terminator) is passed through, left out, or fails the file. `record` names it
    /// within the file ("line 7"), `location` with the file ("shard.jsonl:7").
    fn unusable_record<W: Write + ?Sized>(
        &self,
        location: &str,
        record: &str,
        message: &str,
        raw: &[u8],
        out: &mut W,
    ) -> Result<(), JobError> {
        match self.options.on_error {
            OnError::Fail => Err(JobError::Record {
                location: location.to_string(),
                record: record.to_string(),
                message: message.to_string(),
            }),
            OnError::Keep => {
                self.progress.note(&format!("{location}: {message}; passed through unchanged"));
                out.write_all(raw).map_err(JobError::Output)
            }
            OnError::Skip => {
                self.progress.note(&format!("{location}: {message}; skipped"));
                Ok(())
            }
        }
    }

    fn clean_line(&self, raw: &[u8]) -> LineResult {
        let content = strip_terminator(raw);
        if content.iter().all(u8::is_ascii_whitespace) {
            return LineResult::Blank;
        }
        // JSON is UTF-8 (RFC 8259): stray invalid bytes are replaced, counted and reported,
        // rather than the whole record passing through uncleaned.
        let (line, replacements) = crate::decode::lossy_utf8(content);
        let line = line.as_ref();
        let mut record = match Record::parse(line, &self.options.text_field, &self.options.url_field) {
            Ok(record) => record,
            Err(e) => {
                let unusable = match e {
                    RecordError::NoText(_) => Unusable::MissingField(field_names(line)),
                    RecordError::Malformed(_) => Unusable::Malformed,
                };
                return LineResult::Unusable { message: e.to_string(), kind: unusable };
            }
        };
        // The text is normalised in its own buffer: no second copy of each record.
        let text = std::mem::take(&mut record.text);
        let (text_len, ends_with_newline) = (text.len(), text.ends_with('\n'));
        let context = DocumentContext { url: record.url.as_deref() };
        let outcome = match guarded(|| self.cleaner.run_owned(text, context)) {
            Ok(outcome) => outcome,
            Err(panic) => {
                return LineResult::Unusable { message: internal_error(&panic), kind: Unusable::Internal }
            }
        };
        let cleaned = outcome.text_for_field(ends_with_newline);
        let annotation = self.options.annotate.then(|| annotation(self.cleaner, &outcome));
        let line = record
            .with_text(&cleaned, annotation.as_ref().map(|a| (self.options.annotate_field.as_str(), a)));
        LineResult::Cleaned { line, text_len, out_len: cleaned.len(), outcome, replacements }
    }

    fn wet<W: Write + ?Sized>(
        &self,
        path: &str,
        reader: Box<dyn BufRead + Send + '_>,
        out: &mut W,
        tally: &mut Tally,
    ) -> Result<(), JobError> {
        let mut records = WarcReader::new(reader).with_limit(self.options.max_document_bytes);
        loop {
            if self.cancelled() {
                return Err(JobError::Interrupted);
            }
            let mut batch = Vec::new();
            let mut batch_bytes = 0;
            let mut finished = false;
            while batch_bytes < BATCH_BYTES && batch.len() < BATCH_RECORDS {
                match records.next_record().map_err(|e| JobError::Input(e.to_string()))? {
                    None => {
                        finished = true;
                        break;
                    }
                    Some(record)
                        if record
                            .header("WARC-Type")
                            .is_some_and(|t| t.eq_ignore_ascii_case("conversion")) =>
                    {
                        batch_bytes += record.body.len();
                        batch.push(record);
                    }
                    Some(_) => {}
                }
            }
            let results: Vec<(String, Result<WetCleaned, WetFailed>)> = batch
                .par_iter()
                .map(|record| {
                    // WET bodies are UTF-8 by the format; stray bytes are replaced and counted.
                    let (text, replacements) = crate::decode::lossy_utf8(&record.body);
                    let url = record.header("WARC-Target-URI");
                    let id = record.header("WARC-Record-ID").or(url).unwrap_or("record").to_string();
                    let to_line = |text: &str, annotation: Option<serde_json::Value>| {
                        let doc = WetDocument {
                            url,
                            warc_record_id: record.header("WARC-Record-ID"),
                            date: record.header("WARC-Date"),
                            language: record.header("WARC-Identified-Content-Language"),
                            text,
                        };
                        let mut line = serde_json::to_string(&doc).expect("documents always serialise");
                        if let Some(annotation) = annotation {
                            // The last field, under the name asked for.
                            line.pop();
                            line.push(',');
                            line.push_str(
                                &serde_json::to_string(&self.options.annotate_field).expect("a string"),
                            );
                            line.push(':');
                            line.push_str(&annotation.to_string());
                            line.push('}');
                        }
                        line
                    };
                    let result = match guarded(|| self.cleaner.run(&text, DocumentContext { url })) {
                        Ok(outcome) => {
                            let cleaned = outcome.field_text(&text);
                            let annotation =
                                self.options.annotate.then(|| annotation(self.cleaner, &outcome));
                            let line = to_line(&cleaned, annotation);
                            Ok(WetCleaned {
                                line,
                                text_len: text.len(),
                                out_len: cleaned.len(),
                                outcome,
                                replacements,
                            })
                        }
                        Err(panic) => Err(WetFailed {
                            uncleaned: to_line(&text, None),
                            message: internal_error(&panic),
                        }),
                    };
                    (id, result)
                })
                .collect();
            for (id, result) in results {
                match result {
                    Ok(WetCleaned { line, text_len, out_len, outcome, replacements }) => {
                        if self.options.drop_empty && out_len == 0 {
                            tally.stats.documents_dropped_empty += 1;
                        } else {
                            out.write_all(line.as_bytes())
                                .and_then(|()| out.write_all(b"\n"))
                                .map_err(JobError::Output)?;
                        }
                        tally.add_document(text_len, &outcome, out_len, || {
                            Flagged::record(path, id.clone(), format!("{path}: {id}"))
                        });
                        if replacements > 0 {
                            self.progress.note(&format!(
                                "{path}: {id}: {replacements} malformed byte sequence(s) replaced with U+FFFD"
                            ));
                        }
                        tally.add_replacements(replacements);
                    }
                    Err(WetFailed { mut uncleaned, message }) => {
                        tally.stats.documents_failed += 1;
                        uncleaned.push('\n');
                        let (location, record) = (format!("{path}: {id}"), format!("record {id}"));
                        self.unusable_record(&location, &record, &message, uncleaned.as_bytes(), out)?;
                    }
                }
            }
            self.progress.documents(batch.len() as u64);
            if finished {
                return Ok(());
            }
        }
    }
}

enum LineResult {
    Cleaned {
        line: String,
        text_len: usize,
        out_len: usize,
        outcome: Outcome,
        /// Malformed byte sequences replaced in the line.
        replacements: usize,
    },
    Blank,
    /// Not a JSON object with a string text field, or cleaning it panicked; either way the
    /// record follows the `--on-error` policy.
    Unusable {
        message: String,
        kind: Unusable,
    },
}

/// Why a JSONL line could not be cleaned.
enum Unusable {
    /// Not a JSON object.
    Malformed,
    /// An object without the text field (or with a non-string one); its field names.
    MissingField(Vec<String>),
    /// Cleaning it panicked: a bug.
    Internal,
}

/// How many field names a "no record has field" error lists.
const MAX_FIELD_NAMES: usize = 12;

/// Which records of a JSONL file had the text field: a file where none does was read with
/// the wrong `--text-field`, and passing it through would "succeed" with nothing cleaned.
#[derive(Default)]
struct TextFieldCensus {
    with_text: u64,
    without_text: u64,
    /// Field names of the records without it, in order of first sight.
    seen: Vec<String>,
}

impl TextFieldCensus {
    fn check(&self, text_field: &str) -> Result<(), JobError> {
        if self.with_text > 0 || self.without_text == 0 {
            return Ok(());
        }
        let fields = if self.seen.is_empty() { "none".to_string() } else { self.seen.join(", ") };
        Err(JobError::Input(format!(
            "no record has field `{text_field}` ({} records); fields: {fields}; choose one with --text-field",
            self.without_text
        )))
    }
}

/// The top-level field names of a JSON object line (empty if it is not one).
fn field_names(line: &str) -> Vec<String> {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line)
        .map(|object| object.keys().cloned().collect())
        .unwrap_or_default()
}

/// A cleaned WET record as its JSONL line.
struct WetCleaned {
    line: String,
    text_len: usize,
    out_len: usize,
    outcome: Outcome,
    replacements: usize,
}

/// A WET record whose cleaning failed: its uncleaned JSONL line, for `--on-error keep`.
struct WetFailed {
    uncleaned: String,
    message: String,
}

/// Runs `clean`, turning a panic into its message so one bad document cannot end a corpus run.
fn guarded<T>(clean: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(clean)).map_err(|payload| panic_message(&*payload))
}

/// The message a panic was raised with (`panic!("…")` carries a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

fn internal_error(panic: &str) -> String {
    format!(
        "internal error while cleaning ({panic}); this is a bug in thresh, please report it with \
         this document"
    )
}

#[derive(Serialize)]
struct WetDocument<'a> {
    url: Option<&'a str>,
    warc_record_id: Option<&'a str>,
    /// The record's `WARC-Date`: when the page was fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    text: &'a str,
}

/// `{"removed_lines": N, "rules": {"id": count, …}}` for `--annotate`.
fn annotation(cleaner: &Cleaner, outcome: &Outcome) -> serde_json::Value {
    let rules: serde_json::Map<String, serde_json::Value> = outcome
        .drops_by_rule(cleaner.rules())
        .into_iter()
        .map(|(id, n)| (id.to_string(), n.into()))
        .collect();
    serde_json::json!({ "removed_lines": outcome.dropped_lines(), "rules": rules })
}

fn strip_terminator(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
}

fn terminator(raw: &[u8]) -> &[u8] {
    &raw[strip_terminator(raw).len()..]
}

/// Error messages of the decode stage start with the path; the batch adds its own.
fn strip_path(message: &str, path: &str) -> String {
    message.strip_prefix(path).and_then(|m| m.strip_prefix(": ")).unwrap_or(message).to_string()
}

struct CountingReader<'a, R> {
    inner: R,
    progress: &'a dyn Progress,
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.read_bytes(n as u64);
        Ok(n)
    }
}

struct CountingWriter<'w, W: ?Sized> {
    inner: &'w mut W,
    written: usize,
}

impl<W: Write + ?Sized> Write for CountingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
