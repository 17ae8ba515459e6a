//! Growing a [`LineModel`]: gradient boosting of depth-limited trees on the logistic loss,
//! with feature values cut into at most 255 bins (XGBoost's "hist" method, Chen & Guestrin
//! 2016) and monotone constraints on features that only ever tell *against* a line when
//! present (a rule dropped the line before it): cleaning a cleaned text, where that evidence
//! is gone, can then only raise a line's probability.
//!
//! Deterministic: the same rows in the same order give the same model, byte for byte, however
//! many threads run (each histogram is summed in row order by one thread).

use rayon::prelude::*;

use super::{LineModel, Tree, FORMAT_VERSION};

/// How to grow the trees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainOptions {
    /// Number of trees.
    pub trees: usize,
    /// Depth of each tree (a tree has at most `2^depth` leaves).
    pub depth: usize,
    /// Shrinkage: each tree adds this share of its fitted values.
    pub learning_rate: f32,
    /// A leaf needs at least this much hessian (about `weight / 4` at p = 0.5).
    pub min_child_weight: f64,
    /// L2 regularisation of leaf values.
    pub lambda: f64,
    /// Candidate thresholds per feature (at most 255).
    pub bins: usize,
}

impl Default for TrainOptions {
    /// The settings of the bundled model (`scripts/train-model.sh`): on the dev benchmark 30
    /// trees at 0.4 scored as 60 at 0.25, with half the trees to walk per line.
    fn default() -> Self {
        TrainOptions {
            trees: 30,
            depth: 6,
            learning_rate: 0.4,
            min_child_weight: 0.25,
            lambda: 1.0,
            bins: 255,
        }
    }
}

/// Rows of features with a label and a weight each.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Number of features per row.
    pub width: usize,
    /// The rows, one after another.
    pub values: Vec<f32>,
    /// Is the row's line article text.
    pub labels: Vec<bool>,
    /// How much the row counts.
    pub weights: Vec<f32>,
}

impl Dataset {
    /// An empty dataset of rows `width` wide.
    pub fn new(width: usize) -> Self {
        Dataset { width, ..Dataset::default() }
    }

    /// Adds one row.
    pub fn push(&mut self, row: &[f32], label: bool, weight: f32) {
        assert_eq!(row.len(), self.width, "every row has the same features");
        self.values.extend_from_slice(row);
        self.labels.push(label);
        self.weights.push(weight);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there is no row.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.values[i * self.width..(i + 1) * self.width]
    }

    /// Appends the rows of `other` (of the same width).
    pub fn extend(&mut self, other: &Dataset) {
        assert_eq!(other.width, self.width);
        self.values.extend_from_slice(&other.values);
        self.labels.extend_from_slice(&other.labels);
        self.weights.extend_from_slice(&other.weights);
    }
}

/// Each feature's candidate thresholds, and every row's bin by feature.
struct Binned {
    /// `edges[f][b]`: a value goes left of split `b` when at most this.
    edges: Vec<Vec<f32>>,
    /// `bins[f][i]`: the number of edges of feature `f` below row `i`'s value.
    bins: Vec<Vec<u8>>,
}

impl Binned {
    fn of(data: &Dataset, max_bins: usize) -> Self {
        let max_bins = max_bins.clamp(2, 255);
        let (edges, bins) = (0..data.width)
            .into_par_iter()
            .map(|f| {
                let mut values: Vec<f32> = (0..data.len()).map(|i| data.values[i * data.width + f]).collect();
                let column = values.clone();
                values.sort_by(f32::total_cmp);
                let mut distinct = values.clone();
                distinct.dedup();
                // Candidate splits between distinct values; quantiles of the rows when there are
                // too many (so that a split point never falls inside a run of equal values).
                let edges: Vec<f32> = if distinct.len() <= max_bins {
                    distinct[..distinct.len().saturating_sub(1)].to_vec()
                } else {
                    let mut edges: Vec<f32> =
                        (1..max_bins).map(|q| values[q * values.len() / max_bins]).collect();
                    edges.dedup();
                    if edges.last() == distinct.last() {
                        edges.pop();
                    }
                    edges
                };
                let bins = column.iter().map(|&x| edges.partition_point(|&e| e < x) as u8).collect();
                (edges, bins)
            })
            .unzip();
        Binned { edges, bins }
    }
}

/// The gradient and hessian sums of one bin.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    g: f64,
    h: f64,
}

impl Sums {
    fn add(&mut self, other: Sums) {
        self.g += other.g;
        self.h += other.h;
    }
    fn minus(self, other: Sums) -> Sums {
        Sums { g: self.g - other.g, h: self.h - other.h }
    }
}

/// The best split of a node.
#[derive(Debug, Clone, Copy)]
struct Split {
    gain: f64,
    feature: usize,
    bin: usize,
    left: Sums,
    right: Sums,
}

/// Trains a model on `data`, with `names` for its features and `monotone[f]` +1 (the
/// probability may only rise with feature `f`), -1 (only fall) or 0.
pub fn fit(data: &Dataset, names: &[&str], monotone: &[i8], options: &TrainOptions) -> LineModel {
    assert_eq!(names.len(), data.width);
    assert_eq!(monotone.len(), data.width);
    assert!(!data.is_empty(), "training needs rows");
    let binned = Binned::of(data, options.bins);
    let (positive, total): (f64, f64) = data
        .labels
        .iter()
        .zip(&data.weights)
        .fold((0.0, 0.0), |(p, t), (&y, &w)| (p + if y { w as f64 } else { 0.0 }, t + w as f64));
    let prior = (positive / total).clamp(1e-6, 1.0 - 1e-6);
    let base_score = (prior / (1.0 - prior)).ln() as f32;
    let mut scores = vec![base_score; data.len()];
    let mut trees = Vec::with_capacity(options.trees);
    let mut gradients = vec![Sums::default(); data.len()];
    for _ in 0..options.trees {
        for (i, sums) in gradients.iter_mut().enumerate() {
            let p = super::sigmoid(scores[i]) as f64;
            let w = data.weights[i] as f64;
            let y = if data.labels[i] { 1.0 } else { 0.0 };
            *sums = Sums { g: w * (p - y), h: w * (p * (1.0 - p)).max(1e-6) };
        }
        let (tree, leaf_of_row) = grow(&binned, &gradients, monotone, options);
        for (score, leaf) in scores.iter_mut().zip(&leaf_of_row) {
            *score += tree.value[*leaf as usize];
        }
        trees.push(tree);
    }
    LineModel {
        version: FORMAT_VERSION,
        features: names.iter().map(|s| s.to_string()).collect(),
        base_score,
        trees,
        trained_on: Vec::new(),
        bounds_from: Default::default(),
        forest: Default::default(),
    }
}

/// A node waiting to be split: its rows, depth, sums and the bounds on its value.
struct Pending {
    node: usize,
    rows: Vec<u32>,
    depth: usize,
    sums: Sums,
    bounds: (f64, f64),
}

/// Grows one tree on the gradients; returns it and the leaf each row ends in.
fn grow(binned: &Binned, gradients: &[Sums], monotone: &[i8], options: &TrainOptions) -> (Tree, Vec<u32>) {
    let leaf_value = |s: Sums, (lo, hi): (f64, f64)| (-s.g / (s.h + options.lambda)).clamp(lo, hi);
    let mut tree = Tree { feature: vec![], threshold: vec![], left: vec![], right: vec![], value: vec![] };
    let add_node = |tree: &mut Tree, value: f64| {
        tree.feature.push(Tree::LEAF);
        tree.threshold.push(0.0);
        tree.left.push(0);
        tree.right.push(0);
        tree.value.push(value as f32 * options.learning_rate);
        tree.feature.len() - 1
    };
    let mut leaf_of_row = vec![0u32; gradients.len()];
    let all: Vec<u32> = (0..gradients.len() as u32).collect();
    let sums = all.iter().fold(Sums::default(), |mut s, &i| {
        s.add(gradients[i as usize]);
        s
    });
    let bounds = (f64::NEG_INFINITY, f64::INFINITY);
    let root = add_node(&mut tree, leaf_value(sums, bounds));
    let mut queue =
        std::collections::VecDeque::from([Pending { node: root, rows: all, depth: 0, sums, bounds }]);
    while let Some(p) = queue.pop_front() {
        let split =
            if p.depth < options.depth { best_split(binned, gradients, &p, monotone, options) } else { None };
        let Some(split) = split else {
            for &i in &p.rows {
                leaf_of_row[i as usize] = p.node as u32;
            }
            continue;
        };
        let column = &binned.bins[split.feature];
        let (left_rows, right_rows): (Vec<u32>, Vec<u32>) =
            p.rows.iter().partition(|&&i| column[i as usize] as usize <= split.bin);
        let (wl, wr) = (leaf_value(split.left, p.bounds), leaf_value(split.right, p.bounds));
        let (mut left_bounds, mut right_bounds) = (p.bounds, p.bounds);
        let mid = (wl + wr) / 2.0;
        match monotone[split.feature] {
            1 => {
                left_bounds.1 = left_bounds.1.min(mid);
                right_bounds.0 = right_bounds.0.max(mid);
            }
            -1 => {
                left_bounds.0 = left_bounds.0.max(mid);
                right_bounds.1 = right_bounds.1.min(mid);
            }
            _ => {}
        }
        let left = add_node(&mut tree, leaf_value(split.left, left_bounds));
        let right = add_node(&mut tree, leaf_value(split.right, right_bounds));
        tree.feature[p.node] = split.feature as u16;
        tree.threshold[p.node] = binned.edges[split.feature][split.bin];
        tree.left[p.node] = left as u32;
        tree.right[p.node] = right as u32;
        let depth = p.depth + 1;
        queue.push_back(Pending {
            node: left,
            rows: left_rows,
            depth,
            sums: split.left,
            bounds: left_bounds,
        });
        queue.push_back(Pending {
            node: right,
            rows: right_rows,
            depth,
            sums: split.right,
            bounds: right_bounds,
        });
    }
    (tree, leaf_of_row)
}

/// The split of `p` with the largest gain, if any gains and leaves both children enough weight
/// (and, on a monotone feature, orders their values the right way).
fn best_split(
    binned: &Binned,
    gradients: &[Sums],
    p: &Pending,
    monotone: &[i8],
    options: &TrainOptions,
) -> Option<Split> {
    let lambda = options.lambda;
    let objective = |s: Sums| s.g * s.g / (s.h + lambda);
    let parent = objective(p.sums);
    let candidates: Vec<Option<Split>> = (0..binned.bins.len())
        .into_par_iter()
        .map(|f| {
            let edges = binned.edges[f].len();
            if edges == 0 {
                return None;
            }
            let column = &binned.bins[f];
            let mut histogram = vec![Sums::default(); edges + 1];
            for &i in &p.rows {
                histogram[column[i as usize] as usize].add(gradients[i as usize]);
            }
            let mut left = Sums::default();
            let mut best: Option<Split> = None;
            for (bin, sums) in histogram.iter().enumerate().take(edges) {
                left.add(*sums);
                let right = p.sums.minus(left);
                if left.h < options.min_child_weight || right.h < options.min_child_weight {
                    continue;
                }
                let (wl, wr) = (-left.g / (left.h + lambda), -right.g / (right.h + lambda));
                if (monotone[f] > 0 && wl > wr) || (monotone[f] < 0 && wl < wr) {
                    continue;
                }
                let gain = objective(left) + objective(right) - parent;
                if gain > 1e-9 && best.is_none_or(|b| gain > b.gain) {
                    best = Some(Split { gain, feature: f, bin, left, right });
                }
            }
            best
        })
        .collect();
    // In feature order, the first of equal gains: the same split whatever the threads did.
    candidates.into_iter().flatten().fold(None, |best: Option<Split>, s| match best {
        Some(b) if b.gain >= s.gain => Some(b),
        _ => Some(s),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// True only where both features are low: neither feature alone tells.
    fn both_low() -> Dataset {
        let mut data = Dataset::new(2);
        for i in 0..400 {
            let (a, b) = ((i % 20) as f32, (i / 20) as f32);
            data.push(&[a, b], a < 7.0 && b < 7.0, 1.0);
        }
        data
    }

    #[test]
    fn learns_an_interaction_and_is_deterministic() {
        let data = both_low();
        let options = TrainOptions { trees: 30, depth: 3, ..TrainOptions::default() };
        let model = fit(&data, &["a", "b"], &[0, 0], &options);
        let right =
            (0..data.len()).filter(|&i| (model.probability(data.row(i)) > 0.5) == data.labels[i]).count();
        assert_eq!(right, data.len());
        assert_eq!(model.to_json(), fit(&data, &["a", "b"], &[0, 0], &options).to_json());
    }

    #[test]
    fn a_monotone_feature_never_lowers_the_score() {
        // Label falls with `a` in the middle of its range; constrained to rise, the model can
        // only flatten it out.
        let mut data = Dataset::new(2);
        for i in 0..300 {
            let a = (i % 30) as f32;
            data.push(&[a, (i % 7) as f32], (10.0..20.0).contains(&a) == (i % 3 != 0), 1.0);
        }
        let options = TrainOptions { trees: 20, depth: 3, ..TrainOptions::default() };
        let model = fit(&data, &["a", "b"], &[1, 0], &options);
        for b in 0..7 {
            let scores: Vec<f32> = (0..30).map(|a| model.score(&[a as f32, b as f32])).collect();
            assert!(scores.windows(2).all(|w| w[0] <= w[1] + 1e-6), "{scores:?}");
        }
    }

    #[test]
    fn bins_split_between_distinct_values() {
        let mut data = Dataset::new(1);
        for x in [1.0, 1.0, 2.0, 5.0] {
            data.push(&[x], true, 1.0);
        }
        let binned = Binned::of(&data, 255);
        assert_eq!(binned.edges[0], vec![1.0, 2.0]);
        assert_eq!(binned.bins[0], vec![0, 0, 1, 2]);
    }
}
