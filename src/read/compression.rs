//! gzip and zstd, detected from the first bytes rather than trusted from the file name.

use std::io::{self, BufRead, BufReader, Read, Write};

/// How a file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compression {
    /// Not compressed.
    None,
    /// gzip (one member or several concatenated, as Common Crawl ships WET files).
    Gzip,
    /// Zstandard.
    Zstd,
}

const GZIP_MAGIC: [u8; 2] = [0x1F, 0x8B];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

impl Compression {
    /// Recognises the compression from the first bytes of a file.
    pub fn sniff(head: &[u8]) -> Self {
        if head.starts_with(&GZIP_MAGIC) {
            Compression::Gzip
        } else if head.starts_with(&ZSTD_MAGIC) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    /// The file-name suffix this compression usually carries.
    pub fn suffix(self) -> &'static str {
        match self {
            Compression::None => "",
            Compression::Gzip => ".gz",
            Compression::Zstd => ".zst",
        }
    }
}

/// The name of a compression thresh recognises but does not read (so that such a file is
/// named for what it is, not refused as binary).
fn unsupported_compression(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0xFD, b'7', b'z', b'X', b'Z', 0x00]) {
        Some("xz")
    } else if head.len() >= 4 && head.starts_with(b"BZh") && (b'1'..=b'9').contains(&head[3]) {
        Some("bzip2")
    } else {
        None
    }
}

/// Opens `raw` for reading, decompressing what its first bytes say; returns the compression.
pub fn open_decompressed<'a, R: Read + Send + 'a>(
    raw: R,
) -> io::Result<(Box<dyn BufRead + Send + 'a>, Compression)> {
    let mut raw = BufReader::with_capacity(1 << 16, raw);
    let head = raw.fill_buf()?;
    if let Some(name) = unsupported_compression(head) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{name}-compressed input is not supported; decompress it first (e.g. `{name} -dc FILE | thresh clean --format jsonl`) or recompress it with gzip or zstd"),
        ));
    }
    let compression = Compression::sniff(head);
    let reader: Box<dyn BufRead + Send + 'a> = match compression {
        Compression::None => Box::new(raw),
        Compression::Gzip => {
            Box::new(BufReader::with_capacity(1 << 16, flate2::bufread::MultiGzDecoder::new(raw)))
        }
        Compression::Zstd => {
            Box::new(BufReader::with_capacity(1 << 16, zstd::stream::read::Decoder::with_buffer(raw)?))
        }
    };
    Ok((reader, compression))
}

/// A writer that compresses as asked; call [`CompressedWriter::finish`] to complete the stream.
pub struct CompressedWriter<W: Write> {
    inner: Inner<W>,
}

enum Inner<W: Write> {
    Plain(W),
    Gzip(flate2::write::GzEncoder<W>),
    Zstd(zstd::stream::write::Encoder<'static, W>),
}

impl<W: Write> CompressedWriter<W> {
    /// Wraps `out`.
    pub fn new(out: W, compression: Compression) -> io::Result<Self> {
        let inner = match compression {
            Compression::None => Inner::Plain(out),
            Compression::Gzip => {
                Inner::Gzip(flate2::write::GzEncoder::new(out, flate2::Compression::default()))
            }
            Compression::Zstd => Inner::Zstd(zstd::stream::write::Encoder::new(out, 3)?),
        };
        Ok(CompressedWriter { inner })
    }

    /// Writes the compression trailer and returns the inner writer.
    pub fn finish(self) -> io::Result<W> {
        match self.inner {
            Inner::Plain(w) => Ok(w),
            Inner::Gzip(e) => e.finish(),
            Inner::Zstd(e) => e.finish(),
        }
    }
}

impl<W: Write> Write for CompressedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Plain(w) => w.write(buf),
            Inner::Gzip(e) => e.write(buf),
            Inner::Zstd(e) => e.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Plain(w) => w.flush(),
            Inner::Gzip(e) => e.flush(),
            Inner::Zstd(e) => e.flush(),
        }
    }
}

/// Reads everything from a decompressing reader (a whole text file).
pub fn read_all(mut reader: impl Read) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads a whole document of at most `limit` bytes; a larger one is refused after reading
/// `limit + 1` bytes, so memory stays bounded whatever the input (a gzip bomb, a 1 GB line).
pub fn read_document(reader: impl Read, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// The error for a document over the size limit.
pub fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!(
            "document is larger than the {} limit; raise it with --max-document-size or split the input",
            human_size(limit)
        ),
    )
}

/// `512 MiB`, `1 KiB`, `100 B`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size && bytes % size == 0 {
            return format!("{} {unit}", bytes / size);
        }
    }
    format!("{bytes} B")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    fn round_trip(compression: Compression) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        let mut w = CompressedWriter::new(File::create(&path).unwrap(), compression).unwrap();
        w.write_all(b"hello\nworld\n").unwrap();
        w.finish().unwrap();
        let (r, found) = open_decompressed(File::open(&path).unwrap()).unwrap();
        assert_eq!(found, compression);
        assert_eq!(read_all(r).unwrap(), b"hello\nworld\n");
    }

    #[test]
    fn documents_over_the_limit_are_refused_without_reading_on() {
        assert_eq!(read_document(&b"12345"[..], 5).unwrap(), b"12345");
        let err = read_document(io::repeat(b'x'), 1 << 10).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        assert!(err.to_string().contains("larger than the 1 KiB limit"), "{err}");
        assert_eq!(human_size(512 << 20), "512 MiB");
        assert_eq!(human_size(1000), "1000 B");
    }

    #[test]
    fn gzip_zstd_and_plain_round_trip() {
        round_trip(Compression::None);
        round_trip(Compression::Gzip);
        round_trip(Compression::Zstd);
    }

    #[test]
    fn concatenated_gzip_members_read_as_one_stream() {
        let mut bytes = Vec::new();
        for part in [&b"first "[..], b"second"] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(part).unwrap();
            bytes.extend(e.finish().unwrap());
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("multi.gz");
        std::fs::write(&path, bytes).unwrap();
        let (r, _) = open_decompressed(File::open(&path).unwrap()).unwrap();
        assert_eq!(read_all(r).unwrap(), b"first second");
    }

    #[test]
    fn truncated_gzip_is_an_error() {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&b"some text that will be cut off ".repeat(100)).unwrap();
        let mut bytes = e.finish().unwrap();
        bytes.truncate(bytes.len() / 2);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.gz");
        std::fs::write(&path, bytes).unwrap();
        let (r, _) = open_decompressed(File::open(&path).unwrap()).unwrap();
        assert!(read_all(r).is_err());
    }
}
