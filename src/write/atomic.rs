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

/// The target a temporary file of [`AtomicFile`] was being written for (`.NAME.XXXXXX` +
/// [`TEMP_MARKER`] beside it), if `path` is one.
pub fn temporary_target(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let inner = name.strip_prefix('.')?.strip_suffix(TEMP_MARKER)?;
    // The random part tempfile adds, after the last dot.
    let (target, random) = inner.rsplit_once('.')?;
    (!target.is_empty() && !random.is_empty()).then(|| path.with_file_name(target))
}

/// Removes the temporary files an interrupted run (a hard kill, which no handler sees) left
/// for any of `targets`, reading each of their directories once; returns how many went.
/// Only this run's targets: other processes (other `--shard`s) may be writing beside them.
pub fn remove_stale_temporaries(targets: &std::collections::HashSet<PathBuf>) -> io::Result<usize> {
    let dirs: std::collections::BTreeSet<&Path> = targets.iter().filter_map(|t| t.parent()).collect();
    let mut removed = 0;
    for dir in dirs {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let path = entry?.path();
            if temporary_target(&path).is_some_and(|target| targets.contains(&target)) {
                std::fs::remove_file(&path)?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporaries_name_their_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("part.jsonl.gz");
        let file = AtomicFile::create(&target).unwrap();
        let temp = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
        assert_eq!(temporary_target(&temp), Some(target));
        drop(file);
        assert_eq!(temporary_target(Path::new("out/page.txt")), None);
        assert_eq!(temporary_target(Path::new("out/.page.txt")), None);
    }

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
