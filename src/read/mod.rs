//! Stage 1, read: a path or standard input → raw bytes, named for error messages; corpus
//! inputs (directories, compressed JSONL shards, WET files) are planned and read by the
//! submodules.

pub mod compression;
pub mod documents;
pub mod jsonl;
pub mod plan;
pub mod sniff;
pub mod wet;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::InputError;

/// Where a document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input (`-` or no path).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// `-` means standard input; anything else is a path.
    pub fn from_arg(arg: &Path) -> Self {
        if arg == Path::new("-") {
            Input::Stdin
        } else {
            Input::File(arg.to_path_buf())
        }
    }

    /// The name used in messages: the path, or `<stdin>`.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_string(),
            Input::File(path) => path.display().to_string(),
        }
    }

    /// Reads all bytes.
    pub fn read_all(&self) -> Result<Vec<u8>, InputError> {
        let io_error = |source| InputError::Io { path: self.name(), source };
        match self {
            Input::Stdin => {
                let mut bytes = Vec::new();
                std::io::stdin().lock().read_to_end(&mut bytes).map_err(io_error)?;
                Ok(bytes)
            }
            Input::File(path) => {
                if path.is_dir() {
                    return Err(io_error(std::io::Error::other(
                        "is a directory (directories are cleaned with -o DIR, see `thresh clean --help`)",
                    )));
                }
                std::fs::read(path).map_err(io_error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_is_stdin_and_names_are_paths() {
        assert_eq!(Input::from_arg(Path::new("-")), Input::Stdin);
        assert_eq!(Input::Stdin.name(), "<stdin>");
        assert_eq!(Input::from_arg(Path::new("a/b.txt")).name(), "a/b.txt");
    }

    #[test]
    fn reads_files_and_names_failures() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("page.txt");
        std::fs::write(&file, b"bytes").unwrap();
        assert_eq!(Input::File(file).read_all().unwrap(), b"bytes");
        let err = Input::File(dir.path().join("nope.txt")).read_all().unwrap_err().to_string();
        assert!(err.contains("nope.txt: cannot read"), "{err}");
        let err = Input::File(dir.path().to_path_buf()).read_all().unwrap_err().to_string();
        assert!(err.contains("is a directory"), "{err}");
    }
}
