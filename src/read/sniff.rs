//! Format from content: a file whose name does not say JSONL or WET (standard input, a `.txt`
//! holding records) is recognised by its first non-blank line, so that `cat shard.jsonl |
//! thresh clean` cleans each record's text instead of judging JSON lines as prose.

use std::io::{self, BufRead, Cursor, Read};

use super::plan::Format;

/// How much of the (decompressed) start of an input is read to recognise its format.
const HEAD_BYTES: usize = 64 << 10;

/// The format of an input whose first bytes are `head`; `complete` says that `head` is the
/// whole input. JSON Lines when the first non-blank line is a JSON object (or, when that
/// line is longer than `head`, starts like one: `{"key":`); WET when it starts with a WARC
/// version line; else plain text.
pub fn format_of(head: &[u8], complete: bool) -> Format {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    let rest = &head[start..];
    if rest.starts_with(b"WARC/1.") {
        return Format::Wet;
    }
    if !rest.starts_with(b"{") {
        return Format::Text;
    }
    match rest.iter().position(|&b| b == b'\n') {
        Some(end) => json_object_line(&rest[..end]),
        None if complete => json_object_line(rest),
        None => starts_like_an_object(rest),
    }
}

fn json_object_line(line: &[u8]) -> Format {
    let is_object = serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok();
    if is_object {
        Format::Jsonl
    } else {
        Format::Text
    }
}

/// `{`, white space, a string, white space, `:`: the start of an object with a first key.
fn starts_like_an_object(prefix: &[u8]) -> Format {
    let skip_space = |i: usize| i + prefix[i..].iter().take_while(|b| b.is_ascii_whitespace()).count();
    let mut i = skip_space(1);
    if prefix.get(i) != Some(&b'"') {
        return Format::Text;
    }
    i += 1;
    while i < prefix.len() && prefix[i] != b'"' {
        i += if prefix[i] == b'\\' { 2 } else { 1 };
    }
    if i >= prefix.len() {
        return Format::Text;
    }
    i = skip_space(i + 1);
    if prefix.get(i) == Some(&b':') {
        Format::Jsonl
    } else {
        Format::Text
    }
}

/// Reads the start of `reader` (up to the end of its first non-blank line, at most
/// 64 KiB), recognises the format, and returns it with a reader that still yields
/// every byte.
pub fn detect<'a>(
    mut reader: Box<dyn BufRead + Send + 'a>,
) -> io::Result<(Format, Box<dyn BufRead + Send + 'a>)> {
    let mut head = Vec::new();
    let mut complete = false;
    while head.len() < HEAD_BYTES {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            complete = true;
            break;
        }
        let take = buf.len().min(HEAD_BYTES - head.len());
        head.extend_from_slice(&buf[..take]);
        reader.consume(take);
        let content = head.iter().position(|b| !b.is_ascii_whitespace());
        if content.is_some_and(|start| head[start..].contains(&b'\n')) {
            break;
        }
    }
    let format = format_of(&head, complete);
    Ok((format, Box::new(Cursor::new(head).chain(reader))))
}

/// The format of an input its name says is `named`: for a name that says text, and when asked
/// to (`detect_format`, off when the user gave `--format`), the format its content shows.
pub fn resolve<'a>(
    named: Format,
    detect_format: bool,
    reader: Box<dyn BufRead + Send + 'a>,
) -> io::Result<(Format, Box<dyn BufRead + Send + 'a>)> {
    match named {
        Format::Text if detect_format => detect(reader),
        format => Ok((format, reader)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_json_lines_wet_and_text() {
        assert_eq!(format_of(b"{\"text\": \"a\"}\n{\"text\": \"b\"}\n", false), Format::Jsonl);
        assert_eq!(format_of(b"\n\n  {\"id\":1}", true), Format::Jsonl);
        assert_eq!(format_of(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", false), Format::Wet);
        assert_eq!(format_of(b"The council met.\n{\"a\":1}\n", false), Format::Text);
        // Braces that are not a JSON object: prose, templates, code.
        assert_eq!(format_of(b"{braces} in prose\n", false), Format::Text);
        assert_eq!(format_of(b"{\"a\": 1} and more words\n", false), Format::Text);
        assert_eq!(format_of(b"", true), Format::Text);
    }

    #[test]
    fn a_first_record_longer_than_the_head_is_judged_by_its_start() {
        assert_eq!(format_of(b"{ \"te\\\"xt\" : \"very long", false), Format::Jsonl);
        assert_eq!(format_of(b"{ \"text\" \"no colon", false), Format::Text);
        assert_eq!(format_of(b"{ text: 1", false), Format::Text);
        // The whole input, cut short: not an object.
        assert_eq!(format_of(b"{\"text\": \"unterminated", true), Format::Text);
    }

    #[test]
    fn detection_gives_back_every_byte() {
        let input: Vec<u8> = b"\n{\"text\":\"a\"}\n".iter().chain([b'x'; 100_000].iter()).copied().collect();
        let reader: Box<dyn BufRead + Send> =
            Box::new(std::io::BufReader::with_capacity(7, Cursor::new(input.clone())));
        let (format, mut reader) = detect(reader).unwrap();
        assert_eq!(format, Format::Jsonl);
        let mut all = Vec::new();
        reader.read_to_end(&mut all).unwrap();
        assert_eq!(all, input);
    }

    proptest::proptest! {
        /// Whatever the bytes and the reader's buffer, detection gives back every byte and
        /// decides as it would on the whole input (the fuzz target `sniff` asks the same).
        #[test]
        fn detection_is_a_pure_peek(
            bytes in proptest::collection::vec(proptest::sample::select(b" \t\n{}\":,xWARC/1.\\".to_vec()), 0..80),
            capacity in 1usize..16,
        ) {
            let reader: Box<dyn BufRead + Send> =
                Box::new(std::io::BufReader::with_capacity(capacity, Cursor::new(bytes.clone())));
            let (format, mut reader) = detect(reader).unwrap();
            let mut all = Vec::new();
            reader.read_to_end(&mut all).unwrap();
            proptest::prop_assert_eq!(&all, &bytes);
            proptest::prop_assert_eq!(format, format_of(&bytes, true));
        }
    }
}
