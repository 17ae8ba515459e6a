//! Common Crawl WET files: a sequence of WARC records (`warcinfo`, then one `conversion` record
//! per page holding its extracted text), usually each gzip member on its own.

use std::io::{self, BufRead, Read};

/// One WARC record: its headers and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcRecord {
    /// Header names and values in order, names as written.
    pub headers: Vec<(String, String)>,
    /// The record body (Content-Length bytes).
    pub body: Vec<u8>,
}

impl WarcRecord {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// True for a `conversion` record, the extracted text of a page: the documents of a WET file.
    pub fn is_conversion(&self) -> bool {
        self.header("WARC-Type").is_some_and(|t| t.eq_ignore_ascii_case("conversion"))
    }
}

/// Reads WARC records one by one from a (decompressed) stream.
pub struct WarcReader<R> {
    reader: R,
    /// 1-based number of the record read last, for error messages.
    pub record_number: usize,
    max_body_bytes: u64,
}

/// Bodies larger than this are refused rather than allocated, unless a limit is set.
pub const MAX_RECORD_BYTES: u64 = 1 << 30;

/// Header lines longer than this are refused; real ones are well under 1 KiB.
const MAX_HEADER_LINE: u64 = 64 << 10;

impl<R: BufRead> WarcReader<R> {
    /// Reads from `reader`.
    pub fn new(reader: R) -> Self {
        WarcReader { reader, record_number: 0, max_body_bytes: MAX_RECORD_BYTES }
    }

    /// Refuses records whose body is larger than `limit` bytes.
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// One line, refusing lines over [`MAX_HEADER_LINE`] so a hostile stream cannot make
    /// the reader buffer without bound.
    fn read_line(&mut self, line: &mut String) -> io::Result<usize> {
        let n = (&mut self.reader).take(MAX_HEADER_LINE).read_line(line)?;
        if n as u64 == MAX_HEADER_LINE && !line.ends_with('\n') {
            return Err(invalid(format!(
                "record {}: a header line is longer than 64 KiB; this is not a WARC file",
                self.record_number.max(1)
            )));
        }
        Ok(n)
    }

    /// The next record, or `None` at the end of the stream.
    pub fn next_record(&mut self) -> io::Result<Option<WarcRecord>> {
        let mut line = String::new();
        // Skip the blank lines that end the previous record.
        loop {
            line.clear();
            if self.read_line(&mut line)? == 0 {
                return Ok(None);
            }
            if !line.trim().is_empty() {
                break;
            }
        }
        self.record_number += 1;
        if !line.starts_with("WARC/") {
            return Err(invalid(format!(
                "record {}: expected a WARC/1.x version line, found {:?}",
                self.record_number,
                line.trim_end()
            )));
        }
        let mut headers = Vec::new();
        loop {
            line.clear();
            if self.read_line(&mut line)? == 0 {
                return Err(invalid(format!(
                    "record {}: stream ends inside the headers",
                    self.record_number
                )));
            }
            let header = line.trim_end_matches(['\r', '\n']);
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
        let length: u64 = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))
            .and_then(|(_, v)| v.parse().ok())
            .ok_or_else(|| {
                invalid(format!("record {}: no valid Content-Length header", self.record_number))
            })?;
        if length > self.max_body_bytes {
            return Err(invalid(format!(
                "record {}: Content-Length {length} exceeds the {} document limit; raise it with \
                 --max-document-size",
                self.record_number,
                crate::read::compression::human_size(self.max_body_bytes)
            )));
        }
        // Grown as bytes arrive: a lying Content-Length must not allocate up front.
        let mut body = Vec::with_capacity(length.min(1 << 20) as usize);
        (&mut self.reader).take(length).read_to_end(&mut body)?;
        if (body.len() as u64) < length {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "record {}: stream ends inside the body ({} of {length} bytes)",
                    self.record_number,
                    body.len()
                ),
            ));
        }
        Ok(Some(WarcRecord { headers, body }))
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn record(kind: &str, uri: &str, body: &str) -> String {
        format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:{uri}>\r\nWARC-Identified-Content-Language: eng\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
            body.len()
        )
    }

    #[test]
    fn reads_records_in_order() {
        let data = record("warcinfo", "", "software: x\r\n")
            + &record("conversion", "https://a.test/", "Héllo\nAdvertisement\n");
        let mut reader = WarcReader::new(data.as_bytes());
        let info = reader.next_record().unwrap().unwrap();
        assert_eq!(info.header("warc-type"), Some("warcinfo"));
        let page = reader.next_record().unwrap().unwrap();
        assert_eq!(page.header("WARC-Target-URI"), Some("https://a.test/"));
        assert_eq!(page.body, "Héllo\nAdvertisement\n".as_bytes());
        assert!(reader.next_record().unwrap().is_none());
    }

    #[test]
    fn truncated_bodies_and_garbage_are_errors() {
        let data = record("conversion", "u", "0123456789");
        let cut = &data.as_bytes()[..data.len() - 8];
        let err = WarcReader::new(cut).next_record().unwrap_err();
        assert!(err.to_string().contains("stream ends inside the body"), "{err}");
        let err = WarcReader::new(&b"GET / HTTP/1.1\r\n"[..]).next_record().unwrap_err();
        assert!(err.to_string().contains("expected a WARC/1.x version line"), "{err}");
    }
}
