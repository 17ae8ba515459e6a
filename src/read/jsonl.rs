//! JSONL records: find the text (and URL) field of one line and splice a cleaned text back in,
//! leaving every other byte of the line as it was.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead, Read, Write};
use std::ops::Range;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// One parsed JSONL line: where its fields are and the text to clean.
#[derive(Debug)]
pub struct Record<'a> {
    line: &'a str,
    /// The unescaped text field.
    pub text: String,
    text_span: Range<usize>,
    /// Every top-level field: its (unescaped) name and where its raw value lies in the line.
    fields: Vec<(Cow<'a, str>, Range<usize>)>,
    /// The unescaped URL field, when present and a string.
    pub url: Option<String>,
}

/// Why a line is not a usable record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordError {
    /// Not a JSON object.
    Malformed(String),
    /// The text field is missing or not a string.
    NoText(String),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Malformed(detail) => write!(f, "not a JSON object: {detail}"),
            RecordError::NoText(field) => write!(f, "no string field `{field}`"),
        }
    }
}

/// The top-level fields of an object, in order, each with its raw JSON value.
struct Fields<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> serde::Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut fields = Vec::new();
                while let Some((key, value)) = map.next_entry::<Cow<'de, str>, &'de RawValue>()? {
                    fields.push((key, value));
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(FieldsVisitor)
    }
}

/// The value of a raw JSON value when it is a string; `None` for any other value.
fn string_value(raw: &str) -> Option<String> {
    unescape(raw).or_else(|| serde_json::from_str(raw).ok())
}

/// The value of the JSON string `raw` (quotes included), unescaped here for what most strings
/// hold: runs with nothing to unescape are found 64 bytes at a time and copied whole, the
/// short escapes and `\u` escapes (surrogate pairs too) decoded. `None` for anything else (a
/// control character, a lone surrogate, a value that is no string), which is left to
/// `serde_json`: what it accepts and how it fails stay as they were.
fn unescape(raw: &str) -> Option<String> {
    let body = raw.strip_prefix('"')?.strip_suffix('"')?;
    let bytes = body.as_bytes();
    let mut out = String::with_capacity(body.len());
    // Text up to `at` is read; from `run`, it is yet to be copied.
    let (mut run, mut at) = (0, 0);
    for (k, chunk) in bytes.chunks(64).enumerate() {
        let block = crate::text::simd::Block64::load(chunk);
        let mut special = block.any_of([b'"', b'\\', 0]) | block.in_range(0x01, 0x1F);
        while special != 0 {
            let stop = k * 64 + special.trailing_zeros() as usize;
            special &= special - 1;
            if stop < at {
                continue; // Inside the escape just read.
            }
            if bytes[stop] != b'\\' {
                return None;
            }
            out.push_str(&body[run..stop]);
            let (ch, len) = unescape_at(body, stop)?;
            out.push(ch);
            at = stop + len;
            run = at;
        }
    }
    out.push_str(&body[run..]);
    Some(out)
}

/// The character escaped at `body[at..]` (a backslash) and the length of its escape.
fn unescape_at(body: &str, at: usize) -> Option<(char, usize)> {
    let ch = match *body.as_bytes().get(at + 1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let first = hex4(body, at + 2)?;
            if (0xD800..=0xDBFF).contains(&first) && body.get(at + 6..at + 8) == Some("\\u") {
                let second = hex4(body, at + 8).filter(|s| (0xDC00..=0xDFFF).contains(s))?;
                let ch = char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))?;
                return Some((ch, 12));
            }
            return Some((char::from_u32(first)?, 6));
        }
        _ => return None,
    };
    Some((ch, 2))
}

/// The four hex digits at `body[at..]` as a number.
fn hex4(body: &str, at: usize) -> Option<u32> {
    let digits = body.get(at..at + 4)?;
    digits.bytes().all(|b| b.is_ascii_hexdigit()).then(|| u32::from_str_radix(digits, 16).ok())?
}

/// Appends `text` as a JSON string, escaped byte for byte as `serde_json` escapes it (`"`,
/// `\\`, and controls below 0x20: short forms for `\b \t \n \f \r`, `\u00xx` for the others);
/// runs with nothing to escape, most of a text, are found eight bytes at a time and copied
/// whole, with no string of their own.
fn push_json_string(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push('"');
    let (mut run_start, mut i) = (0, 0);
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let escapes = crate::text::swar::json_escapes(crate::text::swar::load(chunk));
            if escapes == 0 {
                i += 8;
                continue;
            }
            i += escapes.trailing_zeros() as usize / 8;
        } else if !matches!(bytes[i], b'"' | b'\\' | 0..=0x1F) {
            i += 1;
            continue;
        }
        // bytes[i] is ASCII: the run before it ends on a character boundary.
        out.push_str(&text[run_start..i]);
        match bytes[i] {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0C => out.push_str("\\f"),
            control => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(control >> 4)]));
                out.push(char::from(HEX[usize::from(control & 0xF)]));
            }
        }
        i += 1;
        run_start = i;
    }
    out.push_str(&text[run_start..]);
    out.push('"');
}

impl<'a> Record<'a> {
    /// Parses `line` and extracts `text_field` (required) and `url_field` (optional).
    pub fn parse(line: &'a str, text_field: &str, url_field: &str) -> Result<Self, RecordError> {
        let fields: Fields<'a> =
            serde_json::from_str(line).map_err(|e| RecordError::Malformed(e.to_string()))?;
        let mut text = None;
        let mut url = None;
        for (key, raw) in &fields.0 {
            if text.is_none() && key == text_field {
                let value =
                    string_value(raw.get()).ok_or_else(|| RecordError::NoText(text_field.to_string()))?;
                text = Some((value, span_of(line, raw)));
            } else if url.is_none() && key == url_field {
                url = string_value(raw.get());
            }
        }
        let (text, text_span) = text.ok_or_else(|| RecordError::NoText(text_field.to_string()))?;
        let fields = fields.0.into_iter().map(|(key, raw)| (key, span_of(line, raw))).collect();
        Ok(Record { line, text, text_span, fields, url })
    }

    /// The line with the text field's value replaced by `cleaned`, and, when given, an extra
    /// field: its value replaced where the record already has a field of that name (an
    /// annotated record annotated again has one such field, not two), else appended before
    /// the closing brace.
    pub fn with_text(&self, cleaned: &str, extra_field: Option<(&str, &serde_json::Value)>) -> String {
        let mut out = String::with_capacity(self.line.len());
        let mut text = String::new();
        push_json_string(&mut text, cleaned);
        // Values replaced in place, in line order.
        let mut replaced: Vec<(Range<usize>, &str)> = vec![(self.text_span.clone(), text.as_str())];
        let extra = extra_field.map(|(name, value)| (name, value.to_string()));
        let mut append = None;
        if let Some((name, value)) = &extra {
            match self.fields.iter().find(|(key, span)| key == name && *span != self.text_span) {
                Some((_, span)) => replaced.push((span.clone(), value.as_str())),
                None => append = Some((*name, value.as_str())),
            }
        }
        replaced.sort_by_key(|(span, _)| span.start);
        let mut at = 0;
        for (span, value) in replaced {
            out.push_str(&self.line[at..span.start]);
            out.push_str(value);
            at = span.end;
        }
        let rest = &self.line[at..];
        match append {
            None => out.push_str(rest),
            Some((name, value)) => {
                let close = rest.rfind('}').expect("a parsed object ends with }");
                out.push_str(&rest[..close]);
                out.push(',');
                push_json_string(&mut out, name);
                out.push(':');
                out.push_str(value);
                out.push_str(&rest[close..]);
            }
        }
        out
    }
}

/// Where `raw` (borrowed from `line`) lies in `line`.
fn span_of(line: &str, raw: &RawValue) -> Range<usize> {
    let start = raw.get().as_ptr() as usize - line.as_ptr() as usize;
    start..start + raw.get().len()
}

/// The lines of a JSONL input, each held only up to a size limit: the one bounded reader of
/// records that `clean` (batched, in parallel) and `learn` (one by one) both use.
pub struct LineReader<R> {
    reader: R,
    /// A line of more bytes than this (its line end included) is not held.
    limit: u64,
    /// Number of the last line read, from 1.
    number: usize,
}

/// One line of a JSONL input, with its number (from 1).
#[derive(Debug)]
#[non_exhaustive]
pub enum JsonlLine {
    /// The whole line, with its line end.
    Whole {
        /// Line number.
        number: usize,
        /// The bytes.
        raw: Vec<u8>,
    },
    /// A line over the limit: its first `limit + 1` bytes. The rest is still to be read, by
    /// [`LineReader::finish_line`], before the next line.
    Oversized {
        /// Line number.
        number: usize,
        /// The first bytes.
        prefix: Vec<u8>,
    },
}

impl<R: BufRead> LineReader<R> {
    /// Reads `reader` line by line, holding at most `limit` bytes of a line.
    pub fn new(reader: R, limit: u64) -> Self {
        LineReader { reader, limit, number: 0 }
    }

    /// The next line, or `None` at the end of the input; a read error names the line.
    pub fn next_line(&mut self) -> io::Result<Option<JsonlLine>> {
        let mut raw = Vec::new();
        let take = self.limit.saturating_add(1);
        let n = (&mut self.reader)
            .take(take)
            .read_until(b'\n', &mut raw)
            .map_err(|e| io::Error::new(e.kind(), format!("line {}: cannot read: {e}", self.number + 1)))?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        let number = self.number;
        if n as u64 == take && raw.last() != Some(&b'\n') {
            return Ok(Some(JsonlLine::Oversized { number, prefix: raw }));
        }
        Ok(Some(JsonlLine::Whole { number, raw }))
    }

    /// Reads the rest of an oversized line (up to and including its line end), writing it to
    /// `out` if given, without holding it.
    pub fn finish_line<W: Write + ?Sized>(&mut self, mut out: Option<&mut W>) -> Result<(), CopyError> {
        loop {
            let buf = self.reader.fill_buf().map_err(CopyError::Read)?;
            if buf.is_empty() {
                return Ok(());
            }
            let (take, done) = match memchr::memchr(b'\n', buf) {
                Some(end) => (end + 1, true),
                None => (buf.len(), false),
            };
            if let Some(out) = out.as_deref_mut() {
                out.write_all(&buf[..take]).map_err(CopyError::Write)?;
            }
            self.reader.consume(take);
            if done {
                return Ok(());
            }
        }
    }

    /// The input itself, for formats that read on from here.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

/// Why the rest of an oversized line could not be passed on.
#[derive(Debug)]
#[non_exhaustive]
pub enum CopyError {
    /// Reading the input failed.
    Read(io::Error),
    /// Writing the output failed.
    Write(io::Error),
}

#[cfg(test)]
mod tests {
    /// `text` escaped as Python's `json.dumps` escapes it by default: every character beyond
    /// ASCII as `\\u` escapes, a surrogate pair for those beyond the BMP.
    fn ascii_json_string(text: &str) -> String {
        let mut out = String::from("\"");
        for ch in text.chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
                c => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
        }
        out.push('"');
        out
    }

    proptest::proptest! {
        /// Whatever serde_json writes, or Python with its default `ensure_ascii`, comes back
        /// as serde_json reads it.
        #[test]
        fn strings_unescape_as_serde_json_reads_them(text in "[a-z\"\\\\/\n\t\u{1}\u{1f}é€😀\u{fffd}]{0,70}") {
            for raw in [serde_json::to_string(&text).unwrap(), ascii_json_string(&text)] {
                proptest::prop_assert_eq!(super::unescape(&raw), Some(text.clone()), "{}", raw);
            }
        }

        /// On any other value, `unescape` either agrees with serde_json or leaves it to it.
        #[test]
        fn other_values_are_left_to_serde_json(raw in "\"([a-z\"é]|\\\\[\"\\\\/bfnrtux]|\\\\u[0-9a-fA-F+]{4}|\\\\ud83d|\\\\ude00|\u{1})*\"?") {
            if let Some(value) = super::unescape(&raw) {
                proptest::prop_assert_eq!(serde_json::from_str::<String>(&raw).ok(), Some(value));
            }
        }
    }

    fn json_string(text: &str) -> String {
        let mut out = String::new();
        push_json_string(&mut out, text);
        out
    }

    proptest::proptest! {
        /// Escaped exactly as serde_json escapes, whatever the characters and wherever they
        /// fall in the eight-byte chunks.
        #[test]
        fn strings_are_escaped_as_serde_json_escapes_them(text in "(\\PC|[\u{0}-\u{1f}\u{7f}\"\\\\]|é|😀){0,40}") {
            proptest::prop_assert_eq!(json_string(&text), serde_json::to_string(&text).unwrap());
        }
    }

    #[test]
    fn annotating_an_annotated_record_replaces_its_field() {
        let note = serde_json::json!({"removed_lines": 2});
        let line = r#"{"text":"a\nb","thresh":{"removed_lines":1},"id":3}"#;
        let record = Record::parse(line, "text", "url").unwrap();
        assert_eq!(
            record.with_text("a", Some(("thresh", &note))),
            r#"{"text":"a","thresh":{"removed_lines":2},"id":3}"#
        );
        // Before the text field too, and under another name.
        let line = r#"{"meta":1,"text":"a\nb"}"#;
        let record = Record::parse(line, "text", "url").unwrap();
        assert_eq!(
            record.with_text("b", Some(("meta", &note))),
            r#"{"meta":{"removed_lines":2},"text":"b"}"#
        );
    }

    #[test]
    fn every_control_character_is_escaped_as_serde_json_does() {
        for byte in 0u8..0x80 {
            for offset in 0..10 {
                let text = format!("{}{}é", "a".repeat(offset), char::from(byte));
                assert_eq!(
                    json_string(&text),
                    serde_json::to_string(&text).unwrap(),
                    "{byte:#x} at {offset}"
                );
            }
        }
    }

    use super::*;

    #[test]
    fn only_the_text_value_changes() {
        let line = r#"{"id": 7,  "text":"Hello\nAdvertisement\n\u00e9t\u00e9", "meta":{"a":[1,2.50,"x"]}, "url":"https://ex.com/a"}"#;
        let record = Record::parse(line, "text", "url").unwrap();
        assert_eq!(record.text, "Hello\nAdvertisement\nété");
        assert_eq!(record.url.as_deref(), Some("https://ex.com/a"));
        let out = record.with_text("Hello\n", None);
        assert_eq!(
            out,
            r#"{"id": 7,  "text":"Hello\n", "meta":{"a":[1,2.50,"x"]}, "url":"https://ex.com/a"}"#
        );
    }

    #[test]
    fn other_field_names_and_annotation() {
        let line = r#"{"raw_content":"a\"b","n":1}"#;
        let record = Record::parse(line, "raw_content", "url").unwrap();
        assert_eq!(record.text, "a\"b");
        let note = serde_json::json!({"removed_lines": 1});
        assert_eq!(
            record.with_text("a", Some(("thresh", &note))),
            r#"{"raw_content":"a","n":1,"thresh":{"removed_lines":1}}"#
        );
    }

    #[test]
    fn errors() {
        assert!(matches!(Record::parse("{not json", "text", "url"), Err(RecordError::Malformed(_))));
        assert!(matches!(Record::parse("[1,2]", "text", "url"), Err(RecordError::Malformed(_))));
        assert_eq!(
            Record::parse(r#"{"text":5}"#, "text", "url").unwrap_err(),
            RecordError::NoText("text".into())
        );
        assert_eq!(
            Record::parse(r#"{"body":"x"}"#, "text", "url").unwrap_err(),
            RecordError::NoText("text".into())
        );
    }

    #[test]
    fn escaped_keys_are_matched_unescaped() {
        let record = Record::parse(r#"{"te\u0078t":"x"}"#, "text", "url").unwrap();
        assert_eq!(record.text, "x");
    }
}
