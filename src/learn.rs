//! `thresh learn`: find boilerplate no rule names yet by what repeats across documents.
//!
//! Boilerplate repeats, content does not: a line that the current rules keep and that stands in
//! many documents of one site (its domain, when the input carries URLs) is proposed as a rule,
//! with its count and example documents, for a person to review and pass back with `--rules`.
//!
//! Guards, so that short generic content is not proposed blindly: a line must stand in at least
//! `min_docs` documents and `min_share` of its site's documents; lines of one word or a few
//! characters ("Photo", "Video") and lines that read as sentences of prose (a quote repeated
//! across stories) are proposed switched off (`enabled = false`) with a note to review them.
//! Memory is bounded: when a site holds more than [`MAX_KEYS_PER_SITE`] distinct lines, lines seen
//! only once are forgotten (lossy counting; lines repeated across documents survive).

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::engine::Cleaner;
use crate::language;
use crate::matcher::DocumentContext;
use crate::text::fold::{fold, line_key, word_count};

/// Distinct lines kept per site before singletons are forgotten.
pub const MAX_KEYS_PER_SITE: usize = 1_000_000;

/// Thresholds of a proposal.
#[derive(Debug, Clone, Copy)]
pub struct LearnOptions {
    /// A line must stand in at least this many documents…
    pub min_docs: u64,
    /// …and in at least this share of its site's documents.
    pub min_share: f64,
}

impl Default for LearnOptions {
    fn default() -> Self {
        LearnOptions { min_docs: 5, min_share: 0.2 }
    }
}

#[derive(Debug, Default)]
struct LineCount {
    documents: u64,
    text: String,
    examples: Vec<String>,
}

#[derive(Debug, Default)]
struct SiteCounts {
    documents: u64,
    lines: HashMap<String, LineCount>,
}

/// Counts lines across documents.
#[derive(Debug, Default)]
pub struct Learner {
    sites: HashMap<String, SiteCounts>,
}

/// One proposed rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// The line as first seen.
    pub text: String,
    /// Documents it stands in.
    pub documents: u64,
    /// Documents of its site.
    pub site_documents: u64,
    /// Up to three documents it stands in.
    pub examples: Vec<String>,
    /// Why it is proposed switched off, if it is.
    pub review: Option<&'static str>,
}

/// Proposals of one site (`""` when the documents carry no URL).
#[derive(Debug, Clone)]
pub struct SiteProposals {
    /// The site's domain, or `""`.
    pub site: String,
    /// Documents of the site.
    pub documents: u64,
    /// The proposals, most frequent first.
    pub proposals: Vec<Proposal>,
}

impl Learner {
    /// A learner with no documents.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts the lines of one document that `cleaner`'s rules keep.
    pub fn add_document(&mut self, cleaner: &Cleaner, name: &str, url: Option<&str>, text: &str) {
        let site = url.and_then(crate::matcher::url_host).unwrap_or_default();
        let outcome = cleaner.run(text, DocumentContext { url });
        let counts = self.sites.entry(site).or_default();
        counts.documents += 1;
        let mut seen = std::collections::HashSet::new();
        for (index, verdict) in outcome.verdicts.iter().enumerate() {
            if !verdict.is_keep() {
                continue;
            }
            let line = outcome.document.line_text(index);
            let key = line_key(&fold(line)).to_string();
            if key.is_empty() || !seen.insert(key.clone()) {
                continue;
            }
            let entry = counts
                .lines
                .entry(key)
                .or_insert_with(|| LineCount { text: line.trim().to_string(), ..Default::default() });
            entry.documents += 1;
            if entry.examples.len() < 3 {
                entry.examples.push(name.to_string());
            }
        }
        if counts.lines.len() > MAX_KEYS_PER_SITE {
            counts.lines.retain(|_, c| c.documents > 1);
        }
    }

    /// The proposals of every site with some, sites in name order.
    pub fn proposals(&self, options: LearnOptions) -> Vec<SiteProposals> {
        let mut sites: Vec<SiteProposals> = self
            .sites
            .iter()
            .map(|(site, counts)| {
                let mut proposals: Vec<Proposal> = counts
                    .lines
                    .values()
                    .filter(|c| {
                        c.documents >= options.min_docs
                            && c.documents as f64 >= options.min_share * counts.documents as f64
                    })
                    .map(|c| Proposal {
                        text: c.text.clone(),
                        documents: c.documents,
                        site_documents: counts.documents,
                        examples: c.examples.clone(),
                        review: review_reason(&c.text, c.documents as f64 / counts.documents as f64),
                    })
                    .collect();
                proposals.sort_by(|a, b| b.documents.cmp(&a.documents).then(a.text.cmp(&b.text)));
                SiteProposals { site: site.clone(), documents: counts.documents, proposals }
            })
            .filter(|s| !s.proposals.is_empty())
            .collect();
        sites.sort_by(|a, b| a.site.cmp(&b.site));
        sites
    }
}

/// Why a repeated line should be reviewed before it is enabled.
fn review_reason(text: &str, share: f64) -> Option<&'static str> {
    let words = word_count(text);
    if words <= 1 || text.chars().count() < 8 {
        return Some("a short generic line (\"Photo\", \"Video\"): may be content, review before enabling");
    }
    let terminal = text.trim_end_matches(['"', '\'', '”', '’', ')']).ends_with(['.', '!', '?']);
    let prose = words >= 12 && terminal && language::line_stopword_ratio(text, language::english()) >= 0.3;
    if prose && share < 0.5 {
        return Some("reads as a sentence (a repeated quote?): review before enabling");
    }
    None
}

/// A name usable in rule ids and file names: `www.example.com` → `example-com`.
pub fn slug(site: &str) -> String {
    let slug: String =
        site.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() {
        "all".to_string()
    } else {
        slug
    }
}

/// The rule pack proposing `site`'s lines, as TOML.
pub fn render_pack(site: &SiteProposals) -> String {
    let slug = slug(&site.site);
    let mut out = String::new();
    let quote = |s: &str| serde_json::to_string(s).expect("strings always serialise");
    let _ = writeln!(
        out,
        "# Proposed by `thresh learn` from {} documents: lines that repeat across documents.",
        site.documents
    );
    let _ = writeln!(out, "# Review every rule: delete what is content, then load this file with --rules.");
    let _ = writeln!(out, "[pack]\nname = {}", quote(&format!("learned-{slug}")));
    let _ = writeln!(
        out,
        "description = {}",
        quote(&format!("Repeated lines learned from {} documents", site.documents))
    );
    let _ = writeln!(out, "category = \"learned\"");
    if !site.site.is_empty() {
        let _ = writeln!(out, "site = {{ domains = [{}] }}", quote(&site.site));
    }
    for (n, p) in site.proposals.iter().enumerate() {
        let share = 100.0 * p.documents as f64 / p.site_documents as f64;
        let _ = writeln!(
            out,
            "\n# {} of {} documents ({share:.1}%), e.g. {}",
            p.documents,
            p.site_documents,
            p.examples.join(", ")
        );
        if let Some(reason) = p.review {
            let _ = writeln!(out, "# review: {reason}");
        }
        let _ = writeln!(out, "[[rule]]");
        let _ = writeln!(out, "id = {}", quote(&format!("learned/{slug}/{:03}", n + 1)));
        let _ =
            writeln!(out, "description = {}", quote(&format!("Repeated line ({} documents)", p.documents)));
        let _ = writeln!(out, "line = {}", quote(&p.text));
        if p.review.is_some() {
            let _ = writeln!(out, "enabled = false");
        }
        let _ = writeln!(out, "examples.match = [{}]", quote(&p.text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::RuleSetBuilder;

    #[test]
    fn repeated_lines_are_proposed_per_site_with_guards() {
        let cleaner = Cleaner::new(RuleSetBuilder::with_bundled().build().unwrap());
        let mut learner = Learner::new();
        // Eleven pages of example.com, two of other.test; a quote repeated in five stories.
        for i in 0..13 {
            let quote = if i < 5 {
                "A repeated quote that reads like a sentence of real content, said the mayor of the city today."
            } else {
                ""
            };
            let text = format!(
                "Story {i} about the harbour, with words of its own number {i}.\n\nPhoto\n\nThe Daily Example is published by Example Media Ltd\n\n{quote}\n"
            );
            let url = if i < 11 { "https://www.example.com/a" } else { "https://other.test/b" };
            learner.add_document(&cleaner, &format!("doc{i}"), Some(url), &text);
        }
        let sites = learner.proposals(LearnOptions { min_docs: 5, min_share: 0.3 });
        assert_eq!(sites.len(), 1, "other.test has too few documents");
        let site = &sites[0];
        assert_eq!((site.site.as_str(), site.documents), ("example.com", 11));
        let texts: Vec<&str> = site.proposals.iter().map(|p| p.text.as_str()).collect();
        assert!(texts.contains(&"The Daily Example is published by Example Media Ltd"));
        assert!(!texts.iter().any(|t| t.starts_with("Story")), "content does not repeat");
        let photo = site.proposals.iter().find(|p| p.text == "Photo").unwrap();
        assert!(photo.review.is_some(), "short generic lines are proposed switched off");
        let footer = site.proposals.iter().find(|p| p.text.starts_with("The Daily")).unwrap();
        assert_eq!((footer.documents, footer.review), (11, None));
        let quote = site.proposals.iter().find(|p| p.text.starts_with("A repeated quote")).unwrap();
        assert!(quote.review.is_some(), "{quote:?}");
    }

    #[test]
    fn rendered_packs_load_as_rules() {
        let site = SiteProposals {
            site: "example.com".into(),
            documents: 10,
            proposals: vec![Proposal {
                text: "Say \"hi\" to the \\ team".into(),
                documents: 9,
                site_documents: 10,
                examples: vec!["a.txt".into()],
                review: Some("a note"),
            }],
        };
        let toml = render_pack(&site);
        let pack = crate::rules::parse_pack(std::path::Path::new("learned.toml"), &toml).unwrap().pack;
        assert_eq!(pack.name, "learned-example-com");
        assert_eq!(pack.site.unwrap().domains, vec!["example.com"]);
        assert_eq!(pack.rules[0].matcher.lines, vec!["Say \"hi\" to the \\ team"]);
        assert!(!pack.rules[0].enabled);
    }
}
