//! The article's main stretch: prose lines joined across short gaps of boilerplate form
//! stretches; the first large one is the article, and what it is cut off from goes. Also the
//! per-line marks of the rules' drops the stretches read (comment boundaries, chrome before a
//! line).

use super::context::{Judged, RoundShapes};
use super::shape::{Class, Mark};
use super::{gaps, HeuristicsConfig, JudgementRules};
use crate::types::{DropCause, DropRole, Verdict};

/// Which lines lie in the article's main stretch. Prose lines (good on their own shape) joined
/// across gaps of at most `max_gap_lines` other lines form stretches; the first stretch with
/// `min_main_chars` of prose (else the largest) is the article, together with the good short
/// lines right before and after it (headline, byline, closing line). Short lines kept by
/// context do not join stretches: a comment section is full of them.
pub(super) fn main_stretches(
    judged: &[Judged],
    shapes: &RoundShapes,
    boundaries: &[bool],
    dropped_before: &[u8],
    cfg: &HeuristicsConfig,
) -> Vec<bool> {
    let is_prose =
        |k: usize| judged[k] == Judged::Good && matches!(shapes.get(k).class, Class::Good | Class::NearGood);
    // (first, last, prose chars)
    let mut stretches: Vec<(usize, usize, usize)> = Vec::new();
    // Lines since the last prose line, and how many of them are clear boilerplate (dropped by a
    // rule, or bad by their own shape). A gap of nothing but short lines is a list inside the
    // article, however long.
    let (mut gap, mut strong, mut nav) = (0, 0, 0);
    for k in 0..judged.len() {
        strong += dropped_before[k] as usize;
        if !is_prose(k) {
            gap += 1;
            strong += usize::from(shapes.get(k).class == Class::Bad);
            nav += usize::from(shapes.get(k).has(Mark::NavLike) && judged[k] != Judged::Good);
            continue;
        }
        // A long run of menu-like lines is navigation even when no rule named it.
        // A list inside an article rarely runs past three times the gap limit; a block of
        // teaser headlines often does.
        let gap_is_weak = (gap <= cfg.max_gap_lines && strong < 3)
            || (strong == 0 && nav <= cfg.max_gap_lines && gap <= 3 * cfg.max_gap_lines);
        let crosses_boundary =
            stretches.last().is_some_and(|last| boundaries[last.1 + 1..=k].iter().any(|b| *b));
        match stretches.last_mut() {
            Some(last) if gap_is_weak && !crosses_boundary => {
                last.1 = k;
                last.2 += shapes.get(k).chars as usize;
            }
            _ => stretches.push((k, k, shapes.get(k).chars as usize)),
        }
        (gap, strong, nav) = (0, 0, 0);
    }
    let main =
        stretches.iter().find(|s| s.2 >= cfg.min_main_chars).or_else(|| stretches.iter().max_by_key(|s| s.2));
    let mut keep = vec![false; judged.len()];
    // Smaller stretches just before the article (an intro, a standfirst) belong to it.
    let main = main.map(|&(first, last, chars)| {
        let start = first;
        let mut first = first;
        for s in stretches.iter().rev().filter(|s| s.1 < start) {
            if first - s.1 > 2 * cfg.max_gap_lines {
                break;
            }
            first = s.0;
        }
        (first, last, chars)
    });
    // Later stretches of substantial prose continue the article (it was interrupted by an ad
    // block or an inline teaser), until a comment section starts.
    let main_end = main.map(|(_, last, _)| last);
    if let Some(main_end) = main_end {
        // Comment boundaries are few: "is there one between" is a binary search in their list,
        // however many short stretches follow the article.
        let boundary_lines: Vec<usize> = (0..boundaries.len()).filter(|&k| boundaries[k]).collect();
        let boundaries_through = |k: usize| boundary_lines.partition_point(|&b| b <= k);
        let mut previous_end = main_end;
        for &(first, last, chars) in stretches.iter().filter(|s| s.0 > main_end) {
            if boundaries_through(first) > boundaries_through(previous_end) {
                break;
            }
            if chars >= 3 * cfg.min_main_chars {
                keep[first..=last].iter_mut().for_each(|k| *k = true);
                previous_end = last;
            }
        }
    }
    if let Some((mut first, mut last, _)) = main {
        // Headline and byline before, a closing short line after: short lines kept by context,
        // never prose of another stretch, never across a comment marker.
        let short_good = |k: usize| judged[k] == Judged::Good && !is_prose(k);
        while first > 0 && short_good(first - 1) && !boundaries[first] {
            first -= 1;
        }
        while last + 1 < judged.len() && short_good(last + 1) && !boundaries[last + 1] {
            last += 1;
        }
        keep[first..=last].iter_mut().for_each(|k| *k = true);
    }
    keep
}

/// For each kept line, how many lines dropped by rules as chrome stand right before it (not by
/// an earlier round of heuristics). Repeated lines and teaser boxes do not count: both stand
/// inside articles too (a gallery's captions, a "Related" box between two paragraphs).
/// Saturates at `u8::MAX`: only small counts matter (see `main_stretches`), and a byte per kept
/// line is a quarter of a `u32`'s memory on a huge document.
pub(super) fn dropped_before(rules: &JudgementRules<'_>, verdicts: &[Verdict], alive: &[u32]) -> Vec<u8> {
    let is_chrome = |line: usize| match &verdicts[line] {
        Verdict::Drop(r) => {
            let role = rules.role(r.rule);
            r.cause != DropCause::Heuristic && !role.repeat && !role.teaser_marker
        }
        Verdict::Keep(_) => false,
    };
    gaps(alive).map(|gap| gap.filter(|&l| is_chrome(l)).take(u8::MAX.into()).count() as u8).collect()
}

/// For each kept line, whether a line dropped by a rule of the role `has` picks stands right
/// before it: a comment boundary (comments follow the article, so a stretch never continues
/// across one) or a teaser marker ("Related": what follows lists other articles).
pub(super) fn marked_by(
    has: impl Fn(DropRole) -> bool,
    rules: &JudgementRules<'_>,
    verdicts: &[Verdict],
    alive: &[u32],
) -> Vec<bool> {
    let is_marker = |line: usize| match &verdicts[line] {
        Verdict::Drop(reason) => has(rules.role(reason.rule)),
        Verdict::Keep(_) => false,
    };
    gaps(alive).map(|mut gap| gap.any(is_marker)).collect()
}
