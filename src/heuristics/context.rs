//! Context, jusText's revision: short and near-good lines take their class from their
//! neighbours; headings before prose, list introductions and continued sentences stay.

use super::shape::{Class, Mark, Shape};
use super::HeuristicsConfig;
use crate::types::Heuristic;

/// Consecutive sentences that make a run of prose even when each is short.
pub(super) const SENTENCE_RUN: usize = 3;

/// A run of [`SENTENCE_RUN`] or more consecutive sentences is article text written in short
/// paragraphs (wire copy), even when some longer line elsewhere on the page is good: its
/// near-good lines become good, so that they anchor each other.
pub(super) fn promote_sentence_runs(shapes: &mut RoundShapes) {
    let in_run = |s: Shape| s.has(Mark::Sentence) && matches!(s.class, Class::Good | Class::NearGood);
    let mut start = 0;
    while start < shapes.len() {
        if !in_run(shapes.get(start)) {
            start += 1;
            continue;
        }
        let end = (start..shapes.len()).find(|&k| !in_run(shapes.get(k))).unwrap_or(shapes.len());
        if end - start >= SENTENCE_RUN {
            shapes.classes[start..end].iter_mut().for_each(|c| *c = Class::Good);
        }
        start = end;
    }
}

/// The shapes of the lines kept in a round, `k` for the `k`-th of them: the cached shape of
/// each, with the class the round gives it (near-good sentences can be promoted). A byte per
/// line beside the cache, where a copy of the shapes took eight.
pub(super) struct RoundShapes<'a> {
    pub(super) cache: &'a [Option<Shape>],
    pub(super) alive: &'a [u32],
    pub(super) classes: Vec<Class>,
}

impl<'a> RoundShapes<'a> {
    /// Every line of `alive` must have its shape in `cache`.
    pub(super) fn new(cache: &'a [Option<Shape>], alive: &'a [u32]) -> Self {
        let mut shapes = RoundShapes { cache, alive, classes: Vec::new() };
        shapes.classes = (0..alive.len()).map(|k| shapes.cached(k).class).collect();
        shapes
    }

    pub(super) fn cached(&self, k: usize) -> Shape {
        self.cache[self.alive[k] as usize].expect("kept lines are shaped before a round")
    }

    pub(super) fn get(&self, k: usize) -> Shape {
        Shape { class: self.classes[k], ..self.cached(k) }
    }

    pub(super) fn len(&self) -> usize {
        self.alive.len()
    }

    pub(super) fn any_good(&self) -> bool {
        self.classes.contains(&Class::Good)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Judged {
    Good,
    Bad(Heuristic),
}

/// jusText's context revision: short and near-good lines take their class from neighbours.
/// A line does not look back across a `barrier` (a teaser marker stands right before it): the
/// headlines under "Related" are not rescued by the article above. Lines before the marker
/// still look past it, so that cleaning the output again (without the marker) changes nothing.
pub(super) fn revise(shapes: &RoundShapes, barriers: &[bool], cfg: &HeuristicsConfig) -> Vec<Judged> {
    let n = shapes.len();
    // A counter (a date, a version, a score) is weak evidence: its neighbours look past it, as
    // past a short line, so the dates and version numbers of a changelog or a results table do
    // not cut the article around them.
    let mut class: Vec<Class> = (0..n)
        .map(|k| match shapes.get(k) {
            Shape { class: Class::Bad, why: Heuristic::Counter, .. } => Class::Short,
            shape => shape.class,
        })
        .collect();
    // Rescues are anchored in prose by its own shape, never in another rescued line: a chain
    // of "headings" would climb a whole menu.
    let prose = |j: usize| matches!(shapes.get(j).class, Class::Good | Class::NearGood);
    let good_follows = |i: usize, class: &[Class]| {
        let mut distance = 0;
        let reach = n.min(i + 1 + cfg.max_edge_lines);
        for (j, &c) in class.iter().enumerate().take(reach).skip(i + 1) {
            if c == Class::Good && prose(j) {
                return true;
            }
            distance += shapes.get(j).chars as usize;
            if distance > cfg.max_heading_distance {
                return false;
            }
        }
        false
    };
    for i in 0..n {
        if shapes.get(i).has(Mark::Heading) && class[i] == Class::Short && good_follows(i, &class) {
            class[i] = Class::NearGood;
        }
    }
    let found = |j: Option<usize>| j.map(|j| (class[j], j));
    let class_of = |found: Option<(Class, usize)>| found.map_or(Class::Bad, |(c, _)| c);
    // Characters between line i and line j (exclusive of both), from prefix sums.
    // u32 like the lengths: a length is at most the line's bytes, so their sum fits a document
    // (`segment::MAX_DOCUMENT_BYTES`).
    let chars_before: Vec<u32> = std::iter::once(0)
        .chain((0..n).scan(0, |total, k| {
            *total += shapes.get(k).chars;
            Some(*total)
        }))
        .collect();
    let gap = |i: usize, j: usize| (chars_before[i.max(j)] - chars_before[i.min(j) + 1]) as usize;
    // At an edge, a short line close to prose (good or near-good) is its headline, kicker or
    // last sentence; a long run of short lines there is navigation.
    let near_prose_at_edge = |i: usize, around: [Option<usize>; 2]| {
        around.into_iter().any(|j| match found(j) {
            Some((Class::Good | Class::NearGood, j)) if prose(j) => {
                gap(i, j) + shapes.get(i).chars as usize <= cfg.max_heading_distance
                    && i.abs_diff(j) <= cfg.max_edge_lines
            }
            _ => false,
        })
    };
    let mut revised = class.clone();
    // Nearest neighbours that are good or bad, skipping short lines (`any`) and near-good
    // ones too (`firm`). Short and near-good lines are revised by `class` alone, so one
    // forward pass serves both.
    let (mut any, mut firm) =
        (NearestStops::new(&class, barriers, false), NearestStops::new(&class, barriers, true));
    for i in 0..n {
        match class[i] {
            Class::Short => {
                let [any_prev, any_next] = any.around(i);
                let [prev, next] = firm.around(i).map(found);
                let counter = shapes.get(i).class == Class::Bad;
                // A counter stays only inside the article, among the short lines of a list or a
                // table (a version above its changes), never alone between two paragraphs (a
                // comment's date) or at the article's edge ("12 comments").
                let listed = || {
                    [i.checked_sub(1), Some(i + 1)]
                        .into_iter()
                        .flatten()
                        .any(|j| j < n && shapes.get(j).class == Class::Short)
                };
                revised[i] = match (prev, next) {
                    _ if counter && !listed() => Class::Bad,
                    (Some((Class::Good, _)), Some((Class::Good, _))) => Class::Good,
                    _ if counter => Class::Bad,
                    (None, Some((Class::Good, _))) | (Some((Class::Good, _)), None)
                        if near_prose_at_edge(i, [any_prev, any_next]) =>
                    {
                        Class::Good
                    }
                    _ if (class_of(prev) == Class::Bad && class_of(found(any_prev)) == Class::NearGood)
                        || (class_of(next) == Class::Bad && class_of(found(any_next)) == Class::NearGood) =>
                    {
                        Class::Good
                    }
                    _ => Class::Bad,
                };
            }
            Class::NearGood => {
                let [prev, next] = firm.around(i).map(found);
                let both_bad = class_of(prev) == Class::Bad && class_of(next) == Class::Bad;
                revised[i] = if both_bad { Class::Bad } else { Class::Good };
            }
            Class::Good | Class::Bad => {}
        }
    }
    // A heading whose own shape was not bad, followed by good text, is kept.
    for i in 0..n {
        if shapes.get(i).has(Mark::Heading)
            && revised[i] == Class::Bad
            && shapes.get(i).class != Class::Bad
            && good_follows(i, &revised)
        {
            revised[i] = Class::Good;
        }
    }
    // A line ending with a colon right after good text introduces a list: the short lines
    // that follow belong to the article however many they are.
    let mut listed_until = 0; // Lines before this are already in a list: no rescan.
    for i in 0..n {
        let follows_good = i > 0 && revised[i - 1] == Class::Good;
        if !shapes.get(i).has(Mark::Colon) || !(revised[i] == Class::Good || follows_good) {
            continue;
        }
        revised[i] = Class::Good;
        let mut j = listed_until.max(i + 1);
        while j < n && class[j] == Class::Short {
            revised[j] = Class::Good;
            j += 1;
        }
        listed_until = j;
    }
    // A line after one ending with a comma or semicolon continues its sentence (a list written
    // across lines): it shares the kept line's fate, and so does the rest of the sentence.
    for i in 1..n {
        if class[i] == Class::Short && revised[i - 1] == Class::Good && shapes.get(i - 1).has(Mark::Continues)
        {
            revised[i] = Class::Good;
        }
    }
    (0..n)
        .map(|i| match revised[i] {
            Class::Good => Judged::Good,
            _ => Judged::Bad(match shapes.get(i).class {
                Class::Short => match shapes.get(i).why {
                    Heuristic::Counter => Heuristic::Counter,
                    _ => Heuristic::ShortInBoilerplate,
                },
                Class::NearGood => Heuristic::NearBoilerplate,
                _ => shapes.get(i).why,
            }),
        })
        .collect()
}

/// The nearest lines before and after a line that are good or bad (skipping short lines and,
/// if asked, near-good ones), or `None` at the document's edge; looking back stops at a
/// barrier (see [`revise`]). Asked for lines in increasing order, it walks the document once
/// with two cursors, so long runs of short lines (a huge menu, a list) cost linear time and
/// no table per line.
pub(super) struct NearestStops<'a> {
    pub(super) class: &'a [Class],
    pub(super) barriers: &'a [bool],
    pub(super) skip_near_good: bool,
    /// Lines before `scanned` have been looked at for `last`.
    pub(super) scanned: usize,
    /// The last stop before `scanned`, unless a barrier came after it.
    pub(super) last: Option<usize>,
    /// The first stop after the line last asked about (or the document's length).
    pub(super) next: usize,
}

impl<'a> NearestStops<'a> {
    pub(super) fn new(class: &'a [Class], barriers: &'a [bool], skip_near_good: bool) -> Self {
        NearestStops { class, barriers, skip_near_good, scanned: 0, last: None, next: 0 }
    }

    pub(super) fn stops_at(&self, j: usize) -> bool {
        let c = self.class[j];
        !(c == Class::Short || (self.skip_near_good && c == Class::NearGood))
    }

    /// `[before, after]` for line `i`, which is no lower than any line asked about before.
    pub(super) fn around(&mut self, i: usize) -> [Option<usize>; 2] {
        while self.scanned < i {
            let j = self.scanned;
            if self.barriers[j] {
                self.last = None;
            }
            if self.stops_at(j) {
                self.last = Some(j);
            }
            self.scanned += 1;
        }
        let before = if self.barriers[i] { None } else { self.last };
        self.next = self.next.max(i + 1);
        while self.next < self.class.len() && !self.stops_at(self.next) {
            self.next += 1;
        }
        [before, (self.next < self.class.len()).then_some(self.next)]
    }
}
