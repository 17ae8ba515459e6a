//! Command-line definitions (clap). Only flags and help text live here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean text files or standard input and write the article text to standard output.
    ///
    /// With no PATH, or with `-`, reads standard input. Several files are written one after
    /// another, each ending with a newline. Output is always UTF-8 with `\n` line ends; blocks
    /// (paragraphs) are separated by one blank line.
    ///
    /// Example: thresh clean < page.txt > clean.txt
    Clean(CleanArgs),
    /// Print every line with its verdict (keep/drop) and the rule or guard that decided it.
    ///
    /// Each row shows the line number, keep or drop, the reason and the line text. Reasons
    /// name a rule id, with the matched text in quotes; `(block of line N)`, `(window of line
    /// N)`, `(after line N)` and `(before line N)` point at the marker line that caused a
    /// structural drop; `guard/max-words (RULE)` and the like mean a rule matched but one of
    /// its guards kept the line.
    ///
    /// Example: thresh explain page.txt | grep drop
    Explain(ExplainArgs),
    /// List, check and test rule files.
    #[command(subcommand)]
    Rules(RulesCommand),
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

/// `thresh clean`.
#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Files to clean; `-` or nothing reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub rules: RuleArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
    /// Print no warnings (errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,
}

/// `thresh explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The file to explain; `-` or nothing reads standard input.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub rules: RuleArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
    /// Show only dropped lines and lines a guard kept.
    #[arg(long)]
    pub changes: bool,
}

/// `thresh rules …`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print the loaded rules: id, pack, category, whether active, and description.
    List {
        #[command(flatten)]
        #[allow(missing_docs)]
        rules: RuleArgs,
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
