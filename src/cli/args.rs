//! Command-line definitions (clap). Only flags and help text live here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use thresh::model::train::TrainOptions;
use thresh::read::plan::Shard;

/// Strip site chrome from scraped plain text.
///
/// thresh removes ad markers, copyright and cookie lines, donation and ad-blocker appeals,
/// share/follow/newsletter lines, teasers for other articles, correction footers, repeated
/// headlines and navigation from text scraped off web pages, and writes the article text.
/// Bundled rule packs are built in; add your own with --rules.
///
/// Exit codes: 0 success, 1 some input failed, 2 usage or rule-file error.
#[derive(Debug, Parser)]
#[command(name = "thresh", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Colour in output (explain's verdicts): auto colours a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value = "auto")]
    pub color: ColorArg,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless the NO_COLOR environment variable is set (and not empty).
    Auto,
    /// Always, even into a pipe.
    Always,
    /// Never.
    Never,
}

impl ColorArg {
    /// Whether to colour what goes to standard output.
    pub fn for_stdout(self) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean text files, directories, JSONL and WET shards, or standard input.
    ///
    /// Without -o, output goes to standard output: text files one after another (a line holding
    /// a form feed between two), JSONL and WET as JSONL. With -o DIR, every input file gets an output file of the same relative path
    /// (and compression) under DIR, cleaned in parallel on all cores, with a progress bar when
    /// stderr is a terminal and a summary at the end. Output text is always UTF-8 with `\n`
    /// line ends; blocks (paragraphs) are separated by one blank line.
    ///
    /// Examples:
    ///   thresh clean < page.txt > clean.txt
    ///   thresh clean crawl/ -o cleaned/
    ///   thresh clean shards/*.jsonl.zst -o cleaned/ --text-field content --stats stats.json
    #[command(verbatim_doc_comment)]
    Clean(CleanArgs),
    /// Print every line with its verdict (keep/drop) and the rule or guard that decided it.
    ///
    /// Each row shows the line number, keep or drop, the reason and the line text. Line numbers
    /// count the non-blank lines of the normalised text: blank lines only separate blocks
    /// (shown as an empty row) and are not numbered. Reasons
    /// name a rule id, with the matched text in quotes; `(block of line N)`, `(window of line
    /// N)`, `(after line N)` and `(before line N)` point at the marker line that caused a
    /// structural drop; `guard/max-words (RULE)` and the like mean a rule matched but one of
    /// its guards kept the line. `p=0.42` is the line model's probability that the line is
    /// article text; `(guarded)` marks a line kept below the dial because it belongs to the
    /// article, to a sentence, table or list the model kept part of, or to a document the model
    /// would have emptied. A text in which the rules found no chrome is judged at two thirds of
    /// the dial; a first row says so.
    ///
    /// Example: thresh explain page.txt | grep drop
    Explain(ExplainArgs),
    /// List, check and test rule files.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Propose rules from lines that repeat across a corpus (boilerplate repeats, content does
    /// not).
    ///
    /// Reads files, directories, JSONL and WET shards like `clean`, counts every line the
    /// current rules keep, per site when the input carries URLs, and writes one rule pack per
    /// site into DIR (SITE.toml, or all.toml without URLs) plus DIR/learned.toml, which
    /// includes them all. Each proposed rule carries its count and example documents; short
    /// generic lines and repeated sentences are proposed switched off. Review, then use
    /// `thresh clean --rules DIR/learned.toml`.
    Learn(LearnArgs),
    /// Score cleaned outputs against human gold text (token-level precision, recall and F1).
    ///
    /// For every GOLD_DIR/ID.txt, OUT_DIR/ID.txt is compared (a missing output counts as
    /// empty). Both texts are lower-cased and split into \w+ tokens, compared as multisets;
    /// macro averages the documents, micro pools their counts. Same definition as the thresh
    /// benchmark's score.py.
    ///
    /// With --clean INPUT_DIR instead of OUT_DIR, thresh cleans INPUT_DIR/ID.txt itself (with
    /// the rules the options choose), scores that, and tells for each rule and heuristic how
    /// many lines of article text and of the rest it dropped: a line is article text when most
    /// of its tokens are in the gold (each gold token counted once, in line order).
    Eval(EvalArgs),
    /// Train the judgement's line model on documents labelled by gold text or snippets.
    ///
    /// For every GOLD_DIR/ID.txt, each --view DIR/ID.txt is an input whose lines are labelled
    /// by the gold (a line is article text when most of its tokens are in it); each --snippets
    /// FILE (JSON: [{"id", "keep": [...], "drop": [...]}], pages in page/ID.txt beside it)
    /// labels the lines holding its snippets. The model is written to --output as JSON; use it
    /// with `clean --model FILE`. The same inputs give the same file, byte for byte.
    /// --cross-validate also prints leave-one-source-out scores (the source of a document is
    /// its id up to the first '-').
    Train(TrainArgs),
    /// Print a shell completion script for SHELL on standard output.
    ///
    /// Install, for example:
    ///   bash: thresh completions bash > ~/.local/share/bash-completion/completions/thresh
    ///   zsh:  thresh completions zsh > ~/.zfunc/_thresh   (with fpath+=~/.zfunc in .zshrc)
    ///   fish: thresh completions fish > ~/.config/fish/completions/thresh.fish
    #[command(verbatim_doc_comment)]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on standard output.
    ///
    /// Install, for example: thresh man > ~/.local/share/man/man1/thresh.1
    Man,
}

/// `thresh learn`.
#[derive(Debug, Args)]
pub struct LearnArgs {
    /// Files or directories to learn from.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Directory to write the proposed packs into.
    #[arg(short, long = "output", value_name = "DIR", default_value = "learned")]
    pub output: PathBuf,
    /// A line must stand in at least N documents of its site (1 or more).
    #[arg(long, value_name = "N", default_value = "5", value_parser = clap::value_parser!(u64).range(1..))]
    pub min_docs: u64,
    /// …and in at least this share of its site's documents (0.0-1.0).
    #[arg(long, value_name = "SHARE", default_value = "0.2")]
    pub min_share: f64,
    /// Replace packs an earlier run wrote into DIR.
    #[arg(long)]
    pub force: bool,
    /// Largest document held in memory (a text file, a JSONL line, a WET record), as for
    /// `clean`; larger ones are skipped and counted.
    #[arg(long, value_name = "SIZE", default_value = "512M", value_parser = parse_document_size)]
    pub max_document_size: u64,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub documents: DocumentArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub walk: WalkArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub rules: RuleArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
}

/// `thresh eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Directory of gold texts (ID.txt).
    #[arg(value_name = "GOLD_DIR")]
    pub gold: PathBuf,
    /// Directory of cleaned outputs (ID.txt).
    #[arg(value_name = "OUT_DIR", required_unless_present = "clean", conflicts_with = "clean")]
    pub out: Option<PathBuf>,
    /// Clean the inputs in INPUT_DIR (ID.txt) here, score them and report what each rule and
    /// heuristic dropped of the article and of the rest.
    #[arg(long, value_name = "INPUT_DIR")]
    pub clean: Option<PathBuf>,
    /// How many rules and heuristics the --clean report lists (most article text lost first;
    /// default 25).
    #[arg(long, value_name = "N")]
    pub reasons: Option<usize>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub rules: RuleArgs,
    /// Also list the documents with the lowest F1 (see --worst); with --json, every document.
    #[arg(long)]
    pub per_doc: bool,
    /// How many documents --per-doc lists.
    #[arg(long, value_name = "N", default_value = "20")]
    pub worst: usize,
    /// Print the totals (and with --per-doc every document) as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `thresh train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Directory of gold texts (ID.txt).
    #[arg(long, value_name = "GOLD_DIR", requires = "views")]
    pub gold: Option<PathBuf>,
    /// A directory of inputs (ID.txt) labelled by --gold. Repeatable.
    #[arg(long = "view", value_name = "DIR", requires = "gold")]
    pub views: Vec<PathBuf>,
    /// A snippet file labelling the pages in page/ beside it. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub snippets: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(short, long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Also print the leave-one-source-out table.
    #[arg(long)]
    pub cross_validate: bool,
    /// Print the cross-validation table as JSON.
    #[arg(long, requires = "cross_validate")]
    pub json: bool,
    /// Number of trees (the defaults of these settings are those of the bundled model).
    #[arg(long, value_name = "N", default_value_t = TrainOptions::default().trees)]
    pub trees: usize,
    /// Depth of each tree.
    #[arg(long, value_name = "N", default_value_t = TrainOptions::default().depth as u64, value_parser = clap::value_parser!(u64).range(1..=12))]
    pub depth: u64,
    /// Passes over the documents: 1, rows of the hand-written rounds; 2, also rows of a first
    /// model's rounds.
    #[arg(long, value_name = "N", default_value = "1", value_parser = clap::value_parser!(u64).range(1..=2))]
    pub passes: u64,
    /// A leaf needs at least this much hessian (a row weighs its share of its document's 100;
    /// the hessian is about a quarter of the weight where the model is unsure).
    #[arg(long, value_name = "W", default_value_t = TrainOptions::default().min_child_weight)]
    pub min_child_weight: f64,
    /// Shrinkage: each tree adds this share of what it fitted (0.0-1.0).
    #[arg(long, value_name = "RATE", default_value_t = TrainOptions::default().learning_rate, value_parser = parse_rate)]
    pub learning_rate: f32,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub rules: RuleArgs,
}

/// Options that choose the rules.
#[derive(Debug, Args, Clone, Default)]
pub struct RuleArgs {
    /// Add the rule pack in FILE (TOML, see docs/rules.md). Repeatable; later packs replace
    /// earlier packs of the same name.
    #[arg(long = "rules", value_name = "FILE")]
    pub rule_files: Vec<PathBuf>,
    /// Do not load the bundled rule packs; use only --rules files.
    #[arg(long)]
    pub no_default_rules: bool,
    /// Switch on rules by category, pack name or rule id (also opt-in rules). Comma-separated
    /// or repeated.
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub enable: Vec<String>,
    /// Switch off rules by category, pack name or rule id, e.g. --disable share,teasers.
    /// Comma-separated or repeated. Bundled categories: ads, copyright, cookies, donations,
    /// share, newsletter, teasers, corrections, comments, navigation, alt-text, headlines, site.
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub disable: Vec<String>,
    /// The line model of the judgement: a file `thresh train` wrote, instead of the bundled
    /// one (`--disable heuristics/line-model` runs without any).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// The precision/recall dial: keep a line the model judges when its probability of being
    /// article text is at least P (0.0-1.0; default 0.3, or the rule files' `[heuristics]`
    /// `min_article_probability`). Lower keeps more. A text in which the rules find no chrome
    /// at all is judged at two thirds of P, the article's own lines at a third.
    #[arg(long, value_name = "P", value_parser = parse_probability)]
    pub min_article_probability: Option<f64>,
}

fn parse_rate(text: &str) -> Result<f32, String> {
    parse_probability(text).map(|rate| rate as f32)
}

fn parse_probability(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("{text:?} is not a probability from 0.0 to 1.0")),
    }
}

/// Options for reading input.
#[derive(Debug, Args, Clone, Default)]
pub struct InputArgs {
    /// Read input that is not valid UTF-8 and has no byte-order mark as LABEL (e.g.
    /// windows-1252, iso-8859-2, koi8-r, shift_jis) instead of guessing the encoding.
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
    /// The page's URL, so that site packs limited to a domain apply.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
}

/// How input files store documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// From the file name: .jsonl/.json(.gz/.zst) are JSONL, .warc.wet(.gz) are WET; any other
    /// input (standard input too) is JSONL when its first non-blank line is a JSON object, WET
    /// when it starts with a WARC header, else text.
    Auto,
    /// Each file is one document.
    Text,
    /// One JSON object per line, the text in --text-field.
    Jsonl,
    /// Common Crawl WET (WARC conversion records), written out as JSONL.
    Wet,
}

/// What to do with a malformed JSONL line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnErrorArg {
    /// Leave the line out (reported).
    Skip,
    /// Pass the line through unchanged (reported).
    Keep,
    /// Fail the whole file (reported; the run goes on with other files).
    Fail,
}

/// Which files of a walked directory are inputs (shared by `clean` and `learn`).
#[derive(Debug, Args, Clone, Default)]
pub struct WalkArgs {
    /// Also walk hidden files and directories (names starting with `.`); version-control
    /// directories (.git, .hg, .svn) are never walked.
    #[arg(long)]
    pub hidden: bool,
    /// Only clean files whose path below a walked directory matches GLOB (repeatable), e.g.
    /// --glob '*.jsonl.gz'; files named on the command line are always cleaned.
    #[arg(long = "glob", value_name = "GLOB")]
    pub globs: Vec<String>,
    /// Leave out files and directories whose path below a walked directory matches GLOB
    /// (repeatable), e.g. --exclude 'tmp/**'.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,
}

impl WalkArgs {
    /// The walk these flags ask for, with `format` forced or not.
    pub fn options(&self, format: Option<thresh::read::plan::Format>) -> thresh::read::plan::WalkOptions {
        thresh::read::plan::WalkOptions {
            format,
            hidden: self.hidden,
            globs: self.globs.clone(),
            excludes: self.excludes.clone(),
        }
    }
}

/// How documents are stored in the inputs (shared by `clean` and `learn`).
#[derive(Debug, Args, Clone)]
pub struct DocumentArgs {
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    pub format: FormatArg,
    /// JSONL field holding the text (C4, Dolma, FineWeb: text; RefinedWeb, OSCAR: content;
    /// RedPajama: raw_content).
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_field: String,
    /// JSONL field holding the page URL, used by domain-scoped site packs and by `learn` to
    /// group documents by site.
    #[arg(long, value_name = "NAME", default_value = "url")]
    pub url_field: String,
}

impl FormatArg {
    /// The forced format, or `None` to guess from file names.
    pub fn format(self) -> Option<thresh::read::plan::Format> {
        use thresh::read::plan::Format;
        match self {
            FormatArg::Auto => None,
            FormatArg::Text => Some(Format::Text),
            FormatArg::Jsonl => Some(Format::Jsonl),
            FormatArg::Wet => Some(Format::Wet),
        }
    }
}

/// `thresh clean`.
#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Files or directories to clean; `-` or nothing reads standard input. Directories need -o.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write outputs under DIR, mirroring each input's relative path (directories are walked).
    /// Each file appears only when complete; DIR may not be, contain or lie inside an input.
    #[arg(short, long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub documents: DocumentArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub walk: WalkArgs,
    /// What to do with a JSONL line that is not a JSON object with a string text field, or a
    /// JSONL/WET record whose cleaning failed with an internal error.
    #[arg(long, value_enum, value_name = "POLICY", default_value = "keep")]
    pub on_error: OnErrorArg,
    /// Add a `thresh` field to each JSONL/WET record: lines removed, per rule. A record that
    /// has the field already (annotated before) gets it replaced, not doubled.
    #[arg(long)]
    pub annotate: bool,
    /// Leave out documents whose cleaned text is empty: records are not written, text files
    /// get no output; counted in the summary and --stats.
    #[arg(long)]
    pub drop_empty: bool,
    /// The name of the --annotate field.
    #[arg(long, value_name = "NAME", default_value = "thresh", requires = "annotate")]
    pub annotate_field: String,
    /// Skip inputs whose output already exists (resume an interrupted run).
    #[arg(long)]
    pub skip_existing: bool,
    /// Process only slice I of N (0 <= I < N) of the sorted input file list, e.g. --shard
    /// $SLURM_ARRAY_TASK_ID/64; the N slices together cover every file exactly once.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Largest document held in memory (a text file, a JSONL line, a WET record), e.g. 512M,
    /// 2G, 64K, at most 4095M; larger ones are refused and reported, so memory stays bounded.
    #[arg(long, value_name = "SIZE", default_value = "512M", value_parser = parse_document_size)]
    pub max_document_size: u64,
    /// Also write the run's summary as JSON to FILE (`-`: standard output, when -o takes the
    /// cleaned text).
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub rules: RuleArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
    /// No progress bar, notes or summary (errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,
}

/// `thresh explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Files to explain: text, JSONL or WET, plain, .gz or .zst; `-` or nothing reads standard
    /// input. Several documents are each headed by `==> NAME <==`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Explain one record of a JSONL or WET input: a JSONL line number (the N of FILE:N in the
    /// `clean` summary), the number of a WET conversion record, or its WARC-Record-ID.
    #[arg(long, value_name = "N|ID")]
    pub record: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub documents: DocumentArgs,
    /// Largest document held in memory, as for `clean`.
    #[arg(long, value_name = "SIZE", default_value = "512M", value_parser = parse_document_size)]
    pub max_document_size: u64,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub rules: RuleArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
    /// Show only dropped lines and lines a guard kept.
    #[arg(long)]
    pub changes: bool,
    /// Under each line the line model judged, also print its whole feature row.
    #[arg(long, conflicts_with = "changes")]
    pub features: bool,
}

/// `thresh rules …`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print the loaded rules: id, pack, category, whether active, and description.
    List {
        #[command(flatten)]
        #[allow(missing_docs)]
        rules: RuleArgs,
        /// Print only the literal phrases of the active rules (whole-line and contains
        /// phrases), one per line, e.g. for `rg -v -F -i -f` as a baseline.
        #[arg(long, conflicts_with = "json")]
        phrases: bool,
        /// Print the rules as a JSON array (id, pack, category, state, action, role,
        /// description).
        #[arg(long)]
        json: bool,
        /// Only rules of these categories (comma-separated or repeated), e.g. --category ads.
        #[arg(long, value_name = "CATEGORY", value_delimiter = ',')]
        category: Vec<String>,
    },
    /// Print a bundled pack's rule file (TOML) on standard output: to read it, or to start a
    /// pack of your own from it (`rules check` accepts it as it is).
    ///
    /// Example: thresh rules export teasers > my-teasers.toml
    Export {
        /// The pack's name (see the PACK column of `thresh rules list`).
        #[arg(value_name = "PACK")]
        pack: String,
    },
    /// Validate rule files and run the examples in them.
    ///
    /// Reports every problem as FILE:LINE:COL: message — syntax errors, unknown keys, wrong
    /// types, bad regexes, empty matchers, duplicate ids — and every example that does not
    /// behave as the rule says. Exits 2 when anything is wrong.
    Check {
        /// Rule files to check.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Run a rule file's examples and the fixture pairs beside it.
    ///
    /// Fixture pairs are NAME.in.txt (input) and NAME.out.txt (expected output) in the
    /// directory given by --fixtures, or else in STEM.fixtures/ or fixtures/STEM/ next to the
    /// rule file. Each input is cleaned with the bundled packs (unless --no-default-rules) plus
    /// the file. Exits 1 when a test fails, 2 when a file is invalid.
    Test {
        /// Rule files to test.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// Directory holding the fixture pairs (for a single FILE).
        #[arg(long, value_name = "DIR")]
        fixtures: Option<PathBuf>,
        #[command(flatten)]
        #[allow(missing_docs)]
        rules: RuleArgs,
    },
}

/// `512M`, `2G`, `64K`, `1000` (binary units; a trailing `B`/`iB` is allowed).
/// [`parse_size`], up to 4095M: documents are indexed with 32-bit offsets (see
/// [`thresh::segment::MAX_DOCUMENT_BYTES`]), and normalising may add a final line end.
fn parse_document_size(text: &str) -> Result<u64, String> {
    const LARGEST: u64 = 4095 << 20;
    const _: () = assert!(LARGEST < thresh::segment::MAX_DOCUMENT_BYTES as u64);
    parse_size(text).and_then(|size| {
        if size <= LARGEST {
            Ok(size)
        } else {
            Err(format!("{text:?} is above 4095M, the most a document may have"))
        }
    })
}

fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let t = t.strip_suffix("iB").or_else(|| t.strip_suffix('B')).unwrap_or(t);
    let (digits, shift) = match t.char_indices().last() {
        Some((i, 'K' | 'k')) => (&t[..i], 10),
        Some((i, 'M' | 'm')) => (&t[..i], 20),
        Some((i, 'G' | 'g')) => (&t[..i], 30),
        _ => (t, 0),
    };
    let number: u64 =
        digits.trim().parse().map_err(|_| format!("{text:?} is not a size like 512M, 2G or 64K"))?;
    if number == 0 {
        return Err("the size must be above zero".to_string());
    }
    number.checked_shl(shift).filter(|n| n >> shift == number).ok_or_else(|| format!("{text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::{parse_document_size, parse_size};

    #[test]
    fn documents_are_below_4g() {
        assert_eq!(parse_document_size("4095M"), Ok(4095 << 20));
        assert!(parse_document_size("4G").unwrap_err().contains("above 4095M"));
    }

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("64k"), Ok(64 << 10));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("10B"), Ok(10));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }
}
