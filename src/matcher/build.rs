//! Building a [`RuleSet`]: packs in, ids checked, enable/disable lists applied, every
//! active rule compiled (whole-line keys, one phrase automaton, regex groups, site
//! signatures), heuristics listed as rules and rule roles resolved.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::phrases::PhraseIndex;
use super::regexes::{compile_alone, LazyRegex, RegexGroup};
use super::{LoadedRule, RuleSet, SiteGate};
use crate::error::{RuleDiagnostic, RuleErrors, SourceLocation};
use crate::rules::HeuristicsConfig;
use crate::rules::{self, Action, Rule, RulePack};
use crate::text::fold::line_key;
use crate::types::{DropRole, Heuristic, RuleIndex};

/// Builds a [`RuleSet`] from bundled packs, rule files and enable/disable lists.
#[derive(Debug, Default)]
pub struct RuleSetBuilder {
    packs: Vec<RulePack>,
    enable: Vec<String>,
    disable: Vec<String>,
    /// Thresholds set on top of every pack's (command-line flags).
    heuristics: crate::rules::HeuristicsSettings,
}

impl RuleSetBuilder {
    /// An empty builder (no rules at all).
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder holding the bundled packs.
    pub fn with_bundled() -> Self {
        let mut builder = Self::new();
        for pack in rules::bundled_packs() {
            builder.add_pack(pack);
        }
        builder
    }

    /// Adds a pack; a pack with the name of one already added replaces it.
    pub fn add_pack(&mut self, pack: RulePack) -> &mut Self {
        self.packs.retain(|p| p.name != pack.name);
        self.packs.push(pack);
        self
    }

    /// Reads a rule file (and the files it includes) and adds its packs.
    pub fn add_file(&mut self, path: &Path) -> Result<&mut Self, RuleErrors> {
        for pack in rules::load_rule_file(path)? {
            self.add_pack(pack);
        }
        Ok(self)
    }

    /// Switches on rules by id, category or pack name (including opt-in rules).
    pub fn enable(&mut self, name: impl Into<String>) -> &mut Self {
        self.enable.push(name.into());
        self
    }

    /// Sets thresholds of the judgement over those of every pack (as command-line flags do).
    pub fn set_heuristics(&mut self, settings: crate::rules::HeuristicsSettings) -> &mut Self {
        self.heuristics = settings;
        self
    }

    /// Switches off rules by id, category or pack name.
    pub fn disable(&mut self, name: impl Into<String>) -> &mut Self {
        self.disable.push(name.into());
        self
    }

    /// Validates and compiles everything.
    pub fn build(&self) -> Result<RuleSet, RuleErrors> {
        let mut diagnostics = Vec::new();
        let mut rules: Vec<LoadedRule> = Vec::new();
        let mut first_seen: HashMap<&str, &RulePack> = HashMap::new();
        for pack in &self.packs {
            for rule in &pack.rules {
                if let Some(first) = first_seen.get(rule.id.as_str()) {
                    diagnostics.push(rule.duplicate_of(first));
                    continue;
                }
                first_seen.insert(&rule.id, pack);
                rules.push(LoadedRule { rule: rule.clone(), pack: pack.name.clone(), active: rule.enabled });
            }
        }
        // The heuristics are listed as rules so they can be explained and switched off alike.
        for heuristic in Heuristic::ALL {
            let rule = Rule {
                id: heuristic.id().to_string(),
                description: heuristic.description().to_string(),
                category: "heuristics".to_string(),
                matcher: rules::Matcher::default(),
                guards: rules::Guards::default(),
                scope: rules::Scope::default(),
                action: Action::Heuristic,
                role: None,
                examples: rules::Examples::default(),
                enabled: true,
                location: SourceLocation { file: "src/heuristics.rs".into(), line: 1, column: 1 },
            };
            rules.push(LoadedRule { rule, pack: "heuristics".to_string(), active: true });
        }
        let known_names: HashSet<String> =
            rules.iter().flat_map(|r| [r.rule.id.clone(), r.rule.category.clone(), r.pack.clone()]).collect();
        let mut apply = |names: &[String], on: bool, origin: &str| {
            for name in names {
                if !known_names.contains(name) {
                    // A command-line list has no line to point at; a pack's list is in its file.
                    let location = if origin.starts_with("--") {
                        SourceLocation::flag(origin)
                    } else {
                        SourceLocation { file: origin.into(), line: 1, column: 1 }
                    };
                    let candidates: Vec<&str> = known_names.iter().map(String::as_str).collect();
                    let hint = rules::closest_name(name, &candidates)
                        .map(|near| format!("; did you mean `{near}`?"))
                        .unwrap_or_default();
                    diagnostics.push(RuleDiagnostic {
                        location,
                        message: format!(
                            "`{name}` names no rule id, category or pack{hint} (see `thresh rules list`)"
                        ),
                    });
                }
            }
            for loaded in rules.iter_mut() {
                let r = &loaded.rule;
                if names.iter().any(|n| *n == r.id || *n == r.category || *n == loaded.pack) {
                    loaded.active = on;
                }
            }
        };
        // Later wins: pack lists first, then the caller's (command line) lists.
        for pack in &self.packs {
            let origin = pack.origin.display().to_string();
            apply(&pack.enable, true, &origin);
        }
        for pack in &self.packs {
            let origin = pack.origin.display().to_string();
            apply(&pack.disable, false, &origin);
        }
        apply(&self.enable, true, "--enable");
        apply(&self.disable, false, "--disable");
        if !diagnostics.is_empty() {
            return Err(RuleErrors(diagnostics));
        }
        let gates = self
            .packs
            .iter()
            .filter_map(|p| {
                p.site.as_ref().map(|s| (p.name.clone(), SiteGate { domains: s.domains.clone() }))
            })
            .collect();
        let mut config = HeuristicsConfig::default();
        for pack in &self.packs {
            pack.heuristics.apply_to(&mut config);
        }
        self.heuristics.apply_to(&mut config);
        let mut set = compile(rules, gates, &self.packs)?;
        set.heuristic_rules = Heuristic::ALL
            .iter()
            .map(|h| h.id())
            .map(|id| set.rules.iter().position(|r| r.rule.id == id && r.active).map(|i| i as RuleIndex))
            .collect();
        set.heuristics = config;
        Ok(set)
    }
}

pub(super) fn compile(
    rules: Vec<LoadedRule>,
    gates: HashMap<String, SiteGate>,
    packs: &[RulePack],
) -> Result<RuleSet, RuleErrors> {
    let mut whole_lines: FxHashMap<String, Vec<RuleIndex>> = FxHashMap::default();
    let mut phrase_patterns = Vec::new();
    let mut phrase_rules = Vec::new();
    let mut regex_patterns = Vec::new();
    let mut regex_rules = Vec::new();
    let mut repeat_rules = Vec::new();
    for (index, loaded) in rules.iter().enumerate().filter(|(_, r)| r.active) {
        let index = index as RuleIndex;
        let rule = &loaded.rule;
        for phrase in &rule.matcher.lines {
            // The parser refuses phrases with an empty key; packs built in code are skipped.
            let key = line_key(&crate::text::fold::fold(phrase)).to_string();
            if key.is_empty() {
                continue;
            }
            let entry = whole_lines.entry(key).or_default();
            if !entry.contains(&index) {
                entry.push(index);
            }
        }
        for phrase in &rule.matcher.contains {
            // As for whole lines: the parser refuses blank phrases; packs built in code skip them.
            let folded = crate::text::fold::fold(phrase);
            if !folded.is_empty() {
                phrase_patterns.push(folded);
                phrase_rules.push(index);
            }
        }
        for pattern in &rule.matcher.regexes {
            regex_patterns.push(pattern.clone());
            regex_rules.push(index);
        }
        if rule.action == Action::DropRepeat {
            repeat_rules.push(index);
        }
    }
    let phrases = (!phrase_patterns.is_empty()).then(|| PhraseIndex::new(phrase_patterns));
    let (repeat_patterns, line_patterns): (Vec<usize>, Vec<usize>) = (0..regex_patterns.len())
        .partition(|&p| rules[regex_rules[p] as usize].rule.action == Action::DropRepeat);
    let group = |patterns: Vec<usize>| {
        RegexGroup::new(&regex_patterns, patterns.clone()).map_err(|e| {
            // Name the rules whose regex fails on its own (packs built in code are not checked
            // when read); if none does, the set as a whole is too big.
            let bad: Vec<RuleDiagnostic> = patterns
                .iter()
                .filter_map(|&p| {
                    let err = compile_alone(&regex_patterns[p]).err()?;
                    let rule = &rules[regex_rules[p] as usize].rule;
                    Some(RuleDiagnostic {
                        location: rule.location.clone(),
                        message: format!("rule `{}`: bad regex: {err}", rule.id),
                    })
                })
                .collect();
            if bad.is_empty() {
                single_error(&rules, format!("cannot compile the rule regexes together: {e}"))
            } else {
                RuleErrors(bad)
            }
        })
    };
    let line_regexes = group(line_patterns)?;
    let repeat_regexes = group(repeat_patterns)?;
    let regexes =
        regex_patterns.into_iter().map(|pattern| LazyRegex { pattern, compiled: OnceLock::new() }).collect();
    let mut signatures = Vec::new();
    for pack in packs {
        if let Some(site) = &pack.site {
            for signature in &site.signatures {
                let folded = crate::text::fold::fold(signature);
                signatures
                    .push((memchr::memmem::Finder::new(folded.as_bytes()).into_owned(), pack.name.clone()));
            }
        }
    }
    let gated = rules.iter().map(|r| gates.contains_key(&r.pack)).collect();
    let roles = rules
        .iter()
        .map(|loaded| {
            let rule = &loaded.rule;
            let role = rule.role.unwrap_or_else(|| rules::Role::of_category(&rule.category));
            DropRole {
                teaser_marker: role == rules::Role::TeaserMarker,
                comment_boundary: role == rules::Role::CommentBoundary,
                repeat: rule.action == Action::DropRepeat,
                comment_header: role == rules::Role::CommentHeader,
                comment_start: role == rules::Role::CommentStart,
            }
        })
        .collect();
    Ok(RuleSet {
        rules,
        gates,
        gated,
        whole_lines,
        phrases,
        phrase_rules,
        line_regexes,
        repeat_regexes,
        regex_rules,
        regexes,
        repeat_rules,
        signatures,
        heuristics: HeuristicsConfig::default(),
        heuristic_rules: Vec::new(),
        roles,
    })
}

pub(super) fn single_error(rules: &[LoadedRule], message: String) -> RuleErrors {
    let location = rules.first().map(|r| r.rule.location.clone()).unwrap_or(crate::error::SourceLocation {
        file: "<rules>".into(),
        line: 1,
        column: 1,
    });
    RuleErrors(vec![RuleDiagnostic { location, message }])
}
