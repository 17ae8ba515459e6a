//! Documents of an input file, one by one, whatever its format: a text file is one document,
//! a JSONL shard one per record, a WET file one per conversion record. Used by `thresh learn`;
//! cleaning reads batches of records in parallel, in order, in [`crate::batch`]; both use the
//! same bounded readers (`read_document`, [`LineReader`], `WarcReader::with_limit`), format
//! recognition and decoding.

use std::io;

use crate::decode::{decode_owned, lossy_utf8, DecodeOptions};
use crate::read::compression::{open_decompressed, read_document};
use crate::read::jsonl::{CopyError, JsonlLine, LineReader, Record};
use crate::read::plan::{Format, Job};
use crate::read::wet::WarcReader;

/// One document: a name for reports, which record of its file it is, its URL when known, and
/// its text.
#[derive(Debug, Clone, Copy)]
pub struct DocumentRef<'a> {
    /// `file`, `file:line` (JSONL) or `file: record-id` (WET).
    pub name: &'a str,
    /// Which record: the line number of a JSONL record, the number (from 1) of a WET
    /// conversion record among them; `None` for a text file.
    pub record: Option<usize>,
    /// A WET record's `WARC-Record-ID`.
    pub record_id: Option<&'a str>,
    /// The page URL, when the input carries one.
    pub url: Option<&'a str>,
    /// The text.
    pub text: &'a str,
    /// Malformed byte sequences replaced by U+FFFD while decoding it.
    pub replacements: usize,
}

/// How documents are read: the fields of JSONL records, the decoding of text files, and the
/// limits, as `thresh clean` reads them.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// JSONL field holding the text.
    pub text_field: String,
    /// JSONL field holding the page URL.
    pub url_field: String,
    /// How to decode text files.
    pub decode: DecodeOptions,
    /// Largest document held: a text file over it fails, a JSONL line or WET record over it is
    /// skipped (and counted).
    pub max_document_bytes: u64,
    /// Recognise JSONL and WET in inputs named like text (see [`crate::read::sniff`]).
    pub detect_format: bool,
}

/// Calls `each` for every document of `job`; returns the number of records skipped (malformed,
/// without the text field, or over the size limit), or the first read error (with the file
/// and line or record in the message). Reads with the same bounded readers as cleaning.
pub fn for_each_document(
    job: &Job,
    options: &ReadOptions,
    each: impl FnMut(DocumentRef<'_>),
) -> io::Result<usize> {
    let file = std::fs::File::open(&job.input)?;
    for_each_document_in(Box::new(file), &job.input.display().to_string(), job.format, options, each)
}

/// Like [`for_each_document`], for any input (standard input too), named `name` in reports;
/// `format` is the input's format as its name says (see [`ReadOptions::detect_format`]).
pub fn for_each_document_in(
    input: Box<dyn io::Read + Send + '_>,
    name: &str,
    format: Format,
    options: &ReadOptions,
    mut each: impl FnMut(DocumentRef<'_>),
) -> io::Result<usize> {
    let path = name;
    let (reader, _) = open_decompressed(input)?;
    let (format, reader) = crate::read::sniff::resolve(format, options.detect_format, reader)?;
    let mut skipped = 0;
    match format {
        Format::Text => {
            let bytes = read_document(reader, options.max_document_bytes)?;
            let decoded = decode_owned(bytes, path, options.decode)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            each(DocumentRef {
                name: path,
                record: None,
                record_id: None,
                url: None,
                text: &decoded.text,
                replacements: decoded.replacements,
            });
        }
        Format::Jsonl => {
            let mut lines = LineReader::new(reader, options.max_document_bytes);
            while let Some(line) = lines.next_line()? {
                let (number, raw) = match line {
                    JsonlLine::Whole { number, raw } => (number, raw),
                    JsonlLine::Oversized { .. } => {
                        skipped += 1;
                        lines.finish_line(None::<&mut io::Sink>).map_err(|e| match e {
                            CopyError::Read(e) | CopyError::Write(e) => e,
                        })?;
                        continue;
                    }
                };
                let (line, replacements) = lossy_utf8(&raw);
                let line = line.trim_end_matches(['\n', '\r']);
                if line.trim().is_empty() {
                    continue;
                }
                match Record::parse(line, &options.text_field, &options.url_field) {
                    Ok(record) => {
                        let name = format!("{path}:{number}");
                        each(DocumentRef {
                            name: &name,
                            record: Some(number),
                            record_id: None,
                            url: record.url.as_deref(),
                            text: &record.text,
                            replacements,
                        });
                    }
                    Err(_) => skipped += 1,
                }
            }
        }
        Format::Wet => {
            let mut records = WarcReader::new(reader).with_limit(options.max_document_bytes);
            let mut number = 0;
            while let Some(record) = records.next_record()? {
                if !record.is_conversion() {
                    continue;
                }
                number += 1;
                let (text, replacements) = lossy_utf8(&record.body);
                let id = record.header("WARC-Record-ID");
                let name = format!("{path}: {}", id.unwrap_or("record"));
                each(DocumentRef {
                    name: &name,
                    record: Some(number),
                    record_id: id,
                    url: record.header("WARC-Target-URI"),
                    text: &text,
                    replacements,
                });
            }
        }
    }
    Ok(skipped)
}
