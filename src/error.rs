//! Typed errors of the library. The CLI adds context with `anyhow` only at its edge.

use std::fmt;
use std::path::PathBuf;

/// Where a problem in a rule file is: file, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// The rule file, or a `<bundled:NAME>` pseudo-path for embedded packs.
    pub file: PathBuf,
    /// 1-based line; 0 when the problem is not in a file (a command-line flag such as
    /// `--disable`, named in `file`).
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl SourceLocation {
    /// Turns a byte offset into `text` into a line and column.
    pub fn from_offset(file: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        SourceLocation { file: file.into(), line, column }
    }
}

/// The largest character boundary of `text` at or before `offset` (at most `text.len()`).
pub(crate) fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl SourceLocation {
    /// A place that is not in a file: a command-line flag, shown as its name alone.
    pub fn flag(name: &str) -> Self {
        SourceLocation { file: name.into(), line: 0, column: 0 }
    }
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(f, "{}", self.file.display());
        }
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// One problem found in a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDiagnostic {
    /// Where it is.
    pub location: SourceLocation,
    /// What is wrong and, where it helps, what to write instead.
    pub message: String,
}

impl fmt::Display for RuleDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Every problem found while loading rule files; loading reports them all, not just the first.
#[derive(Debug, Clone)]
pub struct RuleErrors(pub Vec<RuleDiagnostic>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleErrors {}

/// Why a document could not be read or decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The input's name (`-` for stdin).
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The input holds NUL bytes outside UTF-16 text: it is binary, not text.
    #[error("{path}: looks binary (NUL byte at offset {offset}); thresh cleans text only — skip it or convert it to text first")]
    Binary {
        /// The input's name.
        path: String,
        /// Offset of the first NUL byte.
        offset: usize,
    },
    /// `--encoding` named no encoding that encoding_rs knows.
    #[error(
        "unknown encoding label `{0}` (try utf-8, windows-1252, iso-8859-2, shift_jis, koi8-r, utf-16le …)"
    )]
    UnknownEncoding(String),
}
