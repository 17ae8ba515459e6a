//! Turning the paths on the command line into a list of jobs: files found by walking
//! directories, each with its format, its path relative to its input, and its slice (`--shard`).

use std::path::{Component, Path, PathBuf};

/// How a file's documents are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// The whole file is one document.
    Text,
    /// One JSON object per line, the text in a named field.
    Jsonl,
    /// A Common Crawl WET file (WARC records); written out as JSONL.
    Wet,
}

impl Format {
    /// Guesses the format from a file name, ignoring a `.gz`/`.zst` suffix.
    pub fn from_name(name: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        let base = strip_compression_suffix(&lower);
        if base.ends_with(".jsonl") || base.ends_with(".json") || base.ends_with(".ndjson") {
            Format::Jsonl
        } else if base.ends_with(".wet") || base.ends_with(".warc.wet") {
            Format::Wet
        } else {
            Format::Text
        }
    }
}

fn strip_compression_suffix(name: &str) -> &str {
    for suffix in [".gz", ".zst", ".zstd"] {
        if let Some(base) = name.strip_suffix(suffix) {
            return base;
        }
    }
    name
}

/// One input file to clean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The file.
    pub input: PathBuf,
    /// Its path relative to the directory it was found in (its file name for a file input).
    pub relative: PathBuf,
    /// Its format.
    pub format: Format,
    /// True when the file was named on the command line rather than found in a directory.
    pub named: bool,
}

impl Job {
    /// Where the job's output goes under `out_dir`: the same relative path, except that WET
    /// files become JSONL (`x.warc.wet.gz` → `x.jsonl.gz`).
    pub fn output_path(&self, out_dir: &Path) -> PathBuf {
        let relative = match self.format {
            Format::Wet => {
                let name =
                    self.relative.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let lower = name.to_ascii_lowercase();
                let compression = &name[strip_compression_suffix(&lower).len()..];
                let base = &name[..strip_compression_suffix(&lower).len()];
                let stem = [".warc.wet", ".wet"]
                    .iter()
                    .find_map(|s| {
                        base.to_ascii_lowercase().ends_with(s).then(|| &base[..base.len() - s.len()])
                    })
                    .unwrap_or(base);
                self.relative.with_file_name(format!("{stem}.jsonl{compression}"))
            }
            _ => self.relative.clone(),
        };
        out_dir.join(relative)
    }
}

/// `--shard I/N`: this run takes every N-th file of the sorted list, starting at I (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This slice, 0 ≤ index < count.
    pub index: usize,
    /// Number of slices.
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (i, n) = s.split_once('/').ok_or_else(|| format!("`{s}`: expected I/N, e.g. 0/8"))?;
        let index: usize = i.trim().parse().map_err(|_| format!("`{s}`: I must be a whole number"))?;
        let count: usize = n.trim().parse().map_err(|_| format!("`{s}`: N must be a whole number"))?;
        if count == 0 || index >= count {
            return Err(format!("`{s}`: need 0 <= I < N (slices are numbered from 0)"));
        }
        Ok(Shard { index, count })
    }
}

/// Why the inputs cannot be planned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// An input does not exist or cannot be listed.
    #[error("{path}: {message}")]
    Input {
        /// The input.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The output directory overlaps an input.
    #[error("output directory {out} {relation} input {input}: refusing, so that no input can be overwritten; pick an -o outside the inputs")]
    Overlap {
        /// The output directory.
        out: String,
        /// "is", "is inside" or "contains".
        relation: &'static str,
        /// The input.
        input: String,
    },
    /// The output directory names something that is not a directory.
    #[error("output directory {out} exists and is not a directory: -o takes a directory, which the outputs mirror the inputs under")]
    NotADirectory {
        /// The output path.
        out: String,
    },
    /// Two inputs map to the same output file.
    #[error("{first} and {second} would both be written to {relative} under the output directory")]
    Collision {
        /// One input.
        first: String,
        /// The other.
        second: String,
        /// The shared relative path.
        relative: String,
    },
}

/// How directories are walked: which entries become jobs.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// A format for every input instead of guessing from names.
    pub format: Option<Format>,
    /// Walk hidden files and directories too (names starting with `.`). Version-control
    /// directories (`.git`, `.hg`, `.svn`) are never walked: they hold no documents.
    pub hidden: bool,
    /// Only files (found by walking a directory) whose path below that directory matches one
    /// of these globs; none: every file.
    pub globs: Vec<String>,
    /// Leave out files and directories whose path below the walked directory matches one of
    /// these globs.
    pub excludes: Vec<String>,
}

/// The jobs a walk found, and what it passed over on purpose (a symlink loop), to report.
#[derive(Debug, Default)]
pub struct Planned {
    /// The jobs, sorted by relative path.
    pub jobs: Vec<Job>,
    /// Paths not walked, each with why.
    pub passed_over: Vec<(PathBuf, String)>,
}

/// Directories of version control, never walked.
const VCS_DIRS: [&str; 3] = [".git", ".hg", ".svn"];

/// Walks `inputs` (files and directories) into jobs, sorted by relative path. Inputs named on
/// the command line are always jobs; below a directory, hidden entries (unless
/// [`WalkOptions::hidden`]), version-control directories, temporary files of an interrupted
/// run and what the globs leave out are not. Symbolic links are followed; a link back to a
/// directory above it (a loop) is passed over and reported, not followed forever.
pub fn plan(inputs: &[PathBuf], options: &WalkOptions) -> Result<Planned, PlanError> {
    let glob_set = |globs: &[String], flag: &str| -> Result<Option<globset::GlobSet>, PlanError> {
        if globs.is_empty() {
            return Ok(None);
        }
        let mut builder = globset::GlobSetBuilder::new();
        for glob in globs {
            let glob = globset::Glob::new(glob).map_err(|e| PlanError::Input {
                path: format!("{flag} {glob}"),
                message: e.kind().to_string(),
            })?;
            builder.add(glob);
        }
        builder
            .build()
            .map(Some)
            .map_err(|e| PlanError::Input { path: flag.to_string(), message: e.to_string() })
    };
    let (include, exclude) = (glob_set(&options.globs, "--glob")?, glob_set(&options.excludes, "--exclude")?);
    let format = options.format;
    let mut planned = Planned::default();
    for input in inputs {
        // A path that cannot be read becomes a job that fails when run, so the others still run.
        if input.is_dir() {
            let walker = walkdir::WalkDir::new(input).follow_links(true).sort_by_file_name();
            let keep_entry = |entry: &walkdir::DirEntry| {
                if entry.depth() == 0 {
                    return true;
                }
                let name = entry.file_name().to_string_lossy();
                if VCS_DIRS.contains(&name.as_ref()) || (name.starts_with('.') && !options.hidden) {
                    return false;
                }
                let relative = entry.path().strip_prefix(input).unwrap_or(entry.path());
                !exclude.as_ref().is_some_and(|set| set.is_match(relative))
            };
            for entry in walker.into_iter().filter_entry(keep_entry) {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) if e.loop_ancestor().is_some() => {
                        let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| input.clone());
                        let ancestor = e.loop_ancestor().expect("checked").display().to_string();
                        planned
                            .passed_over
                            .push((path, format!("a link back to {ancestor} (a loop): not followed")));
                        continue;
                    }
                    // An entry that cannot be listed (a broken link, no permission) fails alone
                    // when run; the rest of the tree is still cleaned.
                    Err(e) if e.path().is_some_and(|p| p != input.as_path()) => {
                        let path = e.path().expect("checked").to_path_buf();
                        let name =
                            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                        planned.jobs.push(Job {
                            relative: path.strip_prefix(input).unwrap_or(&path).to_path_buf(),
                            format: format.unwrap_or_else(|| Format::from_name(&name)),
                            input: path,
                            named: false,
                        });
                        continue;
                    }
                    Err(e) => {
                        return Err(PlanError::Input {
                            path: input.display().to_string(),
                            message: e.io_error().map_or_else(|| e.to_string(), |io| io.to_string()),
                        })
                    }
                };
                if !entry.file_type().is_file() || is_temporary(entry.path()) {
                    continue;
                }
                let relative = entry.path().strip_prefix(input).unwrap_or(entry.path()).to_path_buf();
                if include.as_ref().is_some_and(|set| !set.is_match(&relative)) {
                    continue;
                }
                let name = entry.file_name().to_string_lossy();
                planned.jobs.push(Job {
                    input: entry.path().to_path_buf(),
                    format: format.unwrap_or_else(|| Format::from_name(&name)),
                    relative,
                    named: false,
                });
            }
        } else {
            let name = input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            planned.jobs.push(Job {
                input: input.clone(),
                relative: PathBuf::from(&name),
                format: format.unwrap_or_else(|| Format::from_name(&name)),
                named: true,
            });
        }
    }
    planned.jobs.sort_by(|a, b| a.relative.cmp(&b.relative).then(a.input.cmp(&b.input)));
    Ok(planned)
}

/// The jobs of one slice: every `count`-th job of the sorted list, starting at `index`.
pub fn select_shard(jobs: Vec<Job>, shard: Shard) -> Vec<Job> {
    jobs.into_iter().enumerate().filter(|(i, _)| i % shard.count == shard.index).map(|(_, j)| j).collect()
}

/// Refuses an output directory that is not a directory, that is, contains or lies inside an
/// input, and two inputs that would write the same output file.
pub fn check_output(out_dir: &Path, inputs: &[PathBuf], jobs: &[Job]) -> Result<(), PlanError> {
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(PlanError::NotADirectory { out: out_dir.display().to_string() });
    }
    let out = absolute(out_dir);
    for input in inputs {
        let input_abs = absolute(input);
        let relation = if out == input_abs {
            Some("is")
        } else if out.starts_with(&input_abs) {
            Some("is inside")
        } else if input_abs.starts_with(&out) {
            Some("contains")
        } else {
            None
        };
        if let Some(relation) = relation {
            return Err(PlanError::Overlap {
                out: out_dir.display().to_string(),
                relation,
                input: input.display().to_string(),
            });
        }
    }
    let mut seen: std::collections::HashMap<PathBuf, &Job> = std::collections::HashMap::new();
    for job in jobs {
        let target = job.output_path(Path::new(""));
        if let Some(first) = seen.insert(target.clone(), job) {
            return Err(PlanError::Collision {
                first: first.input.display().to_string(),
                second: job.input.display().to_string(),
                relative: target.display().to_string(),
            });
        }
    }
    Ok(())
}

/// An absolute, symlink-resolved form of `path`, resolving the longest existing prefix so that
/// an output directory that does not exist yet can still be compared.
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = joined.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_owned()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for part in rest.into_iter().rev() {
        resolved.push(part);
    }
    // Fold `.` and `..` left in the non-existing tail.
    let mut clean = PathBuf::new();
    for component in resolved.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    clean
}

/// Temporary output files carry this marker until they are renamed into place.
pub const TEMP_MARKER: &str = ".thresh-tmp";

fn is_temporary(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n.to_string_lossy().contains(TEMP_MARKER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_names() {
        assert_eq!(Format::from_name("a.jsonl.zst"), Format::Jsonl);
        assert_eq!(Format::from_name("c4-train.00000-of-01024.json.gz"), Format::Jsonl);
        assert_eq!(Format::from_name("CC-MAIN-2024.warc.wet.gz"), Format::Wet);
        assert_eq!(Format::from_name("page.txt"), Format::Text);
        assert_eq!(Format::from_name("page.txt.gz"), Format::Text);
    }

    #[test]
    fn wet_outputs_are_jsonl_with_the_same_compression() {
        let job =
            Job { input: "x".into(), relative: "d/CC.warc.wet.gz".into(), format: Format::Wet, named: false };
        assert_eq!(job.output_path(Path::new("out")), PathBuf::from("out/d/CC.jsonl.gz"));
        let plain = Job { relative: "a.wet".into(), ..job };
        assert_eq!(plain.output_path(Path::new("o")), PathBuf::from("o/a.jsonl"));
    }

    #[test]
    fn shards_parse_and_partition() {
        assert_eq!("1/4".parse::<Shard>().unwrap(), Shard { index: 1, count: 4 });
        assert!("4/4".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        let jobs: Vec<Job> = (0..10)
            .map(|i| Job {
                input: format!("{i}").into(),
                relative: format!("{i:02}").into(),
                format: Format::Text,
                named: false,
            })
            .collect();
        let mut all: Vec<Job> =
            (0..3).flat_map(|i| select_shard(jobs.clone(), Shard { index: i, count: 3 })).collect();
        all.sort_by(|a, b| a.relative.cmp(&b.relative));
        assert_eq!(all, jobs);
    }

    #[test]
    fn overlapping_output_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        std::fs::create_dir(&input).unwrap();
        let inside = input.join("out");
        let err = check_output(&inside, std::slice::from_ref(&input), &[]).unwrap_err().to_string();
        assert!(err.contains("is inside input"), "{err}");
        let err = check_output(&input, std::slice::from_ref(&input), &[]).unwrap_err().to_string();
        assert!(err.contains(" is input"), "{err}");
        let err = check_output(dir.path(), std::slice::from_ref(&input), &[]).unwrap_err().to_string();
        assert!(err.contains("contains input"), "{err}");
        let dotted = dir.path().join("in/../in/sub");
        assert!(check_output(&dotted, std::slice::from_ref(&input), &[]).is_err());
        assert!(check_output(&dir.path().join("elsewhere"), &[input], &[]).is_ok());
    }
}
