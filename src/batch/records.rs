//! Records of JSONL and WET inputs: read in bounded batches, cleaned in parallel, written in
//! their order, each unusable one handled by the `--on-error` policy.

use std::io::{BufRead, Write};

use rayon::prelude::*;
use serde::Serialize;

use super::stats::{Flagged, Tally};
use super::{guarded, internal_error, Batch, JobError, OnError};
use crate::engine::{Cleaner, Outcome};
use crate::matcher::DocumentContext;
use crate::read::compression::too_large;
use crate::read::jsonl::{CopyError, JsonlLine, LineReader, Record, RecordError};
use crate::read::wet::{WarcReader, WarcRecord};

/// A batch of records is cut at this many bytes…
const BATCH_BYTES: usize = 4 << 20;
/// …or this many records.
const BATCH_RECORDS: usize = 2048;

/// A batch of JSONL lines as read: whole lines with their numbers, and the line over the limit
/// that ended the batch, if one did (its number and first bytes).
struct ReadBatch {
    records: Vec<(usize, Vec<u8>)>,
    oversized: Option<(usize, Vec<u8>)>,
}

/// The next batch of lines; no lines and nothing oversized at the end of the input.
fn read_batch<R: BufRead>(lines: &mut LineReader<R>) -> Result<ReadBatch, JobError> {
    let mut batch = ReadBatch { records: Vec::new(), oversized: None };
    let mut batch_bytes = 0;
    while batch_bytes < BATCH_BYTES && batch.records.len() < BATCH_RECORDS {
        match lines.next_line().map_err(|e| JobError::Input(e.to_string()))? {
            None => break,
            Some(JsonlLine::Whole { number, raw }) => {
                batch_bytes += raw.len();
                batch.records.push((number, raw));
            }
            // A line over the document limit ends the batch; only its first bytes are held.
            Some(JsonlLine::Oversized { number, prefix }) => {
                batch.oversized = Some((number, prefix));
                break;
            }
        }
    }
    Ok(batch)
}

impl Batch<'_> {
    pub(super) fn jsonl<W: Write + ?Sized>(
        &self,
        path: &str,
        reader: Box<dyn BufRead + Send + '_>,
        out: &mut W,
        tally: &mut Tally,
    ) -> Result<(), JobError> {
        let mut lines = LineReader::new(reader, self.options.max_document_bytes);
        let mut fields = TextFieldCensus::default();
        loop {
            // Batches are read ahead (see `read_ahead`), up to the end or to a batch that a line
            // over the limit ends: that line's rest is streamed from here, in order.
            let last = |batch: &ReadBatch| batch.records.is_empty() || batch.oversized.is_some();
            let (back, result) = self.read_ahead(lines, read_batch, last, |batch| {
                if batch.records.is_empty() && batch.oversized.is_none() {
                    return Ok(Some(None));
                }
                self.write_batch(path, &batch.records, out, tally, &mut fields)?;
                self.progress.documents(batch.records.len() as u64);
                Ok(batch.oversized.map(Some))
            });
            lines = back;
            let Some((number, prefix)) = result? else {
                return fields.check(&self.options.text_field);
            };
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
    }

    /// Cleans a batch of records in parallel and writes them in order.
    fn write_batch<W: Write + ?Sized>(
        &self,
        path: &str,
        batch: &[(usize, Vec<u8>)],
        out: &mut W,
        tally: &mut Tally,
        fields: &mut TextFieldCensus,
    ) -> Result<(), JobError> {
        let results: Vec<LineResult> = batch.par_iter().map(|(_, raw)| self.clean_line(raw)).collect();
        for ((number, raw), result) in batch.iter().zip(results) {
            match result {
                LineResult::Cleaned { line, text_len, out_len, outcome, replacements } => {
                    let cleaned =
                        CleanedRecord { line: &line, terminator: terminator(raw), text_len, out_len };
                    let flagged = || Flagged::record(path, number.to_string(), format!("{path}:{number}"));
                    self.write_cleaned(cleaned, &outcome, replacements, flagged, out, tally)?;
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
        Ok(())
    }

    /// Writes a cleaned record (JSONL or WET) unless `--drop-empty` leaves it out, tallies it,
    /// and reports bytes its decoding replaced; `flagged` names it (made only when needed:
    /// most records are neither flagged nor repaired).
    fn write_cleaned<W: Write + ?Sized>(
        &self,
        cleaned: CleanedRecord<'_>,
        outcome: &Outcome,
        replacements: usize,
        flagged: impl Fn() -> Flagged,
        out: &mut W,
        tally: &mut Tally,
    ) -> Result<(), JobError> {
        let CleanedRecord { line, terminator, text_len, out_len } = cleaned;
        if self.options.drop_empty && out_len == 0 {
            tally.stats.documents_dropped_empty += 1;
        } else {
            out.write_all(line.as_bytes())
                .and_then(|()| out.write_all(terminator))
                .map_err(JobError::Output)?;
        }
        if replacements > 0 {
            self.progress.note(&format!(
                "{}: {replacements} malformed byte sequence(s) replaced with U+FFFD",
                flagged().name
            ));
        }
        tally.add_document(text_len, outcome, out_len, flagged);
        tally.add_replacements(replacements);
        Ok(())
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

    pub(super) fn wet<W: Write + ?Sized>(
        &self,
        path: &str,
        reader: Box<dyn BufRead + Send + '_>,
        out: &mut W,
        tally: &mut Tally,
    ) -> Result<(), JobError> {
        let records = WarcReader::new(reader).with_limit(self.options.max_document_bytes);
        let last = |&(_, finished): &(Vec<WarcRecord>, bool)| finished;
        let (_, result) = self.read_ahead(records, read_wet_batch, last, |(batch, finished)| {
            self.write_wet_batch(path, &batch, out, tally)?;
            self.progress.documents(batch.len() as u64);
            Ok(finished.then_some(()))
        });
        result
    }

    /// Reads batches from `source` with `read` on a thread of its own, a batch ahead of
    /// `consume` on this one, so that no core waits on the other's reading. The reader stops
    /// after the `last` batch (what follows it, if anything, is this thread's to read) or an
    /// error; `consume` takes the batches in order until it returns `Some`, which it must by
    /// the last; a run being stopped ends it too. Returns the source, for what follows on
    /// this thread, and the outcome.
    fn read_ahead<S: Send, T: Send, D>(
        &self,
        mut source: S,
        read: fn(&mut S) -> Result<T, JobError>,
        last: fn(&T) -> bool,
        mut consume: impl FnMut(T) -> Result<Option<D>, JobError>,
    ) -> (S, Result<D, JobError>) {
        std::thread::scope(|scope| {
            let (batches, received) = std::sync::mpsc::sync_channel::<Result<T, JobError>>(1);
            let reader = scope.spawn(move || {
                loop {
                    let batch = read(&mut source);
                    let stop = batch.as_ref().map_or(true, last);
                    // Once `consume` is done, it drops `received` and the send fails.
                    if batches.send(batch).is_err() || stop {
                        return source;
                    }
                }
            });
            let result = (|| {
                for batch in received {
                    if self.cancelled() {
                        return Err(JobError::Interrupted);
                    }
                    if let Some(done) = consume(batch?)? {
                        return Ok(done);
                    }
                }
                unreachable!("`consume` is done by the last batch; the reader stops there or at an error")
            })();
            (reader.join().expect("the reader thread does not panic"), result)
        })
    }

    /// Cleans a batch of WET records in parallel and writes them, as JSONL, in order.
    fn write_wet_batch<W: Write + ?Sized>(
        &self,
        path: &str,
        batch: &[WarcRecord],
        out: &mut W,
        tally: &mut Tally,
    ) -> Result<(), JobError> {
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
                        let annotation = self.options.annotate.then(|| annotation(self.cleaner, &outcome));
                        let line = to_line(&cleaned, annotation);
                        Ok(WetCleaned {
                            line,
                            text_len: text.len(),
                            out_len: cleaned.len(),
                            outcome,
                            replacements,
                        })
                    }
                    Err(panic) => {
                        Err(WetFailed { uncleaned: to_line(&text, None), message: internal_error(&panic) })
                    }
                };
                (id, result)
            })
            .collect();
        for (id, result) in results {
            match result {
                Ok(WetCleaned { line, text_len, out_len, outcome, replacements }) => {
                    let cleaned = CleanedRecord { line: &line, terminator: b"\n", text_len, out_len };
                    let flagged = || Flagged::record(path, id.clone(), format!("{path}: {id}"));
                    self.write_cleaned(cleaned, &outcome, replacements, flagged, out, tally)?;
                }
                Err(WetFailed { mut uncleaned, message }) => {
                    tally.stats.documents_failed += 1;
                    uncleaned.push('\n');
                    let (location, record) = (format!("{path}: {id}"), format!("record {id}"));
                    self.unusable_record(&location, &record, &message, uncleaned.as_bytes(), out)?;
                }
            }
        }
        Ok(())
    }
}

/// The next batch of WET conversion records, and whether the input ended with it.
fn read_wet_batch<R: BufRead>(records: &mut WarcReader<R>) -> Result<(Vec<WarcRecord>, bool), JobError> {
    let mut batch = Vec::new();
    let mut batch_bytes = 0;
    while batch_bytes < BATCH_BYTES && batch.len() < BATCH_RECORDS {
        match records.next_record().map_err(|e| JobError::Input(e.to_string()))? {
            None => return Ok((batch, true)),
            Some(record) if record.is_conversion() => {
                batch_bytes += record.body.len();
                batch.push(record);
            }
            Some(_) => {}
        }
    }
    Ok((batch, false))
}

/// A cleaned record's output line, as [`Batch::write_cleaned`] takes it.
struct CleanedRecord<'a> {
    line: &'a str,
    terminator: &'a [u8],
    text_len: usize,
    out_len: usize,
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
pub(super) fn strip_path(message: &str, path: &str) -> String {
    message.strip_prefix(path).and_then(|m| m.strip_prefix(": ")).unwrap_or(message).to_string()
}
