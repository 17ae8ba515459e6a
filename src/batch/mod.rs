//! Corpus runs: many files and shards on all cores, output in input order, every output file
//! written atomically, failures reported per file while the run goes on, and a tally of what was
//! removed.
//!
//! Files run in parallel (rayon). Inside a JSONL or WET shard, records are read in batches of
//! bounded size, cleaned in parallel and written in their original order, so memory is bounded
//! by two batches (one read ahead by a thread of its own while the other is cleaned) and the
//! largest record, not by the shard.

use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

mod records;
mod stats;

use records::strip_path;
pub use stats::{Failure, Stats};
use stats::{Flagged, Tally};

use crate::decode::{decode_owned, DecodeOptions};
use crate::engine::Cleaner;
use crate::error::InputError;
use crate::matcher::DocumentContext;
use crate::matcher::RuleIndex;
use crate::read::compression::{open_decompressed, read_document, CompressedWriter, Compression};
use crate::read::plan::{Format, Job};
use crate::write::atomic::AtomicFile;

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
        let (format, reader) = crate::read::sniff::resolve(job.format, self.options.detect_format, reader)
            .map_err(|e| JobError::Input(format!("cannot read: {e}")))?;
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
