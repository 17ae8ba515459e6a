//! Documents of an input file, one by one, whatever its format: a text file is one document,
//! a JSONL shard one per record, a WET file one per conversion record. Used by `thresh learn`;
//! cleaning uses the parallel, order-keeping reader in [`crate::batch`].

use std::io::{self, BufRead};

use crate::decode::{decode_owned, DecodeOptions};
use crate::read::compression::{open_decompressed, read_all};
use crate::read::jsonl::Record;
use crate::read::plan::{Format, Job};
use crate::read::wet::WarcReader;

/// One document: a name for reports, its URL when known, and its text.
#[derive(Debug, Clone, Copy)]
pub struct DocumentRef<'a> {
    /// `file`, `file:line` (JSONL) or `file: record-id` (WET).
    pub name: &'a str,
    /// The page URL, when the input carries one.
    pub url: Option<&'a str>,
    /// The text.
    pub text: &'a str,
}

/// Calls `each` for every document of `job`; returns the number of records skipped as
/// malformed, or the first read error (with the file and line or record in the message).
pub fn for_each_document(
    job: &Job,
    text_field: &str,
    url_field: &str,
    decode: DecodeOptions,
    mut each: impl FnMut(DocumentRef<'_>),
) -> io::Result<usize> {
    let path = job.input.display().to_string();
    let (mut reader, _) = open_decompressed(std::fs::File::open(&job.input)?)?;
    let mut malformed = 0;
    match job.format {
        Format::Text => {
            let bytes = read_all(reader)?;
            let decoded = decode_owned(bytes, &path, decode)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            each(DocumentRef { name: &path, url: None, text: &decoded.text });
        }
        Format::Jsonl => {
            let mut raw = Vec::new();
            let mut number = 0;
            loop {
                raw.clear();
                if reader.read_until(b'\n', &mut raw)? == 0 {
                    break;
                }
                number += 1;
                let Ok(line) = std::str::from_utf8(&raw) else {
                    malformed += 1;
                    continue;
                };
                let line = line.trim_end_matches(['\n', '\r']);
                if line.trim().is_empty() {
                    continue;
                }
                match Record::parse(line, text_field, url_field) {
                    Ok(record) => {
                        let name = format!("{path}:{number}");
                        each(DocumentRef { name: &name, url: record.url.as_deref(), text: &record.text });
                    }
                    Err(_) => malformed += 1,
                }
            }
        }
        Format::Wet => {
            let mut records = WarcReader::new(reader);
            while let Some(record) = records.next_record()? {
                if !record.header("WARC-Type").is_some_and(|t| t.eq_ignore_ascii_case("conversion")) {
                    continue;
                }
                let text = String::from_utf8_lossy(&record.body);
                let name = format!("{path}: {}", record.header("WARC-Record-ID").unwrap_or("record"));
                each(DocumentRef { name: &name, url: record.header("WARC-Target-URI"), text: &text });
            }
        }
    }
    Ok(malformed)
}
