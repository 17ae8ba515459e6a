//! Reading a rule pack from TOML.
//!
//! The file is parsed into a spanned tree and walked by hand rather than through serde, so that
//! one pass reports *every* problem — syntax errors, unknown keys, wrong types, bad regexes,
//! empty matchers, duplicate ids — each with its line and column.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::heuristics::SettingReader;
use super::{
    Action, Examples, Guards, HeuristicsSettings, Matcher, Role, Rule, RulePack, Scope, SiteScope, Unit,
    Window,
};
use crate::error::{RuleDiagnostic, RuleErrors, SourceLocation};

const TOP_KEYS: &[&str] = &["pack", "rule", "heuristics"];
const PACK_KEYS: &[&str] = &["name", "description", "category", "site", "enable", "disable", "include"];
const SITE_KEYS: &[&str] = &["signatures", "domains"];
const RULE_KEYS: &[&str] = &[
    "id",
    "description",
    "category",
    "role",
    "line",
    "contains",
    "regex",
    "min_words",
    "max_words",
    "max_stopword_ratio",
    "max_block_words",
    "min_lines",
    "scope",
    "action",
    "inclusive",
    "from_line",
    "window",
    "enabled",
    "examples",
];
const SCOPE_KEYS: &[&str] = &["first_lines", "last_lines", "first_blocks", "last_blocks"];
const WINDOW_KEYS: &[&str] = &["before", "after", "unit"];
const EXAMPLE_KEYS: &[&str] = &["match", "no_match"];
const ACTIONS: &[&str] = &[
    "drop-line",
    "drop-block",
    "drop-to-end",
    "drop-to-start",
    "drop-window",
    "drop-repeat",
    "keep",
    "mark",
];

/// Largest compiled size of one rule regex; keeps hostile patterns from eating memory.
pub(crate) const REGEX_SIZE_LIMIT: usize = 2 << 20;

/// A pack as read from one file, plus the files it includes (resolved by the loader).
#[derive(Debug, Clone)]
pub struct ParsedPack {
    /// The pack.
    pub pack: RulePack,
    /// `include = [...]` entries as written, with where each was written.
    pub includes: Vec<(String, SourceLocation)>,
}

/// Parses the rule pack in `text`, read from `origin` (used in every diagnostic).
///
/// A file without `[pack] name` takes its name from the file stem.
pub fn parse_pack(origin: &Path, text: &str) -> Result<ParsedPack, RuleErrors> {
    parse(origin, text, true)
}

/// Like [`parse_pack`], but returning what could be read even when the file has errors,
/// beside those errors: `rules check` uses it to report every problem at once (a rule id that
/// another pack defines as well, beside a bad regex elsewhere in the file).
pub fn parse_pack_partially(origin: &Path, text: &str) -> (RulePack, Vec<RuleDiagnostic>) {
    let mut reader =
        Reader { origin, text, check_regexes: true, diagnostics: Vec::new(), warnings: Vec::new() };
    let (root, _) = DeTable::parse_recoverable(text);
    let parsed = reader.read_document(root.get_ref());
    (parsed.pack, reader.diagnostics)
}

/// Like [`parse_pack`], for a pack built into the binary: its regexes are not compiled here
/// to be checked. The test suite checks them, and the matcher compiles them anyway; compiling
/// them once more would be a quarter of the start-up time of every run.
pub(crate) fn parse_bundled_pack(origin: &Path, text: &str) -> Result<ParsedPack, RuleErrors> {
    parse(origin, text, false)
}

fn parse(origin: &Path, text: &str, check_regexes: bool) -> Result<ParsedPack, RuleErrors> {
    let mut reader = Reader { origin, text, check_regexes, diagnostics: Vec::new(), warnings: Vec::new() };
    let (root, syntax_errors) = DeTable::parse_recoverable(text);
    for error in syntax_errors {
        let span = error.span().unwrap_or(0..0);
        reader.error(span, error.message().trim().to_string());
    }
    let mut parsed = reader.read_document(root.get_ref());
    if reader.diagnostics.is_empty() {
        parsed.pack.warnings = std::mem::take(&mut reader.warnings);
        Ok(parsed)
    } else {
        reader.diagnostics.sort_by_key(|d| (d.location.line, d.location.column));
        Err(RuleErrors(reader.diagnostics))
    }
}

type Value<'i> = Spanned<DeValue<'i>>;

struct Reader<'a> {
    origin: &'a Path,
    text: &'a str,
    /// Compile each regex to report a bad one at its position.
    check_regexes: bool,
    diagnostics: Vec<RuleDiagnostic>,
    /// Problems that do not stop the file from loading (`rules check` shows them).
    warnings: Vec<RuleDiagnostic>,
}

impl<'a> Reader<'a> {
    fn location(&self, span: &Range<usize>) -> SourceLocation {
        SourceLocation::from_offset(self.origin, self.text, span.start)
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let location = self.location(&span);
        self.diagnostics.push(RuleDiagnostic { location, message: message.into() });
    }

    fn read_document(&mut self, root: &DeTable<'_>) -> ParsedPack {
        self.check_keys(root, TOP_KEYS, "the top level");
        let stem = self.origin.file_stem().map(|s| s.to_string_lossy().into_owned());
        let mut pack = RulePack {
            name: stem.unwrap_or_else(|| "rules".to_string()),
            description: String::new(),
            origin: self.origin.to_path_buf(),
            site: None,
            rules: Vec::new(),
            enable: Vec::new(),
            disable: Vec::new(),
            heuristics: HeuristicsSettings::default(),
            warnings: Vec::new(),
        };
        if let Some(table) = self.table(root, "heuristics") {
            self.check_keys(table, HeuristicsSettings::KEYS, "[heuristics]");
            pack.heuristics = HeuristicsSettings::read(&mut TableReader { parser: self, table });
        }
        let mut includes = Vec::new();
        let mut default_category = None;
        if let Some(header) = self.table(root, "pack") {
            self.check_keys(header, PACK_KEYS, "[pack]");
            if let Some(name) = self.string(header, "name") {
                pack.name = name;
            }
            pack.description = self.string(header, "description").unwrap_or_default();
            default_category = self.string(header, "category");
            pack.enable = self.strings(header, "enable").into_iter().map(|(s, _)| s).collect();
            pack.disable = self.strings(header, "disable").into_iter().map(|(s, _)| s).collect();
            for (path, span) in self.strings(header, "include") {
                includes.push((path, self.location(&span)));
            }
            if let Some(site) = self.table(header, "site") {
                self.check_keys(site, SITE_KEYS, "[pack.site]");
                let signatures: Vec<String> =
                    self.strings(site, "signatures").into_iter().map(|(s, _)| s).collect();
                let domains: Vec<String> = self
                    .strings(site, "domains")
                    .into_iter()
                    .map(|(s, _)| s.trim().trim_start_matches('.').to_lowercase())
                    .collect();
                if signatures.is_empty() && domains.is_empty() {
                    let span = self.span_of(header, "site").unwrap_or(0..0);
                    self.error(span, "[pack.site] needs `signatures` or `domains`, or remove it");
                }
                pack.site = Some(SiteScope { signatures, domains });
            }
        }
        let default_category = default_category.unwrap_or_else(|| pack.name.clone());

        let mut seen_ids: HashMap<String, SourceLocation> = HashMap::new();
        match find(root, "rule") {
            None => {}
            Some(value) => match value.get_ref().as_array() {
                Some(items) => {
                    for item in items.iter() {
                        if let Some(rule) = self.read_rule(item, &default_category) {
                            if let Some(first) = seen_ids.get(&rule.id) {
                                let message = format!(
                                    "duplicate rule id `{}` (first defined at line {})",
                                    rule.id, first.line
                                );
                                self.diagnostics
                                    .push(RuleDiagnostic { location: rule.location.clone(), message });
                            } else {
                                seen_ids.insert(rule.id.clone(), rule.location.clone());
                                pack.rules.push(rule);
                            }
                        }
                    }
                }
                None => self.error(value.span(), "`rule` must be an array of tables: write [[rule]]"),
            },
        }
        ParsedPack { pack, includes }
    }

    fn read_rule(&mut self, value: &Value<'_>, default_category: &str) -> Option<Rule> {
        let span = value.span();
        let Some(table) = value.get_ref().as_table() else {
            self.error(span, "each [[rule]] must be a table");
            return None;
        };
        let errors_before = self.diagnostics.len();
        self.check_keys(table, RULE_KEYS, "[[rule]]");
        let location = self.location(&span);
        let id = match self.string(table, "id") {
            Some(id) if !id.trim().is_empty() => id,
            Some(_) => {
                self.error(self.span_of(table, "id").unwrap_or(span.clone()), "rule `id` is empty");
                return None;
            }
            None => {
                self.error(span, "rule has no `id` (write id = \"category/what-it-matches\")");
                return None;
            }
        };
        let description = self.string(table, "description").unwrap_or_default();
        let category = self.string(table, "category").unwrap_or_else(|| default_category.to_string());

        let matcher = Matcher {
            lines: self.patterns(table, "line", &id),
            contains: self.patterns(table, "contains", &id),
            regexes: self.patterns(table, "regex", &id),
        };
        let regexes = if self.check_regexes { self.strings(table, "regex") } else { Vec::new() };
        for (pattern, pattern_span) in regexes {
            if let Err(err) = regex::RegexBuilder::new(&pattern).size_limit(REGEX_SIZE_LIMIT).build() {
                self.error(
                    pattern_span,
                    format!("rule `{id}`: bad regex {pattern:?}: {}", regex_error_summary(&err)),
                );
            } else if regex_syntax::Parser::new()
                .parse(&pattern)
                .is_ok_and(|hir| hir.properties().look_set().contains_word_unicode())
            {
                let location = self.location(&pattern_span);
                self.warnings.push(RuleDiagnostic {
                    location,
                    message: format!(
                        "warning: rule `{id}`: a Unicode \\b sends every regex of the run to a slower engine on non-ASCII text (about half the speed); write (?-u:\\b) unless the boundary must see non-ASCII letters"
                    ),
                });
            }
        }

        let (min_words, max_words) = (self.count(table, "min_words"), self.count(table, "max_words"));
        if let (Some(min), Some(max)) = (min_words, max_words) {
            if min > max {
                let span = self.span_of(table, "min_words").unwrap_or(span.clone());
                self.error(
                    span,
                    format!(
                        "rule `{id}`: `min_words` ({min}) is above `max_words` ({max}): no line can match"
                    ),
                );
            }
        }
        let guards = Guards {
            min_words,
            max_words,
            max_stopword_ratio: self.ratio(table, "max_stopword_ratio"),
            max_block_words: self.count(table, "max_block_words"),
            min_lines: self.count(table, "min_lines"),
        };
        let scope = match self.table(table, "scope") {
            Some(scope_table) => {
                self.check_keys(scope_table, SCOPE_KEYS, "scope");
                Scope {
                    first_lines: self.count(scope_table, "first_lines"),
                    last_lines: self.count(scope_table, "last_lines"),
                    first_blocks: self.count(scope_table, "first_blocks"),
                    last_blocks: self.count(scope_table, "last_blocks"),
                }
            }
            None => Scope::default(),
        };
        let action = self.action(table, &id, &scope, &matcher, span.clone());
        let role = self.string(table, "role").and_then(|name| {
            let role = Role::from_name(&name);
            if role.is_none() {
                let span = self.span_of(table, "role").unwrap_or(span.clone());
                self.error(
                    span,
                    format!("unknown role `{name}`: use \"teaser-marker\", \"comment-boundary\", \"comment-header\", \"comment-start\" or \"none\""),
                );
            }
            role
        });
        // A mark drops nothing: it means something only through a role that reads marks, and
        // that role only through marks.
        if let Some(action) = &action {
            let reads_marks = role.is_some_and(Role::reads_marks);
            if *action == Action::Mark && !reads_marks {
                let span = self.span_of(table, "action").unwrap_or(span.clone());
                self.error(
                    span,
                    format!(
                        "rule `{id}`: action = \"mark\" drops nothing; it needs role = \"comment-header\" or \"comment-start\""
                    ),
                );
            } else if reads_marks && *action != Action::Mark {
                let name = role.map_or("", Role::name);
                let span = self.span_of(table, "role").unwrap_or(span.clone());
                self.error(span, format!("rule `{id}`: role = \"{name}\" goes with action = \"mark\" (the judgement drops the comments)"));
            }
            if *action == Action::Mark && find(table, "scope").is_some() {
                let span = self.span_of(table, "scope").unwrap_or(span.clone());
                self.error(span, format!("rule `{id}`: `scope` does not apply to action = \"mark\""));
            }
        }
        let enabled = self.boolean(table, "enabled").unwrap_or(true);
        let examples = match self.table(table, "examples") {
            Some(examples) => {
                self.check_keys(examples, EXAMPLE_KEYS, "examples");
                Examples {
                    must_match: self.strings(examples, "match").into_iter().map(|(s, _)| s).collect(),
                    must_not_match: self.strings(examples, "no_match").into_iter().map(|(s, _)| s).collect(),
                }
            }
            None => Examples::default(),
        };
        if self.diagnostics.len() > errors_before {
            return None;
        }
        Some(Rule {
            id,
            description,
            category,
            matcher,
            guards,
            scope,
            action: action?,
            role,
            examples,
            enabled,
            location,
        })
    }

    fn action(
        &mut self,
        table: &DeTable<'_>,
        id: &str,
        scope: &Scope,
        matcher: &Matcher,
        rule_span: Range<usize>,
    ) -> Option<Action> {
        let name = self.string(table, "action").unwrap_or_else(|| "drop-line".to_string());
        let action_span = self.span_of(table, "action").unwrap_or(rule_span.clone());
        let inclusive = self.boolean(table, "inclusive");
        let from_line = self.boolean(table, "from_line");
        let window = self.table(table, "window").map(|w| {
            self.check_keys(w, WINDOW_KEYS, "window");
            let unit = match self.string(w, "unit").as_deref() {
                None | Some("lines") => Unit::Lines,
                Some("blocks") => Unit::Blocks,
                Some(other) => {
                    let span = self.span_of(w, "unit").unwrap_or(0..0);
                    self.error(span, format!("unknown window unit `{other}`: use \"lines\" or \"blocks\""));
                    Unit::Lines
                }
            };
            Window {
                before: self.count(w, "before").unwrap_or(0),
                after: self.count(w, "after").unwrap_or(0),
                unit,
            }
        });
        let action = match name.as_str() {
            "keep" => Action::Keep,
            "drop-line" => Action::DropLine,
            "drop-block" => Action::DropBlock { from_line: from_line.unwrap_or(false) },
            "drop-to-end" => Action::DropToEnd { inclusive: inclusive.unwrap_or(true) },
            "drop-to-start" => Action::DropToStart { inclusive: inclusive.unwrap_or(true) },
            "drop-repeat" => Action::DropRepeat,
            "mark" => Action::Mark,
            "drop-window" => match window {
                Some(window) => Action::DropWindow(window),
                None => {
                    self.error(
                        action_span,
                        format!("rule `{id}`: drop-window needs a window, e.g. window = {{ before = 0, after = 2, unit = \"blocks\" }}"),
                    );
                    return None;
                }
            },
            other => {
                self.error(
                    action_span,
                    format!("rule `{id}`: unknown action `{other}`; expected one of: {}", ACTIONS.join(", ")),
                );
                return None;
            }
        };
        if window.is_some() && !matches!(action, Action::DropWindow(_)) {
            let span = self.span_of(table, "window").unwrap_or(rule_span.clone());
            self.error(span, format!("rule `{id}`: `window` applies only to action = \"drop-window\""));
        }
        if inclusive.is_some() && !matches!(action, Action::DropToEnd { .. } | Action::DropToStart { .. }) {
            let span = self.span_of(table, "inclusive").unwrap_or(rule_span.clone());
            self.error(
                span,
                format!("rule `{id}`: `inclusive` applies only to drop-to-end and drop-to-start"),
            );
        }
        if from_line.is_some() && !matches!(action, Action::DropBlock { .. }) {
            let span = self.span_of(table, "from_line").unwrap_or(rule_span.clone());
            self.error(span, format!("rule `{id}`: `from_line` applies only to drop-block"));
        }
        let block_action = matches!(action, Action::DropBlock { .. })
            || matches!(action, Action::DropWindow(Window { unit: Unit::Blocks, .. }));
        if find(table, "max_block_words").is_some() && !block_action {
            let span = self.span_of(table, "max_block_words").unwrap_or(rule_span.clone());
            self.error(span, format!("rule `{id}`: `max_block_words` applies only to drop-block and drop-window with unit = \"blocks\""));
        }
        if matches!(action, Action::DropToStart { .. })
            && scope.first_lines.is_none()
            && scope.first_blocks.is_none()
        {
            self.error(
                action_span.clone(),
                format!("rule `{id}`: drop-to-start cuts header chrome, so it needs a bound near the top: scope = {{ first_lines = 20 }}"),
            );
        }
        let matcher_written = ["line", "contains", "regex"].iter().any(|k| find(table, k).is_some());
        if matcher.is_empty() && !matcher_written && action != Action::DropRepeat {
            self.error(
                rule_span,
                format!("rule `{id}` has no matcher: give `line`, `contains` or `regex` (only drop-repeat may omit it)"),
            );
        }
        Some(action)
    }

    /// A string or list of strings used as patterns: each must be non-blank, and a given key
    /// must not be an empty list.
    fn patterns(&mut self, table: &DeTable<'_>, key: &str, id: &str) -> Vec<String> {
        let items = self.strings(table, key);
        if items.is_empty() {
            if let Some(span) = self.span_of(table, key) {
                if find(table, key).and_then(|v| v.get_ref().as_array()).is_some() {
                    self.error(
                        span,
                        format!("rule `{id}`: `{key}` is an empty list: an empty matcher matches nothing"),
                    );
                }
            }
        }
        let mut out = Vec::with_capacity(items.len());
        for (pattern, span) in items {
            if pattern.trim().is_empty() {
                self.error(span, format!("rule `{id}`: empty pattern in `{key}`"));
            } else if key == "line"
                && crate::text::fold::line_key(&crate::text::fold::fold(&pattern)).is_empty()
            {
                self.error(
                    span,
                    format!("rule `{id}`: whole-line phrase {pattern:?} has no letters or digits, so it would match every blank-looking line; use a regex such as '^#{{3}}$'"),
                );
            } else {
                out.push(pattern);
            }
        }
        out
    }

    fn check_keys(&mut self, table: &DeTable<'_>, allowed: &[&str], what: &str) {
        for (key, _) in table.iter() {
            let name: &str = key.get_ref();
            if !allowed.contains(&name) {
                let hint =
                    closest(name, allowed).map(|k| format!(" (did you mean `{k}`?)")).unwrap_or_default();
                self.error(
                    key.span(),
                    format!("unknown key `{name}` in {what}{hint}; expected one of: {}", allowed.join(", ")),
                );
            }
        }
    }

    fn span_of(&self, table: &DeTable<'_>, key: &str) -> Option<Range<usize>> {
        find(table, key).map(|v| v.span())
    }

    fn table<'t, 'i>(&mut self, table: &'t DeTable<'i>, key: &str) -> Option<&'t DeTable<'i>> {
        let value = find(table, key)?;
        match value.get_ref().as_table() {
            Some(t) => Some(t),
            None => {
                self.wrong_type(value, key, "a table");
                None
            }
        }
    }

    fn string(&mut self, table: &DeTable<'_>, key: &str) -> Option<String> {
        let value = find(table, key)?;
        match value.get_ref().as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.wrong_type(value, key, "a string");
                None
            }
        }
    }

    /// A string or an array of strings, each with its span.
    fn strings(&mut self, table: &DeTable<'_>, key: &str) -> Vec<(String, Range<usize>)> {
        let Some(value) = find(table, key) else { return Vec::new() };
        if let Some(s) = value.get_ref().as_str() {
            return vec![(s.to_string(), value.span())];
        }
        let Some(items) = value.get_ref().as_array() else {
            self.wrong_type(value, key, "a string or an array of strings");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item.get_ref().as_str() {
                Some(s) => out.push((s.to_string(), item.span())),
                None => self.wrong_type(item, key, "a string"),
            }
        }
        out
    }

    fn count(&mut self, table: &DeTable<'_>, key: &str) -> Option<usize> {
        let value = find(table, key)?;
        let parsed = value
            .get_ref()
            .as_integer()
            .and_then(|i| u64::from_str_radix(i.as_str(), i.radix()).ok())
            .and_then(|n| usize::try_from(n).ok());
        if parsed.is_none() {
            self.wrong_type(value, key, "a whole number, 0 or more");
        }
        parsed
    }

    fn ratio(&mut self, table: &DeTable<'_>, key: &str) -> Option<f64> {
        let value = find(table, key)?;
        let parsed = match value.get_ref() {
            DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
            DeValue::Integer(i) => i.as_str().parse::<f64>().ok(),
            _ => None,
        };
        match parsed {
            Some(r) if (0.0..=1.0).contains(&r) => Some(r),
            Some(r) => {
                self.error(value.span(), format!("`{key}` must be a number from 0.0 to 1.0, found {r}"));
                None
            }
            None => {
                self.wrong_type(value, key, "a number from 0.0 to 1.0");
                None
            }
        }
    }

    fn boolean(&mut self, table: &DeTable<'_>, key: &str) -> Option<bool> {
        let value = find(table, key)?;
        let parsed = value.get_ref().as_bool();
        if parsed.is_none() {
            self.wrong_type(value, key, "true or false");
        }
        parsed
    }

    fn wrong_type(&mut self, value: &Value<'_>, key: &str, expected: &str) {
        let found = value.get_ref().type_str();
        self.error(value.span(), format!("`{key}` must be {expected}, found {found}"));
    }
}

/// The last line of a regex error ("error: unclosed group"), without the pattern echo above it.
fn regex_error_summary(err: &regex::Error) -> String {
    let text = err.to_string();
    let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("invalid pattern");
    last.trim().trim_start_matches("error: ").to_string()
}

fn find<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<&'t Value<'i>> {
    table.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
}

/// The allowed key closest to a misspelt one, if any is close.
/// The name of `allowed` closest to `name` in edits, if it is close enough to be a typo.
pub(crate) fn closest<'k>(name: &str, allowed: &[&'k str]) -> Option<&'k str> {
    allowed
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Reads the settings of one table for [`HeuristicsSettings::read`].
struct TableReader<'p, 't, 'a, 'src> {
    parser: &'p mut Reader<'a>,
    table: &'t DeTable<'src>,
}

impl SettingReader for TableReader<'_, '_, '_, '_> {
    fn boolean(&mut self, key: &str) -> Option<bool> {
        self.parser.boolean(self.table, key)
    }

    fn count(&mut self, key: &str) -> Option<usize> {
        self.parser.count(self.table, key)
    }

    fn ratio(&mut self, key: &str) -> Option<f64> {
        self.parser.ratio(self.table, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        match parse_pack(Path::new("t.toml"), text) {
            Ok(_) => Vec::new(),
            Err(e) => e.0.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn a_full_rule_parses() {
        let text = r#"
[pack]
name = "site"
category = "teasers"
site = { signatures = ["Example Times"], domains = [".Example.com"] }

[[rule]]
id = "teasers/more"
description = "More-from teasers"
line = ["More from us"]
scope = { last_blocks = 5 }
action = "drop-window"
window = { before = 1, after = 2, unit = "blocks" }
examples = { match = ["More from us:"], no_match = ["More from us than them, he said."] }
"#;
        let parsed = parse_pack(Path::new("site.toml"), text).unwrap();
        let pack = parsed.pack;
        assert_eq!(pack.name, "site");
        assert_eq!(pack.site.as_ref().unwrap().domains, vec!["example.com"]);
        let rule = &pack.rules[0];
        assert_eq!(rule.category, "teasers");
        assert_eq!(rule.scope.last_blocks, Some(5));
        assert_eq!(rule.action, Action::DropWindow(Window { before: 1, after: 2, unit: Unit::Blocks }));
        assert_eq!(rule.examples.must_match, vec!["More from us:"]);
        assert_eq!((rule.location.line, rule.location.column), (7, 1));
    }

    #[test]
    fn every_error_is_reported_with_its_position() {
        let text = r#"[[rule]]
id = "a"
patern = "x"
line = "Advertisement"

[[rule]]
id = "b"
regex = "(unclosed"

[[rule]]
id = "a"
line = []

[[rule]]
id = "c"
contains = "x"
action = "explode"
"#;
        let errs = errors(text);
        assert_eq!(errs.len(), 4, "{errs:#?}");
        assert!(errs[0].starts_with("t.toml:3:1: unknown key `patern`"), "{}", errs[0]);
        assert!(errs[0].contains("did you mean `max_words`?") || errs[0].contains("expected one of"));
        assert_eq!(errs[1], "t.toml:8:9: rule `b`: bad regex \"(unclosed\": unclosed group");
        assert!(errs[2].starts_with("t.toml:12:8: rule `a`: `line` is an empty list"), "{}", errs[2]);
        assert!(errs[3].starts_with("t.toml:17:10: rule `c`: unknown action `explode`"), "{}", errs[3]);
    }

    #[test]
    fn from_line_is_read_for_drop_block_and_an_error_elsewhere() {
        let text = "[[rule]]\nid = \"a\"\nline = \"Related\"\naction = \"drop-block\"\nfrom_line = true\n";
        let parsed = parse_pack(Path::new("t.toml"), text).unwrap();
        assert_eq!(parsed.pack.rules[0].action, Action::DropBlock { from_line: true });
        let errs = errors("[[rule]]\nid = \"b\"\nline = \"Related\"\nfrom_line = true\n");
        assert_eq!(errs, vec!["t.toml:4:13: rule `b`: `from_line` applies only to drop-block"]);
    }

    #[test]
    fn duplicate_ids_are_reported() {
        let errs = errors("[[rule]]\nid = \"x\"\nline = \"a\"\n[[rule]]\nid = \"x\"\nline = \"b\"\n");
        assert_eq!(errs, vec!["t.toml:4:1: duplicate rule id `x` (first defined at line 1)"]);
    }

    #[test]
    fn syntax_errors_have_positions() {
        let errs = errors("[[rule]]\nid = \"x\nline = \"a\"\n");
        assert!(!errs.is_empty());
        assert!(errs[0].starts_with("t.toml:2:"), "{errs:?}");
    }

    #[test]
    fn missing_matcher_and_wrong_types() {
        let errs = errors("[[rule]]\nid = \"x\"\nmax_words = \"ten\"\n");
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].contains("rule `x` has no matcher"), "{errs:?}");
        assert!(errs[1].contains("`max_words` must be a whole number"), "{errs:?}");
    }

    #[test]
    fn drop_to_start_needs_a_top_bound() {
        let errs = errors("[[rule]]\nid = \"x\"\nline = \"a\"\naction = \"drop-to-start\"\n");
        assert!(errs[0].contains("needs a bound near the top"), "{errs:?}");
    }

    #[test]
    fn roles_are_read_and_an_unknown_one_is_an_error_at_its_key() {
        let toml = "[[rule]]\nid = \"x/header\"\nline = \"Comments\"\nrole = \"comment-boundary\"\n";
        let pack = parse_pack(Path::new("t.toml"), toml).unwrap().pack;
        assert_eq!(pack.rules[0].role, Some(Role::CommentBoundary));
        let errs = errors("[[rule]]\nid = \"x/header\"\nline = \"Comments\"\nrole = \"comment-begin\"\n");
        assert!(errs[0].starts_with("t.toml:4:8: unknown role `comment-begin`"), "{errs:?}");
    }

    #[test]
    fn a_mark_goes_with_a_role_that_reads_marks_and_min_lines_is_read() {
        let toml = "[[rule]]\nid = \"c/header\"\nregex = 'says:$'\naction = \"mark\"\nrole = \"comment-header\"\nmin_lines = 3\n";
        let rule = &parse_pack(Path::new("t.toml"), toml).unwrap().pack.rules[0];
        assert_eq!(
            (rule.action, rule.role, rule.guards.min_lines),
            (Action::Mark, Some(Role::CommentHeader), Some(3))
        );
        let errs = errors("[[rule]]\nid = \"c\"\nline = \"Reply\"\naction = \"mark\"\n");
        assert_eq!(
            errs,
            vec![
                "t.toml:4:10: rule `c`: action = \"mark\" drops nothing; it needs role = \"comment-header\" or \"comment-start\""
            ]
        );
        let start =
            "[[rule]]\nid = \"c\"\nline = \"12 Comments Leave a comment\"\nrole = \"comment-start\"\n";
        let errs = errors(start);
        assert_eq!(errs, vec!["t.toml:4:8: rule `c`: role = \"comment-start\" goes with action = \"mark\" (the judgement drops the comments)"]);
        let rule =
            &parse_pack(Path::new("t.toml"), &format!("{start}action = \"mark\"\n")).unwrap().pack.rules[0];
        assert_eq!((rule.action, rule.role), (Action::Mark, Some(Role::CommentStart)));
        let errs = errors("[[rule]]\nid = \"c\"\nline = \"Reply\"\nrole = \"comment-header\"\n");
        assert_eq!(errs, vec!["t.toml:4:8: rule `c`: role = \"comment-header\" goes with action = \"mark\" (the judgement drops the comments)"]);
        let errs = errors(&format!("{toml}scope = {{ first_lines = 5 }}\n"));
        assert_eq!(errs, vec!["t.toml:7:9: rule `c/header`: `scope` does not apply to action = \"mark\""]);
    }

    #[test]
    fn heuristics_table() {
        let pack = parse_pack(Path::new("t.toml"), "[heuristics]\nlength_low = 40\nstopwords_high = 0.4\n")
            .unwrap()
            .pack;
        assert_eq!(pack.heuristics.length_low, Some(40));
        assert_eq!(pack.heuristics.stopwords_high, Some(0.4));
        assert_eq!(pack.heuristics.enabled, None);
        let errs = errors("[heuristics]\nlenght_low = 4\nstopwords_low = 3\n");
        assert!(
            errs[0].contains("unknown key `lenght_low` in [heuristics] (did you mean `length_low`?)"),
            "{errs:?}"
        );
        assert!(errs[1].contains("`stopwords_low` must be a number from 0.0 to 1.0"), "{errs:?}");
    }

    #[test]
    fn typo_hint() {
        assert_eq!(closest("contain", RULE_KEYS), Some("contains"));
        assert_eq!(closest("zzzzzz", RULE_KEYS), None);
    }
}
