//! Output files that appear only when complete: written under a temporary name in the target
//! directory and renamed into place, so an interrupted run never leaves a truncated file that
//! looks finished.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::read::plan::TEMP_MARKER;

/// A file being written; dropped without [`AtomicFile::commit`], it disappears.
pub struct AtomicFile {
    temp: BufWriter<tempfile::NamedTempFile>,
    target: PathBuf,
}

impl AtomicFile {
    /// Starts writing the file that will be `target`, creating its directory.
    pub fn create(target: &Path) -> io::Result<Self> {
        let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(TEMP_MARKER);
        // A temporary file is private (0600) by default; the output must get what a plain
        // `open` gives (0666 under the umask, 0644 typically), so other users and cluster
        // jobs can read the cleaned corpus. The mode goes to open(2), which applies the umask.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder.tempfile_in(dir)?;
        Ok(AtomicFile { temp: BufWriter::with_capacity(1 << 16, temp), target: target.to_path_buf() })
    }

    /// Flushes and renames the file into place.
    pub fn commit(self) -> io::Result<()> {
        let temp = self.temp.into_inner().map_err(|e| e.into_error())?;
        temp.persist(&self.target).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sub/out.txt");
        let mut file = AtomicFile::create(&target).unwrap();
        file.write_all(b"done").unwrap();
        assert!(!target.exists());
        file.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"done");

        let abandoned = dir.path().join("sub/abandoned.txt");
        let mut file = AtomicFile::create(&abandoned).unwrap();
        file.write_all(b"partial").unwrap();
        drop(file);
        assert!(!abandoned.exists());
        assert_eq!(
            std::fs::read_dir(dir.path().join("sub")).unwrap().count(),
            1,
            "no temporary file is left"
        );
    }
}
