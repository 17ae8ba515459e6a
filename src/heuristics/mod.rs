//! Judgement for chrome that no rule names: each kept line is classified from its own shape,
//! then from its neighbours, then by whether it lies in the article's main stretch.
//!
//! The method follows jusText (Pomikálek 2011), adapted to plain text:
//! 1. **Shape.** A line is *good* when it is long prose (many characters, many function words
//!    of the document's language), *near-good* when it is borderline, *short* when it is too
//!    short to judge alone, and *bad* when it is not prose: few function words
//!    (`heuristics/not-prose`), title-case words between separators (`heuristics/menu-line`:
//!    `Home | News | Sport`), mostly digits and symbols (`heuristics/counter`: dates, "3
//!    comments", prices) or a long lower-case keyword string (`heuristics/keyword-stuffed`).
//! 2. **Context.** A short line takes the class of its nearest judged neighbours — between two
//!    good lines it is a subheading and stays, inside a run of boilerplate it is navigation and
//!    goes (`heuristics/short-in-boilerplate`); a near-good line goes only when both neighbours
//!    are boilerplate (`heuristics/near-boilerplate`); a heading-like short line just before
//!    good text stays.
//! 3. **Main stretch.** The article is usually one contiguous stretch. Good lines separated by
//!    long runs of boilerplate form separate stretches; the largest is the article, and
//!    stretches much smaller than it — comments, teasers, footers — go
//!    (`heuristics/outside-main-text`). A long well-formed paragraph is therefore never dropped
//!    on one weak signal: it must be cut off from the article by a run of boilerplate.
//!
//! 4. **Unrelated teasers.** Next to a teaser marker (a line dropped by a `teasers` rule) or a
//!    repeated headline, a line whose content words the rest of the article hardly shares is a
//!    teaser for another story (`heuristics/unrelated-teaser`).
//!
//! Guard rails: lines kept by an exception rule are never dropped (they protect themselves, not
//! the lines around them); a document
//! with no good line at all is left to the rules (there is no article to anchor on); the pass
//! repeats on the kept lines until nothing changes, so cleaning is idempotent.

mod context;
mod rows;
mod shape;
mod stretches;
mod teasers;

use context::{promote_sentence_runs, revise, Judged, RoundShapes};
use rows::{LineStats, RoundFacts};
pub use rows::{Row, FEATURES, FEATURE_DOCS, FEATURE_NAMES, MONOTONE};
use shape::{shape, Class, Mark, Shape};
use stretches::{dropped_before, main_stretches, marked_by};
use teasers::unrelated_teasers;

use crate::features::LineFeatures;
use crate::language::{self, Language};
use crate::model::LineModel;
pub use crate::rules::HeuristicsConfig;
use crate::segment::Document;
use crate::types::{DropCause, DropReason, KeepReason, Verdict};
use crate::types::{DropRole, Heuristic, RuleIndex};

/// The line model bundled with thresh (`models/judgement.json`), parsed the first time it is
/// asked for.
pub fn bundled_model() -> &'static LineModel {
    static BUNDLED: std::sync::OnceLock<LineModel> = std::sync::OnceLock::new();
    BUNDLED.get_or_init(|| {
        LineModel::parse("models/judgement.json", include_str!("../../models/judgement.json"), FEATURE_NAMES)
            .expect("the bundled model matches the features (checked by a test)")
    })
}

/// Reads a line model file trained on the features of this thresh.
pub fn load_model(path: &std::path::Path) -> Result<LineModel, crate::model::ModelError> {
    LineModel::load(path, FEATURE_NAMES)
}

/// How many times surer than elsewhere the line model must be to drop a line of the article
/// (see `rows::RowContext::in_article`).
const ARTICLE_MARGIN: f64 = 3.0;

/// In a text where the rules found no chrome at all (no line dropped before the judgement),
/// the line model's dial is this share of its setting. Such a text is most likely an article
/// already extracted, or a clean one, where what the model would drop is mostly the article's
/// own short lines (a caption, a list item, a credit); a web page shows its chrome to the
/// rules first. On dev, 1% of whole pages, 17% of extractor outputs and 89% of gold texts are
/// such texts (see `docs/model.md`, "The dial").
const CLEAN_TEXT_DIAL_SHARE: f64 = 2.0 / 3.0;

/// What the judgement takes from the rule set: its thresholds, the rule of each heuristic, and
/// what each rule's drops mean ([`DropRole`]), all resolved when the rules were built.
#[derive(Debug, Clone, Copy)]
pub(crate) struct JudgementRules<'a> {
    /// The thresholds.
    pub(crate) config: HeuristicsConfig,
    /// Rule index of each heuristic, in [`Heuristic::ALL`] order; `None` when switched off.
    pub(crate) heuristics: &'a [Option<RuleIndex>],
    /// The role of each rule, by rule index.
    pub(crate) roles: &'a [DropRole],
    /// The line model that decides, from each line's row, what the judgement keeps; `None`
    /// leaves it to the hand-written rounds alone.
    pub(crate) model: Option<&'a LineModel>,
}

impl JudgementRules<'_> {
    fn role(&self, rule: RuleIndex) -> DropRole {
        self.roles[rule as usize]
    }
}

/// What a round of the judgement did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Round {
    /// Lines were dropped: what is left can be judged again.
    Dropped,
    /// Nothing was dropped; what is left may now read as another language (see
    /// [`Judgement::relabel`]).
    Settled,
    /// Nothing to judge: no line is kept, or no line is good enough to anchor an article on.
    Idle,
}

/// The judgement of one document, a round at a time: each round judges the lines the verdicts
/// still keep and drops what it takes for boilerplate. The engine owns the rounds (how many,
/// and when the rules' scopes are settled in between, see [`crate::engine`]); this holds what
/// rounds share: the document's language and each line's shape in it.
pub(crate) struct Judgement<'a> {
    rules: JudgementRules<'a>,
    doc: &'a Document,
    folded: &'a crate::features::FoldedLines,
    /// The shape of each line judged so far, in `shaped_in`.
    shapes: Vec<Option<Shape>>,
    /// The language `shapes` were judged in: a shape depends only on its line and the
    /// language, so they serve every round and phase judged in it.
    shaped_in: Option<Option<Language>>,
    /// Detected from the lines kept (the longest of them are the article) when first needed,
    /// and again when a phase starts on lines that would make another sample.
    language: Option<Option<Language>>,
    /// A phase started since `language` was detected: it holds only if the sample is the same.
    phase_started: bool,
    /// How many lines were kept when the sample was taken.
    sampled_from: usize,
    /// The lines of the sample taken last, in line order, with their word counts until shapes
    /// take them (shaping counts the same words).
    sampled: Vec<(usize, Option<language::WordCounts>)>,
    /// The lines kept at the start of the last round. Listed as `u32`, half the memory of
    /// `usize` on a huge document: a line takes at least two bytes, so a document of at most
    /// the 4095 MiB the CLI admits has fewer than `u32::MAX` lines.
    alive: Vec<u32>,
    scratch: String,
    /// Beside `shapes`, each line's statistics for its feature row (only when rows are made).
    stats: Vec<LineStats>,
    /// The rows of every round, with their lines, when asked for (`thresh train`).
    recorded: Option<Vec<(u32, Row)>>,
    /// Rounds read the rules' evidence (chrome and markers before a line); see
    /// [`Judgement::forget_evidence`].
    with_evidence: bool,
    /// Some round read evidence of the rules (a line dropped as chrome or as a marker before
    /// a kept line, or a teaser).
    saw_evidence: bool,
    /// The line model's dial for this document (see [`CLEAN_TEXT_DIAL_SHARE`]).
    dial: f64,
    /// Where the rules' marks say comments are: see [`comment_thread`].
    comment_marks: CommentMarks,
}

/// The lines the rules marked where comments are (`action = "mark"`), each list in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct CommentMarks {
    /// Headers of comments (`role = "comment-header"`).
    pub(crate) headers: Vec<u32>,
    /// Lines that open the comments (`role = "comment-start"`).
    pub(crate) starts: Vec<u32>,
}

impl CommentMarks {
    /// The marks of the live `hits` (sorted by line), by the rules' `roles`.
    pub(crate) fn of(hits: &[crate::types::Hit], roles: &[DropRole]) -> Self {
        let marked = |role: fn(&DropRole) -> bool| {
            let mut lines: Vec<u32> = hits
                .iter()
                .filter(|h| h.veto.is_none() && role(&roles[h.rule as usize]))
                .map(|h| h.line)
                .collect();
            lines.dedup();
            lines
        };
        CommentMarks { headers: marked(|r| r.comment_header), starts: marked(|r| r.comment_start) }
    }
}

impl<'a> Judgement<'a> {
    /// The judgement of `doc`, or `None` when the heuristics are switched off. `folded` holds
    /// folded lines of `doc` (all of them, unless the document is huge); the others are folded
    /// when needed. `rules_dropped` tells whether the rules dropped any line of it;
    /// `comment_marks` where the rules' marks say comments are.
    pub(crate) fn new(
        rules: JudgementRules<'a>,
        doc: &'a Document,
        folded: &'a crate::features::FoldedLines,
        rules_dropped: bool,
        comment_marks: CommentMarks,
    ) -> Option<Self> {
        if !rules.config.enabled || rules.heuristics.iter().all(Option::is_none) {
            return None;
        }
        assert!(doc.len() < u32::MAX as usize, "a document of 4 G lines or more is beyond the heuristics");
        Some(Judgement {
            rules,
            doc,
            folded,
            shapes: vec![None; doc.len()],
            shaped_in: None,
            language: None,
            phase_started: false,
            sampled_from: 0,
            sampled: Vec::new(),
            alive: Vec::new(),
            scratch: String::new(),
            stats: if rules.model.is_some() { vec![LineStats::default(); doc.len()] } else { Vec::new() },
            recorded: None,
            with_evidence: true,
            saw_evidence: false,
            dial: rules.config.min_article_probability
                * if rules_dropped { 1.0 } else { CLEAN_TEXT_DIAL_SHARE },
            comment_marks,
        })
    }

    /// From now on, judges without the rules' evidence, as cleaning the output will (where
    /// the lines the rules dropped are gone): the engine's last phases, so that the output is
    /// a fixed point. The line model reads the rounds' verdicts, which that evidence can
    /// change in either direction (a chrome line splits the page and moves the main stretch
    /// elsewhere). True when some round read evidence, so that judging without it could
    /// change something.
    pub(crate) fn forget_evidence(&mut self) -> bool {
        self.with_evidence = false;
        self.saw_evidence
    }

    /// The probability of article text below which the line model drops a line of this
    /// document (the article's own lines: a third of it).
    pub(crate) fn dial(&self) -> f64 {
        self.dial
    }

    /// Records the feature row of every line judged in every round from now on (see
    /// [`Judgement::take_recorded`]).
    pub(crate) fn record_rows(&mut self) {
        self.recorded = Some(Vec::new());
        self.stats = vec![LineStats::default(); self.doc.len()];
    }

    /// The rows recorded, in the order they were judged, with the line of each.
    pub(crate) fn take_recorded(&mut self) -> Vec<(u32, Row)> {
        self.recorded.take().unwrap_or_default()
    }

    /// Starts a phase: unless the lines kept now would make the same sample, the language is
    /// detected again from them (and the lines shaped again if it is another).
    pub(crate) fn start_phase(&mut self) {
        self.phase_started = true;
    }

    /// The language sample of the lines kept, remembering which lines it took.
    fn sample(&mut self) -> language::Sample {
        let (doc, folded, alive) = (self.doc, self.folded, &self.alive);
        let sample = Language::sample(lines_of(alive).map(|i| (doc.line_text(i), folded.held(i))));
        self.sampled = sample.lines().iter().map(|&(k, counts)| (alive[k] as usize, counts)).collect();
        self.sampled.sort_unstable_by_key(|&(line, _)| line);
        self.sampled_from = alive.len();
        sample
    }

    /// True when the lines kept now would make the sample taken last: the sample is a prefix
    /// of the kept lines (the long ones, then the short ones, in order), and verdicts only
    /// ever turn from keep to drop (the rounds drop; the rules' scopes, settled again between
    /// phases, take earlier drops as given), so it is the same while all its lines are kept.
    fn same_sample(&self, verdicts: &[Verdict]) -> bool {
        debug_assert!(verdicts.iter().filter(|v| v.is_keep()).count() <= self.sampled_from);
        self.sampled.iter().all(|&(line, _)| verdicts[line].is_keep())
    }

    /// One round over the lines `verdicts` still keeps, dropping what it judges to be
    /// boilerplate.
    pub(crate) fn round(&mut self, verdicts: &mut [Verdict]) -> Round {
        let (rules, doc, folded) = (self.rules, self.doc, self.folded);
        let cfg = rules.config;
        self.alive.clear();
        self.alive.extend((0..doc.len()).filter(|&i| verdicts[i].is_keep()).map(|i| i as u32));
        if self.alive.is_empty() {
            return Round::Idle;
        }
        if std::mem::take(&mut self.phase_started) && self.language.is_some() && !self.same_sample(verdicts) {
            self.language = None;
        }
        let detected = match self.language {
            Some(language) => language,
            None => {
                let language = Language::detect_sample(&self.sample());
                *self.language.insert(language)
            }
        };
        if self.shaped_in != Some(detected) {
            self.shapes.fill(None);
            self.shaped_in = Some(detected);
        }
        let stopwords = detected.map(Language::stopwords);
        let make_rows = !self.stats.is_empty();
        let dial = self.dial;
        let Judgement {
            shapes,
            sampled,
            alive,
            scratch,
            stats,
            recorded,
            with_evidence,
            saw_evidence,
            comment_marks,
            ..
        } = self;
        let alive: &[u32] = alive;
        let mut counted = sampled.iter_mut().peekable();
        for i in lines_of(alive) {
            while counted.next_if(|(line, _)| *line < i).is_some() {}
            let counts = counted.next_if(|(line, _)| *line == i).and_then(|(_, counts)| counts.take());
            shapes[i].get_or_insert_with(|| {
                let line = doc.line_text(i);
                // One pass over the words counts the stopwords of every core language, and one
                // more those of the document's language when it is another (of the folded line:
                // held, unless the document is huge, or else folded again).
                let features = LineFeatures::of(line, detected, counts, folded.held(i), || {
                    folded.folded_line(doc, i, scratch)
                });
                if make_rows {
                    let text = line.trim();
                    stats[i] = LineStats::of(text, &features, detected, shape::ends_with_sentence_mark(text));
                }
                shape(line, &features, detected, &cfg)
            });
        }
        let mut classes = RoundShapes::new(shapes, alive);
        if !classes.any_good() {
            // An article of short paragraphs (wire copy) has no line long enough to be good on
            // its own: its near-good sentences anchor it instead.
            for k in 0..classes.len() {
                let shape = classes.get(k);
                if shape.class == Class::NearGood && shape.has(Mark::Sentence) {
                    classes.classes[k] = Class::Good;
                }
            }
        } else {
            promote_sentence_runs(&mut classes);
        }
        if !classes.any_good() {
            return Round::Idle;
        }
        // The rules' evidence around each line: the lines they dropped as chrome or as markers.
        // Once the engine asks to judge without it (see `Judgement::forget_evidence`), a
        // round sees the lines as cleaning its output will.
        let (teaser_markers, boundaries, dropped_before, teasers) = if *with_evidence {
            let evidence = (
                marked_by(|r| r.teaser_marker, &rules, verdicts, alive),
                marked_by(|r| r.comment_boundary, &rules, verdicts, alive),
                dropped_before(&rules, verdicts, alive),
                unrelated_teasers(&rules, doc, folded, verdicts, alive, &classes, stopwords),
            );
            *saw_evidence |= evidence.0.contains(&true)
                || evidence.1.contains(&true)
                || evidence.2.iter().any(|&n| n > 0)
                || evidence.3.contains(&true);
            evidence
        } else {
            let none = vec![false; alive.len()];
            (none.clone(), none.clone(), vec![0; alive.len()], none)
        };
        let judged = revise(&classes, &teaser_markers, &cfg);
        let keep = main_stretches(&judged, &classes, &boundaries, &dropped_before, &cfg);
        // The guard on the model's verdicts that drops a line the model keeps
        // (`heuristics/footer-island`, `heuristics/comment-thread`).
        let mut guarded: Vec<Option<Heuristic>> = vec![None; alive.len()];
        let model_keeps: Option<Vec<bool>> = if make_rows {
            let facts = RoundFacts {
                shapes: &classes,
                stats,
                alive,
                judged: &judged,
                in_main: &keep,
                teasers: &teasers,
                comment_boundaries: &boundaries,
                chrome_before: &dropped_before,
                language_known: stopwords.is_some(),
            };
            let context = facts.context();
            if let Some(recorded) = recorded {
                recorded.extend(alive.iter().enumerate().map(|(k, &line)| (line, context.row(k))));
            }
            let keeps = rules.model.map(|model| {
                let decide = model.decider(dial);
                // A line of the article as the rounds see it (its lists, tables, subheadings,
                // a list it introduces with a colon, its headline) goes only when the model is
                // three times as sure: losing a row of a table is worse than keeping a line of
                // chrome.
                let protected = model.decider(dial / ARTICLE_MARGIN);
                let mut keeps: Vec<bool> = (0..alive.len())
                    .map(|k| {
                        if context.in_article(k) { &protected } else { &decide }
                            .keeps_padded(&context.padded_row(k))
                    })
                    .collect();
                // A footer has no islands (see `RowContext::footer_islands`).
                if rules.heuristics[Heuristic::FooterIsland.index()].is_some() {
                    for k in context.footer_islands(&keeps) {
                        keeps[k] = false;
                        guarded[k] = Some(Heuristic::FooterIsland);
                    }
                }
                // The lines of one sentence cut apart (by a page's links), and the rows of one
                // table (Markdown, or cells between tabs), share their fate: kept when any of
                // them is.
                let mut start = 0;
                while start < keeps.len() {
                    let end =
                        (start + 1..keeps.len()).find(|&k| !context.continues_unit(k)).unwrap_or(keeps.len());
                    if end - start > 1 && keeps[start..end].contains(&true) {
                        keeps[start..end].iter_mut().for_each(|keep| *keep = true);
                    }
                    start = end;
                }
                // A list's heading stays with its list: a line of the article right above two
                // kept lines of a list, a table or a schedule ("2.4.0 (12 March 2024)" above
                // "Added: …", "Fixed: …").
                for k in 0..keeps.len().saturating_sub(2) {
                    if !keeps[k]
                        && keeps[k + 1..k + 3] == [true, true]
                        && context.structured(k + 1)
                        && context.structured(k + 2)
                        && context.in_article(k)
                    {
                        keeps[k] = true;
                    }
                }
                // A list has no holes: the items of a list introduced by a colon between two
                // that stay (or its colon line and an item) stay.
                let mut start = 0;
                while start < keeps.len() {
                    if !context.after_colon(start) {
                        start += 1;
                        continue;
                    }
                    let end = (start..keeps.len()).find(|&k| !context.after_colon(k)).unwrap_or(keeps.len());
                    let first = start.saturating_sub(1);
                    let mut kept = (first..end).filter(|&k| keeps[k]);
                    if let (Some(a), Some(b)) = (kept.next(), kept.next_back()) {
                        keeps[a..=b].iter_mut().for_each(|keep| *keep = true);
                    }
                    start = end;
                }
                // The comments under the article go, whatever the model makes of them: it
                // reads a comment's prose as article text. Evidence of the rules, like the
                // teaser markers: not read once the engine judges without it.
                if *with_evidence && rules.heuristics[Heuristic::CommentThread.index()].is_some() {
                    if let Some(start) =
                        comment_thread(comment_marks, alive, &classes.classes, &judged, &keep)
                    {
                        *saw_evidence = true;
                        for (keep, why) in keeps[start..].iter_mut().zip(&mut guarded[start..]) {
                            if std::mem::take(keep) {
                                *why = Some(Heuristic::CommentThread);
                            }
                        }
                    }
                }
                keeps
            });
            // A model that would keep nothing has no article to go by: the rounds decide.
            keeps.filter(|keeps| keeps.contains(&true))
        } else {
            None
        };
        let mut dropped_now = false;
        for (k, i) in lines_of(alive).enumerate() {
            if matches!(verdicts[i], Verdict::Keep(KeepReason::Exception { .. })) {
                continue;
            }
            let heuristic = match (judged[k], keep[k]) {
                (Judged::Good, true) if teasers[k] => Some(Heuristic::UnrelatedTeaser),
                (Judged::Good, true) => None,
                (Judged::Good, false) => Some(Heuristic::OutsideMainText),
                (Judged::Bad(why), _) => Some(why),
            };
            let why = match &model_keeps {
                Some(keeps) if keeps[k] => continue,
                // The guard that dropped it, or what the rounds say when they agree.
                Some(_) => guarded[k].or(heuristic).unwrap_or(Heuristic::LineModel),
                None => match heuristic {
                    Some(why) => why,
                    None => continue,
                },
            };
            if let Some(rule) = rules.heuristics[why.index()] {
                verdicts[i] = Verdict::Drop(DropReason { rule, cause: DropCause::Heuristic });
                dropped_now = true;
            }
        }
        if dropped_now {
            Round::Dropped
        } else {
            Round::Settled
        }
    }

    /// After a settled round: if the lines kept now read as another language than the one
    /// they were judged in, takes that one, so that the next round shapes and judges them in
    /// it (cleaning the output must find nothing more to do, and it would detect that one);
    /// true when so.
    pub(crate) fn relabel(&mut self, verdicts: &[Verdict]) -> bool {
        let detected = self.language.flatten();
        // Usually the article's long lines, still all kept: the sample would be the same (its
        // lines are the first long lines, then short ones, that are kept), no need to ask.
        let same_sample = self.same_sample(verdicts);
        let now = if same_sample { detected } else { Language::detect_sample(&self.sample()) };
        if now == detected {
            return false;
        }
        self.language = Some(now);
        true
    }
}

/// Where the comments under the article start, among the kept lines `alive`, from the rules'
/// marks; `classes` are the lines' classes this round, `judged` the rounds' verdicts and
/// `in_main` the article's main stretch.
///
/// - A line opening the comments (a `comment-start` mark) starts them when it follows the
///   article's first paragraph: a line of the main stretch that is prose on its own (class
///   good). A line kept only by its neighbours, as a headline is, does not count: "12 Comments
///   Leave a comment" under a headline, above the article, starts nothing.
/// - A comment's header (a `comment-header` mark) starts them when it follows the first line
///   the rounds keep as good in the main stretch (a thread of comments can outweigh a short
///   story, and its stretch be the main one) and a line kept as good after an earlier header
///   (a comment's text, however short), and another header follows it (a thread is more than
///   one comment). The first header is never the start: an article's byline can be shaped
///   like a comment's header ("Posted by jdoe on Monday July 23, @08:24PM" above the story,
///   "by anon (1234) on Monday July 23, @08:25PM" above each comment), and where it is a
///   comment's, the thread loses one comment. The rule's `min_lines` keeps a page's one or
///   two bylines from marking anything at all.
///
/// The earlier of the two, if any.
fn comment_thread(
    marks: &CommentMarks,
    alive: &[u32],
    classes: &[Class],
    judged: &[Judged],
    in_main: &[bool],
) -> Option<usize> {
    if marks.starts.is_empty() && marks.headers.len() < 3 {
        return None;
    }
    let first_in_main = |good: &dyn Fn(usize) -> bool| (0..alive.len()).find(|&k| in_main[k] && good(k));
    let opened = first_in_main(&|k| classes[k] == Class::Good)
        .and_then(|paragraph| marked(&marks.starts, alive).find(|&k| k > paragraph));
    let by_headers = first_in_main(&|k| judged[k] == Judged::Good).and_then(|kept| {
        let mut headers = marked(&marks.headers, alive);
        let first = headers.next()?;
        let comment = (first + 1..alive.len()).find(|&k| judged[k] == Judged::Good)?;
        let start = headers.find(|&k| k > kept && k > comment)?;
        headers.next().map(|_| start)
    });
    opened.into_iter().chain(by_headers).min()
}

/// The kept lines (positions in `alive`) that are among `lines` (in order).
fn marked<'a>(lines: &'a [u32], alive: &'a [u32]) -> impl Iterator<Item = usize> + 'a {
    (0..alive.len()).filter(move |&k| lines.binary_search(&alive[k]).is_ok())
}

/// For each kept line, the dropped lines right before it (since the previous kept line).
fn gaps(alive: &[u32]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let start = |k: usize| if k == 0 { 0 } else { alive[k - 1] as usize + 1 };
    lines_of(alive).enumerate().map(move |(k, line)| start(k)..line)
}

/// The kept lines as indices.
fn lines_of(alive: &[u32]) -> impl Iterator<Item = usize> + Clone + '_ {
    alive.iter().map(|&line| line as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_thread_starts_at_a_header_after_the_article_and_a_comment() {
        const G: Class = Class::Good;
        const B: Class = Class::Short;
        // The rounds keep what is good, and the headline above the article.
        let judged = |classes: &[Class]| -> Vec<Judged> {
            classes
                .iter()
                .enumerate()
                .map(|(k, &c)| if c == G || k == 0 { Judged::Good } else { Judged::Bad(Heuristic::NotProse) })
                .collect()
        };
        // Kept lines 0..9 are document lines 10..19: a headline (10), a byline (11) shaped
        // like a comment's header, the article (12, 13), then three comments (14, 16, 18),
        // each with its text.
        let alive: Vec<u32> = (10..20).collect();
        let classes = [B, B, G, G, B, G, B, G, B, G];
        let in_main = [false, true, true, true, true, true, true, true, true, true];
        let headers = |lines: &[u32]| CommentMarks { headers: lines.to_vec(), starts: Vec::new() };
        assert_eq!(
            comment_thread(&headers(&[11, 14, 16, 18]), &alive, &classes, &judged(&classes), &in_main),
            Some(4)
        );
        // The first header is never the start, even after the article: its first comment stays.
        assert_eq!(
            comment_thread(&headers(&[14, 16, 18]), &alive, &classes, &judged(&classes), &in_main),
            Some(6)
        );
        // Another header must follow the start: one comment is no thread.
        assert_eq!(comment_thread(&headers(&[11, 14]), &alive, &classes, &judged(&classes), &in_main), None);
        assert_eq!(
            comment_thread(&headers(&[11, 14, 15]), &alive, &classes, &judged(&classes), &in_main),
            Some(4)
        );
        // No good line of the main stretch to anchor the article on: nothing is cut.
        assert_eq!(
            comment_thread(&headers(&[11, 14, 16, 18]), &alive, &classes, &judged(&classes), &[false; 10]),
            None
        );
        // Headers that are no longer kept do not count.
        assert_eq!(comment_thread(&headers(&[1, 2, 3]), &alive, &classes, &judged(&classes), &in_main), None);
        // A line opening the comments starts them on its own, once past the article's first
        // paragraph; above it (a count and a prompt under the headline), nothing.
        let starts = |lines: &[u32]| CommentMarks { headers: Vec::new(), starts: lines.to_vec() };
        assert_eq!(
            comment_thread(&starts(&[11, 15]), &alive, &classes, &judged(&classes), &in_main),
            Some(5)
        );
        assert_eq!(comment_thread(&starts(&[11]), &alive, &classes, &judged(&classes), &in_main), None);
        // The headline is in the main stretch but no paragraph: not what the article's start is
        // read from, though the rounds may keep it as good.
        let in_main_from_headline = [true; 10];
        assert_eq!(
            comment_thread(&starts(&[11]), &alive, &classes, &judged(&classes), &in_main_from_headline),
            None
        );
        // Whichever comes first.
        let both = CommentMarks { headers: vec![11, 14, 16, 18], starts: vec![17] };
        assert_eq!(comment_thread(&both, &alive, &classes, &judged(&classes), &in_main), Some(4));
        let both = CommentMarks { headers: vec![14, 16, 18], starts: vec![15] };
        assert_eq!(comment_thread(&both, &alive, &classes, &judged(&classes), &in_main), Some(5));
    }
}
