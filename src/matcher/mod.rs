//! Stage 5, match: compiled rules × a segmented document → hits.
//!
//! Build once, match many: [`RuleSetBuilder`] validates and compiles every active rule up front
//! into an immutable, `Send + Sync` [`RuleSet`]; nothing fails at match time. (A rule's own
//! regex is compiled only when needed on its own: to ask a line that a scanned match touched,
//! or to find the span `explain` shows; its set compiled, so it does too.)
//!
//! - whole-line phrases are one hash lookup of the line key (see [`crate::text::fold`]);
//! - contains-phrases of all rules are ONE index of how they start, tried where they can start
//!   in the folded document (16 MiB of it at a time: `features::FoldedLines`); every
//!   occurrence is found, overlapping or not, so every rule that fires is seen; hits must sit
//!   on word boundaries (see `phrases`);
//! - regexes that depend on where a line starts or ends (`^`, `$`) are ONE `RegexSet` per
//!   line, asked first only whether anything matches (most lines: no); those that do not are
//!   each searched once over the whole document (their literal prefilters skip most of it),
//!   and only the lines their matches touch are asked. A rule's own `Regex` then finds the
//!   span. The regexes of `drop-repeat` rules only filter repeated lines, so they are a group
//!   of their own, asked of repeated lines only;
//! - `drop-repeat` rules hit lines whose key equals that of an earlier line.
//!
//! Guards and scope are checked here too; a hit that fails one is kept with its [`Veto`], so
//! `explain` can say which guard saved a line.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashMap;

mod build;
mod phrases;
mod regexes;
mod repeats;

pub use build::RuleSetBuilder;
use phrases::{on_word_boundary, PhraseIndex, PhraseMatch};
use regexes::{LazyRegex, RegexGroup};
use repeats::RepeatFinder;

use crate::features::FoldedLines;
use crate::language;
use crate::rules::HeuristicsConfig;
use crate::rules::{Action, Rule, DEFAULT_PHRASE_MAX_WORDS};
use crate::segment::Document;
use crate::text::fold::line_key;
use crate::types::DropRole;
pub use crate::types::{Evidence, Hit, RuleIndex, Span, Veto};

/// About how many bytes of a document are folded at a time for the phrase search: a document
/// up to this size is one chunk, kept for the heuristics; a bigger one costs folding twice
/// (here and in the heuristics) but never holds a folded copy of itself.
const FOLD_CHUNK_BYTES: usize = 16 << 20;

/// A loaded rule with the pack it came from and whether it runs.
#[derive(Debug, Clone)]
pub struct LoadedRule {
    /// The rule as written.
    pub rule: Rule,
    /// Name of its pack.
    pub pack: String,
    /// False when disabled (or opt-in and not enabled); inactive rules are not compiled.
    pub active: bool,
}

#[derive(Debug)]
struct SiteGate {
    domains: Vec<String>,
}

/// Compiled, immutable rules; cheap to share across threads.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<LoadedRule>,
    /// Pack name → site gate, for packs limited to one site.
    gates: HashMap<String, SiteGate>,
    /// For each rule, whether its pack has a site gate: asked for every hit.
    gated: Vec<bool>,
    /// Line key → rules; FxHash because every line of every document is looked up.
    whole_lines: FxHashMap<String, Vec<RuleIndex>>,
    phrases: Option<PhraseIndex>,
    phrase_rules: Vec<RuleIndex>,
    /// The regexes tried on every line, and those of repeat rules, tried on repeated lines.
    line_regexes: RegexGroup,
    repeat_regexes: RegexGroup,
    /// Rule of each regex, over both groups.
    regex_rules: Vec<RuleIndex>,
    regexes: Vec<LazyRegex>,
    repeat_rules: Vec<RuleIndex>,
    /// Site signatures (folded), each with the pack it switches on. Each is searched on its
    /// own (SIMD, keyed on its rarest bytes): a site has a name or two, and an automaton
    /// over a few names took 7% of the instructions on a shard, stopping at every "e" and "k"
    /// of a page to try "euromaidan press" and "kyiv post".
    signatures: Vec<(memchr::memmem::Finder<'static>, String)>,
    heuristics: HeuristicsConfig,
    /// Rule index of each heuristic, `None` when switched off.
    heuristic_rules: Vec<Option<RuleIndex>>,
    /// What each rule's drops mean to the judgement.
    roles: Vec<DropRole>,
}

/// What the matcher knows about the document besides its text.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocumentContext<'a> {
    /// The page's URL, when the input carries one; enables domain-scoped packs.
    pub url: Option<&'a str>,
}

impl RuleSet {
    /// All loaded rules, active or not, in load order.
    pub fn rules(&self) -> &[LoadedRule] {
        &self.rules
    }

    /// The rule at `index`.
    pub fn rule(&self, index: RuleIndex) -> &Rule {
        &self.loaded(index).rule
    }

    fn loaded(&self, index: RuleIndex) -> &LoadedRule {
        &self.rules[index as usize]
    }

    /// The heuristics' thresholds (defaults overridden by `[heuristics]` tables of the packs).
    pub fn heuristics_config(&self) -> HeuristicsConfig {
        self.heuristics
    }

    /// Rule index of each heuristic (in [`crate::types::Heuristic::ALL`] order), `None` when off.
    pub fn heuristic_rules(&self) -> &[Option<RuleIndex>] {
        &self.heuristic_rules
    }

    /// What each rule's drops mean to the judgement, by rule index.
    pub fn drop_roles(&self) -> &[DropRole] {
        &self.roles
    }

    /// Where regex `index` (of an [`Evidence::Regex`]) matches `line`; empty when it matches
    /// the empty string there, or not at all. Compiles the regex on its own the first time.
    pub fn regex_span(&self, index: u32, line: &str) -> std::ops::Range<usize> {
        self.regexes[index as usize].get().find(line).map_or(0..0, |m| m.range())
    }

    /// Finds every hit of every active rule in `doc`, sorted by line.
    pub fn find_hits(&self, doc: &Document, context: DocumentContext<'_>) -> Vec<Hit> {
        self.find_hits_folding(doc, context, &mut FoldedLines::default())
    }

    /// Like [`RuleSet::find_hits`], leaving in `chunk` the folded lines of the document,
    /// unless that is huge (more than one chunk): then none.
    pub(crate) fn find_hits_folding(
        &self,
        doc: &Document,
        context: DocumentContext<'_>,
        chunk: &mut FoldedLines,
    ) -> Vec<Hit> {
        self.find_hits_in_chunks(doc, context, chunk, FOLD_CHUNK_BYTES)
    }

    fn find_hits_in_chunks(
        &self,
        doc: &Document,
        context: DocumentContext<'_>,
        chunk: &mut FoldedLines,
        chunk_bytes: usize,
    ) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut active_packs = self.site_packs_of_url(context);
        // The folded text is searched a chunk of lines at a time: a huge document never has a
        // folded copy beside it. Phrases never span lines, so chunks find what one search would.
        let mut repeats = (!self.repeat_rules.is_empty()).then(RepeatFinder::default);
        // The guards' word counts of lines folded before the last chunk (the last chunk's lines
        // are counted from it, so a web page needs no table).
        let mut word_counts: Vec<u32> = Vec::new();
        let mut next = 0;
        while next < doc.len() {
            if next > 0 {
                word_counts.extend((0..chunk.len()).map(|k| chunk.word_count(k) as u32));
            }
            next = chunk.fold_chunk(doc, next, chunk_bytes);
            if let Some(repeats) = &mut repeats {
                repeats.reserve(chunk.len());
            }
            for k in 0..chunk.len() {
                let folded_line = chunk.line(k);
                if let Some(repeats) = &mut repeats {
                    repeats.add(doc, folded_line);
                }
                if let Some(rules) = self.whole_lines.get(line_key(folded_line)) {
                    let line = (chunk.first + k) as u32;
                    hits.extend(rules.iter().map(|&rule| Hit {
                        rule,
                        line,
                        evidence: Evidence::WholeLine,
                        veto: None,
                    }));
                }
            }
            if let Some(phrases) = &self.phrases {
                self.find_phrase_hits(phrases, chunk, &mut hits);
            }
            self.add_signed_site_packs(chunk, &mut active_packs);
        }
        if !self.line_regexes.is_empty() {
            self.find_regex_hits(&self.line_regexes, doc, 0..doc.len(), &mut hits);
        }
        hits.retain(|h| self.pack_is_active(h.rule, &active_packs));
        let repeat_of = repeats.map(|finder| finder.repeat_of);
        if let Some(repeat_of) = &repeat_of {
            if !self.repeat_regexes.is_empty() {
                let repeated = (0..doc.len()).filter(|&line| repeat_of[line].is_some());
                self.find_regex_hits(&self.repeat_regexes, doc, repeated, &mut hits);
                hits.retain(|h| self.pack_is_active(h.rule, &active_packs));
            }
        }
        hits.sort_by_key(|h| (h.line, h.rule));
        hits.dedup_by(|a, b| a.line == b.line && a.rule == b.rule);
        if let Some(repeat_of) = &repeat_of {
            self.resolve_repeats(repeat_of, &active_packs, &mut hits);
        }
        // Hits come sorted by line: count each line's words once, however many hits it has.
        let mut counted: Option<(u32, usize)> = None;
        for hit in &mut hits {
            let words = match counted {
                Some((line, words)) if line == hit.line => words,
                _ => match word_counts.get(hit.line as usize) {
                    Some(&words) => words as usize,
                    None => chunk.word_count(hit.line as usize - chunk.first),
                },
            };
            counted = Some((hit.line, words));
            hit.veto = self.veto(hit, words, doc);
        }
        self.veto_too_few_lines(&mut hits);
        if chunk.first > 0 {
            // A huge document's last chunk is a sliver of it, and the heuristics fold what they
            // need; held through them, its buffer (up to twice the chunk) raised the peak.
            chunk.release();
        }
        hits
    }

    fn find_phrase_hits(&self, phrases: &PhraseIndex, folded: &FoldedLines, hits: &mut Vec<Hit>) {
        let text = folded.text.as_str();
        let mut matches = Vec::new();
        phrases.find_all(text, &mut matches);
        let mut k = 0;
        for PhraseMatch { start, end, phrase } in matches {
            while folded.starts.get(k + 1).is_some_and(|&s| s <= start) {
                k += 1;
            }
            if !on_word_boundary(text, start, end) {
                continue;
            }
            let line = folded.first + k;
            let line_start = folded.starts[k];
            let folded_span = (start - line_start)..(end - line_start);
            let rule = self.phrase_rules[phrase];
            let evidence = Evidence::FoldedSpan(folded_span.into());
            hits.push(Hit { rule, line: line as u32, evidence, veto: None });
        }
    }

    /// Hits of the regexes of `group` on `lines` (in ascending order). A line's hits come in
    /// the order of the regexes, as one set would list them.
    fn find_regex_hits(
        &self,
        group: &RegexGroup,
        doc: &Document,
        lines: impl Iterator<Item = usize>,
        hits: &mut Vec<Hit>,
    ) {
        let touched = self.lines_touched_by_scanned(group, doc);
        let mut touched = touched.iter().peekable();
        let mut matched = Vec::new();
        for line in lines {
            let text = doc.line_text(line);
            matched.clear();
            // Most lines match nothing, and saying so is cheaper than listing what matches;
            // listing is an overlapping search of the whole line, which a set of one pattern
            // never needs (the repeat group's `[^.\s]\s*$` is answered from the line's end).
            if !group.patterns.is_empty() && group.set.is_match(text) {
                match group.patterns.as_slice() {
                    &[only] => matched.push(only),
                    patterns => matched.extend(group.set.matches(text).iter().map(|p| patterns[p])),
                }
            }
            while touched.next_if(|&&t| (t as usize) < line).is_some() {}
            if touched.next_if(|&&t| t as usize == line).is_some() {
                matched.extend(group.scanned.iter().filter(|&&p| self.regexes[p].get().is_match(text)));
                matched.sort_unstable();
            }
            for &pattern in &matched {
                hits.push(Hit {
                    rule: self.regex_rules[pattern],
                    line: line as u32,
                    evidence: Evidence::Regex { index: pattern as u32 },
                    veto: None,
                });
            }
        }
    }

    /// The lines (ascending, once each) that a match of a scanned regex of `group` touches
    /// in the document text; a match that ends or starts at a line's edge counts for that
    /// line too. Every line such a regex matches on its own is among them: where it matches
    /// alone, it matches in the document, unless an earlier match covers that place.
    fn lines_touched_by_scanned(&self, group: &RegexGroup, doc: &Document) -> Vec<u32> {
        let mut touched = Vec::new();
        for &pattern in &group.scanned {
            for m in self.regexes[pattern].get().find_iter(doc.text()) {
                let first = doc.lines().partition_point(|l| l.end() < m.start());
                let end = doc.lines().partition_point(|l| l.start() <= m.end());
                touched.extend((first..end).map(|line| line as u32));
            }
        }
        touched.sort_unstable();
        touched.dedup();
        touched
    }

    /// Turns the matcher hits of repeat rules into hits on repeated lines only, and adds hits
    /// for repeat rules without a matcher. `repeat_of` comes from [`repeated_lines`].
    fn resolve_repeats(&self, repeat_of: &[Option<u32>], active_packs: &HashSet<&str>, hits: &mut Vec<Hit>) {
        hits.retain_mut(|hit| {
            if self.loaded(hit.rule).rule.action != Action::DropRepeat {
                return true;
            }
            match repeat_of[hit.line as usize] {
                Some(first) => {
                    hit.evidence = Evidence::Repeat { first };
                    true
                }
                None => false,
            }
        });
        for &rule in &self.repeat_rules {
            if !self.loaded(rule).rule.matcher.is_empty() || !self.pack_is_active(rule, active_packs) {
                continue;
            }
            for (line, first) in repeat_of.iter().enumerate() {
                if let Some(first) = *first {
                    hits.push(Hit {
                        rule,
                        line: line as u32,
                        evidence: Evidence::Repeat { first },
                        veto: None,
                    });
                }
            }
        }
        hits.sort_by_key(|h| (h.line, h.rule));
    }

    /// The guard that vetoes `hit`, if any. Scope is not a guard here: it depends on which
    /// lines are kept, so [`crate::decide`] checks it.
    fn veto(&self, hit: &Hit, words: usize, doc: &Document) -> Option<Veto> {
        let rule = &self.loaded(hit.rule).rule;
        let guards = &rule.guards;
        if guards.min_words.is_some_and(|min| words < min) {
            return Some(Veto::MinWords);
        }
        let max_words = guards.max_words.or(match hit.evidence {
            Evidence::Regex { .. } | Evidence::FoldedSpan(_) => Some(DEFAULT_PHRASE_MAX_WORDS),
            _ => None,
        });
        if max_words.is_some_and(|max| words > max) {
            return Some(Veto::MaxWords);
        }
        if let Some(max_ratio) = guards.max_stopword_ratio {
            if language::line_stopword_ratio(doc.line_text(hit.line as usize), language::english())
                > max_ratio
            {
                return Some(Veto::StopwordRatio);
            }
        }
        None
    }

    /// Vetoes every hit of a rule with `min_lines` whose hits that pass the other guards are
    /// fewer than that.
    fn veto_too_few_lines(&self, hits: &mut [Hit]) {
        let min_lines = |rule: RuleIndex| self.loaded(rule).rule.guards.min_lines.filter(|&min| min > 1);
        if !hits.iter().any(|h| min_lines(h.rule).is_some()) {
            return;
        }
        let mut passing: HashMap<RuleIndex, usize> = HashMap::new();
        for hit in hits.iter().filter(|h| h.veto.is_none() && min_lines(h.rule).is_some()) {
            *passing.entry(hit.rule).or_default() += 1;
        }
        for hit in hits.iter_mut().filter(|h| h.veto.is_none()) {
            if min_lines(hit.rule).is_some_and(|min| passing[&hit.rule] < min) {
                hit.veto = Some(Veto::MinLines);
            }
        }
    }

    /// The site packs whose domains include the page's URL.
    fn site_packs_of_url(&self, context: DocumentContext<'_>) -> HashSet<&str> {
        let mut active = HashSet::new();
        if let Some(host) = context.url.and_then(url_host) {
            for (pack, gate) in &self.gates {
                if gate.domains.iter().any(|d| host == *d || host.ends_with(&format!(".{d}"))) {
                    active.insert(pack.as_str());
                }
            }
        }
        active
    }

    /// Adds the site packs whose signature phrases occur in `folded`.
    fn add_signed_site_packs<'s>(&'s self, folded: &FoldedLines, active: &mut HashSet<&'s str>) {
        for (signature, pack) in &self.signatures {
            if !active.contains(pack.as_str()) && signature.find(folded.text.as_bytes()).is_some() {
                active.insert(pack.as_str());
            }
        }
    }

    fn pack_is_active(&self, rule: RuleIndex, active_packs: &HashSet<&str>) -> bool {
        !self.gated[rule as usize] || active_packs.contains(self.loaded(rule).pack.as_str())
    }

    /// Tests one example line against rule `index`'s matcher and guards (not its scope).
    pub fn matches_example(&self, index: RuleIndex, line: &str) -> bool {
        let doc = Document::from_normalized(crate::normalize::normalize(line));
        if doc.len() != 1 {
            return false;
        }
        let rule = &self.loaded(index).rule;
        if rule.action == Action::DropRepeat && rule.matcher.is_empty() {
            let probe = Hit { rule: index, line: 0, evidence: Evidence::Repeat { first: 0 }, veto: None };
            let folded = FoldedLines::new(&doc);
            return self.veto(&probe, folded.word_count(0), &doc).is_none();
        }
        let all_packs: HashSet<&str> = self.gates.keys().map(String::as_str).collect();
        let folded = FoldedLines::new(&doc);
        let mut hits = Vec::new();
        if let Some(rules) = self.whole_lines.get(line_key(folded.line(0))) {
            hits.extend(rules.iter().map(|&rule| Hit {
                rule,
                line: 0,
                evidence: Evidence::WholeLine,
                veto: None,
            }));
        }
        if let Some(phrases) = &self.phrases {
            self.find_phrase_hits(phrases, &folded, &mut hits);
        }
        for group in [&self.line_regexes, &self.repeat_regexes] {
            self.find_regex_hits(group, &doc, 0..doc.len(), &mut hits);
        }
        hits.into_iter().any(|h| {
            h.rule == index
                && self.pack_is_active(h.rule, &all_packs)
                && self.veto(&h, folded.word_count(h.line as usize), &doc).is_none()
        })
    }
}

/// The lower-cased host of a URL, without port, user info or a leading `www.`.
pub(crate) fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    let host = host.trim_end_matches('.').to_lowercase();
    (!host.is_empty()).then(|| host.strip_prefix("www.").map(str::to_string).unwrap_or(host))
}

#[cfg(test)]
mod tests {
    use super::regexes::scans_the_document;
    use super::*;
    use crate::normalize::normalize;
    use crate::rules;
    use regex::Regex;
    use std::path::Path;

    fn set(toml: &str) -> RuleSet {
        let pack = rules::parse_pack(Path::new("t.toml"), toml).unwrap().pack;
        let mut b = RuleSetBuilder::new();
        b.add_pack(pack);
        b.build().unwrap()
    }

    fn doc(text: &str) -> Document {
        Document::from_normalized(normalize(text))
    }

    #[test]
    fn min_lines_vetoes_a_rule_whose_lines_are_too_few() {
        let rules = set("[[rule]]\nid = \"x\"\nregex = '^by \\w+ at [0-9]+'\nmin_lines = 3\nmax_words = 4\n");
        let live = |text: &str| {
            let hits = rules.find_hits(&doc(text), DocumentContext::default());
            hits.iter().map(|h| (h.line, h.veto)).collect::<Vec<_>>()
        };
        // Only lines that pass the other guards count: "by everyone at 10 today" has too many
        // words.
        let two = "by ann at 10\ntext\nby bob at 11\nby everyone at 10 today\n";
        assert_eq!(
            live(two),
            vec![(0, Some(Veto::MinLines)), (2, Some(Veto::MinLines)), (3, Some(Veto::MaxWords))]
        );
        let three = "by ann at 10\ntext\nby bob at 11\nby cy at 12\n";
        assert_eq!(live(three), vec![(0, None), (2, None), (3, None)]);
    }

    #[test]
    fn hits_stay_small() {
        // A 200 MB page of repeated headlines holds millions of hits and one verdict per line.
        assert!(std::mem::size_of::<Hit>() <= 24);
        assert!(std::mem::size_of::<crate::decide::Verdict>() <= 20);
    }

    fn live(hits: &[Hit]) -> Vec<(u32, RuleIndex)> {
        hits.iter().filter(|h| h.veto.is_none()).map(|h| (h.line, h.rule)).collect()
    }

    /// The span of a regex hit, as `explain` finds it.
    fn span(s: &RuleSet, d: &Document, hit: &Hit) -> std::ops::Range<usize> {
        let Evidence::Regex { index } = hit.evidence else { panic!("not a regex hit: {hit:?}") };
        s.regex_span(index, d.line_text(hit.line as usize))
    }

    #[test]
    fn whole_line_phrases_fold_case_space_and_punctuation() {
        let s = set("[[rule]]\nid = \"ad\"\nline = [\"Advertisement\"]\n");
        let d = doc("ADVERTISEMENT\n\n— Advertisement —\n\nAdvertisement feature on cars\n");
        assert_eq!(live(&s.find_hits(&d, Default::default())), vec![(0, 0), (1, 0)]);
    }

    #[test]
    fn contains_phrases_respect_word_boundaries_and_give_spans() {
        let s = set("[[rule]]\nid = \"c\"\ncontains = [\"cookie policy\"]\n");
        let d = doc("Read our Cookie  Policy here\nThe cookie policyholder\n");
        let hits = s.find_hits(&d, Default::default());
        assert_eq!(live(&hits), vec![(0, 0)]);
        // The span in the folded line, mapped back to the line when shown.
        assert_eq!(hits[0].evidence, Evidence::FoldedSpan((9..22).into()));
        assert_eq!(crate::text::fold::unfold_span(d.line_text(0), 9..22), 9..23);
        assert_eq!(&d.line_text(0)[9..23], "Cookie  Policy");
    }

    #[test]
    fn overlapping_phrases_of_different_rules_all_fire() {
        let s = set("[[rule]]\nid = \"a\"\ncontains = \"share this\"\n[[rule]]\nid = \"b\"\ncontains = \"this article\"\n");
        let d = doc("Share this article\n");
        assert_eq!(live(&s.find_hits(&d, Default::default())), vec![(0, 0), (0, 1)]);
    }

    #[test]
    fn phrase_in_long_sentence_is_vetoed_by_default_max_words() {
        let s = set("[[rule]]\nid = \"a\"\ncontains = \"advertisement\"\n");
        let long = "The advertisement that the company ran during the final was seen by more viewers than any other broadcast in the history of the network, analysts said on Monday.";
        let hits = s.find_hits(&doc(long), Default::default());
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].veto, Some(Veto::MaxWords));
    }

    #[test]
    fn folding_a_chunk_at_a_time_finds_what_one_pass_finds() {
        let rules = RuleSetBuilder::with_bundled().build().unwrap();
        let mut site_pack_fired = false;
        for name in ["000", "001", "002", "003", "004"] {
            let path = format!("{}/fixtures/seeds/{name}.in.txt", env!("CARGO_MANIFEST_DIR"));
            // Twice over, so that lines repeat across chunks.
            let d = doc(&std::fs::read_to_string(path).unwrap().repeat(2));
            let mut whole = FoldedLines::default();
            let in_one = rules.find_hits_in_chunks(&d, Default::default(), &mut whole, usize::MAX);
            let mut last = FoldedLines::default();
            let line_by_line = rules.find_hits_in_chunks(&d, Default::default(), &mut last, 1);
            assert_eq!(in_one, line_by_line, "{name}");
            assert!(in_one.iter().any(|h| matches!(h.evidence, Evidence::Repeat { .. })), "{name}");
            site_pack_fired |= in_one.iter().any(|h| rules.rules()[h.rule as usize].pack == "kyivpost");
            // A document of several chunks holds none of them afterwards; lines not held are
            // folded on demand, the same way.
            assert_eq!((whole.len(), last.len()), (d.len(), 0));
            let mut scratch = String::new();
            for line in 0..d.len() {
                let expected = crate::text::fold::fold(d.line_text(line));
                assert_eq!(whole.folded_line(&d, line, &mut scratch), expected);
                assert_eq!(last.folded_line(&d, line, &mut scratch), expected);
            }
        }
        assert!(site_pack_fired, "a seed page is signed by a site pack");
    }

    #[test]
    fn regex_rules() {
        let s = set("[[rule]]\nid = \"r\"\nregex = '^\\d+ comments?$'\n");
        let d = doc("3 comments\n\nbody text\n\n12 comments\n");
        let hits = s.find_hits(&d, Default::default());
        assert_eq!(live(&hits), vec![(0, 0), (2, 0)]);
        assert_eq!(hits[1].evidence, Evidence::Regex { index: 0 });
        assert_eq!(span(&s, &d, &hits[1]), 0..11);
    }

    #[test]
    fn regexes_without_anchors_are_searched_over_the_whole_document() {
        assert!(scans_the_document(r"(?i)\(\s*opens? in (?:a )?new (?:window|tab)\s*\)"));
        assert!(scans_the_document(r"(?i)(?-u:\b)(?:ctrl|strg)\s*\+\s*enter\b"));
        for anchored in [r"^\W*©", r"(?i)comments?$", r"(?m)^tags:", r"\Afoo", r"a|b$"] {
            assert!(!scans_the_document(anchored), "{anchored}");
        }
        assert!(!scans_the_document("(unclosed"));
        assert!(!scans_the_document("z*"), "an empty match at every byte");
        let s = set("[[rule]]\nid = \"nl\"\nregex = 'a\\s+b'\n[[rule]]\nid = \"top\"\nregex = '^b'\n");
        assert_eq!(s.line_regexes.scanned, [0]);
        assert_eq!(s.line_regexes.patterns, [1]);
        // In the text, "a\nb" matches across the line end; the first line alone does not.
        let d = doc("foo a\nb bar a b\n");
        let hits = s.find_hits(&d, Default::default());
        let found: Vec<_> = hits.iter().map(|h| (h.line, h.rule, span(&s, &d, h))).collect();
        assert_eq!(found, [(1, 0, 6..9), (1, 1, 0..1)]);
        // A regex that matches the empty string matches every line (asked line by line).
        let s = set("[[rule]]\nid = \"empty\"\nregex = 'z*'\nmax_words = 9\n");
        let d = doc("a\n\nb\n");
        let hits = s.find_hits(&d, Default::default());
        let found: Vec<_> = hits.iter().map(|h| (h.line, span(&s, &d, h))).collect();
        assert_eq!(found, [(0, 0..0), (1, 0..0)]);
    }

    proptest::proptest! {
        /// Scanned over the document or asked line by line, the regexes hit the same lines
        /// with the same spans, in the same order.
        #[test]
        fn scanned_regexes_hit_as_line_by_line(text in "[ab .\n]{0,60}") {
            // Rule by rule; the last has a scanned regex before one of the set, and its hit on
            // a line is its first regex that matches there.
            let rules: [&[&str]; 8] =
                [&[r"a\s*b"], &[r"\bab\b"], &[r"b+\."], &[r"\s+a"], &[r"(?i)B\."], &[r"^a"], &[r"b$"], &[r"\.", r"^."]];
            let toml: String = rules
                .iter()
                .enumerate()
                .map(|(i, patterns)| {
                    let list: Vec<String> = patterns.iter().map(|p| format!("'{p}'")).collect();
                    format!("[[rule]]\nid = \"r{i}\"\nregex = [{}]\nmax_words = 1000\n", list.join(", "))
                })
                .collect();
            let s = set(&toml);
            let d = doc(&text);
            let expected: Vec<(u32, RuleIndex, std::ops::Range<usize>)> = (0..d.len())
                .flat_map(|line| {
                    let line_text = d.line_text(line).to_string();
                    rules.iter().enumerate().filter_map(move |(rule, patterns)| {
                        let m = patterns.iter().find_map(|p| Regex::new(p).unwrap().find(&line_text))?;
                        Some((line as u32, rule as RuleIndex, m.range()))
                    })
                })
                .collect();
            let found: Vec<_> =
                s.find_hits(&d, Default::default()).iter().map(|h| (h.line, h.rule, span(&s, &d, h))).collect();
            proptest::prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn a_rule_regex_is_compiled_only_when_its_span_is_asked() {
        let s = set("[[rule]]\nid = \"r\"\nregex = 'comments?$'\n[[rule]]\nid = \"q\"\nregex = '^Share'\n");
        assert!(s.regexes.iter().all(|r| r.compiled.get().is_none()));
        let d = doc("Body text.\n\nNo comments\n");
        let hits = s.find_hits(&d, Default::default());
        assert_eq!(hits[0].evidence, Evidence::Regex { index: 0 });
        assert!(s.regexes.iter().all(|r| r.compiled.get().is_none()), "the set says which matched");
        assert_eq!(span(&s, &d, &hits[0]), 3..11);
        let compiled: Vec<bool> = s.regexes.iter().map(|r| r.compiled.get().is_some()).collect();
        assert_eq!(compiled, [true, false]);
    }

    #[test]
    fn a_bad_regex_in_a_pack_built_in_code_names_its_rule() {
        let mut pack = rules::parse_pack(
            Path::new("t.toml"),
            "[[rule]]\nid = \"ok\"\nregex = 'a'\n\n[[rule]]\nid = \"bad\"\nregex = 'b'\n",
        )
        .unwrap()
        .pack;
        pack.rules[1].matcher.regexes = vec!["(unclosed".into()];
        let mut b = RuleSetBuilder::new();
        b.add_pack(pack);
        let errs: Vec<String> = b.build().unwrap_err().0.iter().map(|d| d.to_string()).collect();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].starts_with("t.toml:5:1: rule `bad`: bad regex"), "{errs:?}");
    }

    #[test]
    fn repeats_hit_later_occurrences_only() {
        let s = set("[[rule]]\nid = \"rep\"\naction = \"drop-repeat\"\nmax_words = 5\n");
        let d = doc("Big headline here\n\nBody.\n\nBig  Headline here.\n");
        let hits = s.find_hits(&d, Default::default());
        assert_eq!(hits, vec![Hit { rule: 0, line: 2, evidence: Evidence::Repeat { first: 0 }, veto: None }]);
    }

    #[test]
    fn site_packs_need_a_signature_or_domain() {
        let s = set("[pack]\nsite = { signatures = [\"Example Times\"], domains = [\"example.com\"] }\n[[rule]]\nid = \"x\"\nline = \"Promo\"\n");
        assert!(live(&s.find_hits(&doc("Promo\n"), Default::default())).is_empty());
        assert_eq!(live(&s.find_hits(&doc("Promo\n\n© The EXAMPLE times\n"), Default::default())).len(), 1);
        let ctx = DocumentContext { url: Some("https://www.news.Example.com/a/b") };
        assert_eq!(live(&s.find_hits(&doc("Promo\n"), ctx)).len(), 1);
        let other = DocumentContext { url: Some("https://notexample.com/") };
        assert!(live(&s.find_hits(&doc("Promo\n"), other)).is_empty());
    }

    #[test]
    fn unknown_enable_names_are_errors() {
        let pack =
            rules::parse_pack(Path::new("t.toml"), "[[rule]]\nid = \"x\"\nline = \"a\"\n").unwrap().pack;
        let mut b = RuleSetBuilder::new();
        b.add_pack(pack).disable("cokies");
        let err = b.build().unwrap_err().to_string();
        assert!(err.contains("`cokies` names no rule id, category or pack"), "{err}");
    }

    #[test]
    fn url_hosts() {
        assert_eq!(url_host("https://user@www.Example.com:8080/x?y").as_deref(), Some("example.com"));
        assert_eq!(url_host("example.org/path").as_deref(), Some("example.org"));
    }
}
