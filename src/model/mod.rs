//! The line model: gradient-boosted decision trees that give the probability that a line is
//! article text from its feature row ([`train`] grows them). This module knows trees, not
//! lines: the judgement makes the rows (`heuristics::rows`) and ships the bundled model
//! (`models/judgement.json`, see `heuristics::bundled_model`); `thresh train` writes others,
//! `--model FILE` reads them.
//!
//! A model names the features it was trained on; loading one trained on other features is an
//! error, never a silent mismatch.

pub mod train;

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The file format's version, written into every model.
pub const FORMAT_VERSION: u32 = 1;

/// One tree: parallel arrays indexed by node; node 0 is the root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// Feature tested at each node; [`Tree::LEAF`] at a leaf.
    pub feature: Vec<u16>,
    /// A row goes left when its feature is at most this.
    pub threshold: Vec<f32>,
    /// Children of each node (0 at a leaf).
    pub left: Vec<u32>,
    /// Right child.
    pub right: Vec<u32>,
    /// The node's score: at a leaf what the tree adds; at an inner node what it would add if
    /// it stopped there (read by [`LineModel::contributions`]).
    pub value: Vec<f32>,
}

impl Tree {
    /// The feature index marking a leaf.
    pub const LEAF: u16 = u16::MAX;
    /// The deepest tree a model may hold (`thresh train` grows at most 12 levels).
    pub const MAX_DEPTH: u32 = 16;

    /// The leaf a row ends in, walking the tree as stored (the reference for [`Forest`]).
    #[cfg(test)]
    fn leaf(&self, row: &[f32]) -> usize {
        let mut node = 0usize;
        while self.feature[node] != Self::LEAF {
            node = if row[self.feature[node] as usize] <= self.threshold[node] {
                self.left[node] as usize
            } else {
                self.right[node] as usize
            };
        }
        node
    }
}

/// A trained line model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineModel {
    /// [`FORMAT_VERSION`] of the file.
    pub version: u32,
    /// The names of the features, in row order; must be those thresh computes.
    pub features: Vec<String>,
    /// The score before any tree (log-odds).
    pub base_score: f32,
    /// The trees; their values add up to the log-odds that the line is article text.
    pub trees: Vec<Tree>,
    /// How the model was trained, for its card (free text fields).
    #[serde(default)]
    pub trained_on: Vec<String>,
    /// For each tree, the least and the most the trees from it on can add (see
    /// [`Decider::keeps`]); made when first needed.
    #[serde(skip)]
    bounds_from: std::sync::OnceLock<Vec<(f32, f32)>>,
    /// The trees laid out to be walked without a branch (see [`Forest`]).
    #[serde(skip)]
    forest: std::sync::OnceLock<Forest>,
}

/// The trees padded to complete binary trees of one depth and laid out in one array: a leaf
/// above the last level becomes a chain of nodes that always go left (threshold +inf) down to
/// a copy of its value. A row then takes exactly `depth` steps in every tree,
/// `node = 2 * node + (x > threshold)` from the root at 1, with no branch to mispredict; the
/// answer is the original tree's.
#[derive(Debug, Clone, PartialEq)]
struct Forest {
    depth: u32,
    /// Entries of one tree: inner nodes at `1..2^depth` (heap order; entry 0 unused), leaves
    /// at `2^depth..2^(depth + 1)`.
    stride: usize,
    /// The trees of the model; `nodes` holds whole groups of [`LOCKSTEP`] (padding trees
    /// always go left to a leaf of 0 and are never added).
    trees: usize,
    /// The entries of every tree: a group of [`LOCKSTEP`] trees after another, the group's
    /// trees interleaved (entry `at` of the group's tree `i` at `LOCKSTEP * at + i`), so that
    /// a step of the walk needs no offset per tree.
    nodes: Vec<Node>,
}

/// One entry of [`Forest::nodes`]: an inner node's test, or a leaf's value.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Node {
    /// Feature tested (below [`ROW_WIDTH`]; 0 at a leaf).
    feature: u32,
    /// Threshold of an inner node; value of a leaf.
    value: f32,
}

/// Trees walked at once (see [`Forest::add_group`]); also how often [`Decider::keeps`] checks
/// whether the answer is known.
const LOCKSTEP: usize = 8;

/// The most features a row may have: rows are read through a mask of this width.
pub const ROW_WIDTH: usize = 64;

/// The depth of `tree`.
fn depth_of(tree: &Tree) -> u32 {
    fn below(tree: &Tree, node: usize) -> u32 {
        if tree.feature[node] == Tree::LEAF {
            0
        } else {
            1 + below(tree, tree.left[node] as usize).max(below(tree, tree.right[node] as usize))
        }
    }
    below(tree, 0)
}

impl Forest {
    fn of(trees: &[Tree]) -> Self {
        let depth = trees.iter().map(depth_of).max().unwrap_or(0);
        let stride = 2usize << depth;
        let first_leaf = 1usize << depth;
        let groups = trees.len().div_ceil(LOCKSTEP);
        let mut nodes = vec![Node { feature: 0, value: f32::INFINITY }; groups * LOCKSTEP * stride];
        // Where entry `at` of tree `t` lies (see `Forest::nodes`).
        let entry = |t: usize, at: usize| (t / LOCKSTEP * stride + at) * LOCKSTEP + t % LOCKSTEP;
        for t in trees.len()..groups * LOCKSTEP {
            for at in first_leaf..stride {
                nodes[entry(t, at)] = Node { feature: 0, value: 0.0 };
            }
        }
        for (t, tree) in trees.iter().enumerate() {
            // (original node, its place in the complete tree)
            let mut stack = vec![(0usize, 1usize)];
            while let Some((node, at)) = stack.pop() {
                if at >= first_leaf {
                    nodes[entry(t, at)] = Node { feature: 0, value: tree.value[node] };
                } else if tree.feature[node] == Tree::LEAF {
                    stack.push((node, 2 * at));
                } else {
                    let feature = u32::from(tree.feature[node]) & (ROW_WIDTH as u32 - 1);
                    nodes[entry(t, at)] = Node { feature, value: tree.threshold[node] };
                    stack.push((tree.left[node] as usize, 2 * at));
                    stack.push((tree.right[node] as usize, 2 * at + 1));
                }
            }
        }
        Forest { depth, stride, trees: trees.len(), nodes }
    }

    /// Adds to `score`, in order, the values of the trees of group `group` (trees
    /// `LOCKSTEP * group..`) for `row`.
    #[inline]
    fn add_group(&self, group: usize, row: &[f32; ROW_WIDTH], score: f32) -> f32 {
        let count = (self.trees - group * LOCKSTEP).min(LOCKSTEP);
        // Eight independent chains of loads, a level of each at a time, so that the
        // processor overlaps them. The group's entries are a power of two: masking an index
        // with their count spares the bounds checks.
        let size = LOCKSTEP * self.stride;
        let nodes = &self.nodes[group * size..(group + 1) * size];
        let mask = nodes.len() - 1;
        let mut at = [1usize; LOCKSTEP];
        for _ in 0..self.depth {
            for (i, at) in at.iter_mut().enumerate() {
                let node = nodes[(*at * LOCKSTEP + i) & mask];
                let x = row[node.feature as usize & (ROW_WIDTH - 1)];
                *at = 2 * *at + usize::from(x > node.value);
            }
        }
        at[..count]
            .iter()
            .enumerate()
            .fold(score, |score, (i, &at)| score + nodes[(at * LOCKSTEP + i) & mask].value)
    }

    fn groups(&self) -> usize {
        self.trees.div_ceil(LOCKSTEP)
    }
}

/// `row` padded to [`ROW_WIDTH`] features.
#[inline]
fn padded(row: &[f32]) -> [f32; ROW_WIDTH] {
    let mut padded = [0f32; ROW_WIDTH];
    padded[..row.len()].copy_from_slice(row);
    padded
}

/// Decides whether a line is kept at one threshold, summing only as many trees as it takes:
/// once the trees left cannot move the score across the threshold, the answer is known.
#[derive(Debug, Clone, Copy)]
pub struct Decider<'m> {
    model: &'m LineModel,
    bounds_from: &'m [(f32, f32)],
    /// The threshold as a score (log-odds).
    threshold: f32,
}

/// Room left for rounding: the bounds are sums in another order than the score's.
const ROUNDING_MARGIN: f32 = 1e-3;

impl Decider<'_> {
    /// True when the model's score for `row` is at least the threshold, as
    /// `model.score(row) >= threshold` (the same answer, from fewer trees).
    #[inline]
    pub fn keeps(&self, row: &[f32]) -> bool {
        self.keeps_padded(&padded(row))
    }

    /// Like [`Decider::keeps`], for a row already padded to [`ROW_WIDTH`] (no copy).
    #[inline]
    pub fn keeps_padded(&self, row: &[f32; ROW_WIDTH]) -> bool {
        let forest = self.model.forest();
        let mut score = self.model.base_score;
        for group in 0..forest.groups() {
            let (least, most) = self.bounds_from[group * LOCKSTEP];
            if score + least >= self.threshold + ROUNDING_MARGIN {
                return true;
            }
            if score + most < self.threshold - ROUNDING_MARGIN {
                return false;
            }
            score = forest.add_group(group, row, score);
        }
        // The sum of every tree, in the order `LineModel::score` adds them.
        score >= self.threshold
    }
}

/// Why a model file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Not readable.
    #[error("cannot read model {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Not a model file.
    #[error("{path}: not a thresh model: {message}")]
    Format {
        /// The file.
        path: String,
        /// What was wrong.
        message: String,
    },
}

impl LineModel {
    /// Reads a model file and checks it was trained on `features` (by name, in row order).
    pub fn load(path: &Path, features: &[&str]) -> Result<LineModel, ModelError> {
        let name = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|source| ModelError::Io { path: name.clone(), source })?;
        LineModel::parse(&name, &text, features)
    }

    /// Parses the text of a model file called `name` and checks it was trained on `features`.
    pub fn parse(name: &str, text: &str, features: &[&str]) -> Result<LineModel, ModelError> {
        let format = |message: String| ModelError::Format { path: name.to_string(), message };
        let model: LineModel = serde_json::from_str(text).map_err(|e| format(e.to_string()))?;
        if model.version != FORMAT_VERSION {
            return Err(format(format!(
                "format version {}, this thresh reads {FORMAT_VERSION}",
                model.version
            )));
        }
        let expected = features;
        if expected.len() > ROW_WIDTH {
            return Err(format(format!(
                "{} features, more than the {ROW_WIDTH} a row holds",
                expected.len()
            )));
        }
        if model.features.len() != expected.len() || model.features.iter().zip(expected).any(|(a, b)| a != b)
        {
            return Err(format(format!(
                "trained on other features ({} of them); retrain it with this thresh (`thresh train`)",
                model.features.len()
            )));
        }
        for (t, tree) in model.trees.iter().enumerate() {
            tree.check(expected.len()).map_err(|m| format(format!("tree {t}: {m}")))?;
        }
        Ok(model)
    }

    /// The model as the JSON text of its file.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string(self).expect("a model serialises");
        text.push('\n');
        text
    }

    /// The log-odds that a line with feature row `row` is article text.
    #[inline]
    pub fn score(&self, row: &[f32]) -> f32 {
        let (forest, row) = (self.forest(), &padded(row));
        (0..forest.groups()).fold(self.base_score, |score, group| forest.add_group(group, row, score))
    }

    fn forest(&self) -> &Forest {
        self.forest.get_or_init(|| Forest::of(&self.trees))
    }

    /// A decider keeping lines whose probability of being article text is at least
    /// `min_probability`.
    pub fn decider(&self, min_probability: f64) -> Decider<'_> {
        let p = min_probability.clamp(0.0, 1.0);
        let threshold = if p <= 0.0 {
            f32::NEG_INFINITY
        } else if p >= 1.0 {
            f32::INFINITY
        } else {
            (p / (1.0 - p)).ln() as f32
        };
        let bounds_from = self.bounds_from.get_or_init(|| {
            let mut bounds = vec![(0f32, 0f32); self.trees.len() + 1];
            for (t, tree) in self.trees.iter().enumerate().rev() {
                let leaves = (0..tree.feature.len()).filter(|&n| tree.feature[n] == Tree::LEAF);
                let least = leaves.clone().map(|n| tree.value[n]).fold(f32::INFINITY, f32::min);
                let most = leaves.map(|n| tree.value[n]).fold(f32::NEG_INFINITY, f32::max);
                bounds[t] = (bounds[t + 1].0 + least, bounds[t + 1].1 + most);
            }
            bounds
        });
        Decider { model: self, bounds_from, threshold }
    }

    /// The probability that a line with feature row `row` is article text.
    pub fn probability(&self, row: &[f32]) -> f32 {
        sigmoid(self.score(row))
    }

    /// How much each feature moved the score of `row` (log-odds, by feature index): along each
    /// tree's path, the change of node value at a split is credited to the split's feature
    /// (Saabas). They add up to `score(row) - base_score - (sum of the roots' values)`.
    pub fn contributions(&self, row: &[f32]) -> Vec<f32> {
        let mut by_feature = vec![0f32; self.features.len()];
        for tree in &self.trees {
            let mut node = 0usize;
            while tree.feature[node] != Tree::LEAF {
                let feature = tree.feature[node] as usize;
                let next =
                    if row[feature] <= tree.threshold[node] { tree.left[node] } else { tree.right[node] };
                by_feature[feature] += tree.value[next as usize] - tree.value[node];
                node = next as usize;
            }
        }
        by_feature
    }
}

impl Tree {
    /// Checks the arrays agree and every path ends at a leaf (children after their parent).
    fn check(&self, features: usize) -> Result<(), String> {
        let n = self.feature.len();
        if n == 0 {
            return Err("no nodes".into());
        }
        if [self.threshold.len(), self.left.len(), self.right.len(), self.value.len()].iter().any(|&l| l != n)
        {
            return Err("arrays of different lengths".into());
        }
        for node in 0..n {
            if self.feature[node] == Tree::LEAF {
                continue;
            }
            if self.feature[node] as usize >= features {
                return Err(format!("node {node} tests feature {} of {features}", self.feature[node]));
            }
            let (l, r) = (self.left[node] as usize, self.right[node] as usize);
            if l <= node || r <= node || l >= n || r >= n {
                return Err(format!("node {node} has children out of order"));
            }
            if self.threshold[node].is_nan() {
                return Err(format!("node {node} has no threshold"));
            }
        }
        if self.value.iter().any(|v| !v.is_finite()) {
            return Err("a value is not finite".into());
        }
        // Children come after their parents, so one pass finds every node's depth. A tree is
        // walked padded to a complete tree of its depth: 2^depth nodes.
        let mut depth = vec![0u32; n];
        for node in 0..n {
            if self.feature[node] != Tree::LEAF {
                for child in [self.left[node], self.right[node]] {
                    let child = child as usize;
                    depth[child] = depth[child].max(depth[node] + 1);
                    if depth[child] > Tree::MAX_DEPTH {
                        return Err(format!("deeper than {} levels", Tree::MAX_DEPTH));
                    }
                }
            }
        }
        Ok(())
    }
}

/// The logistic function.
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stump() -> Tree {
        Tree {
            feature: vec![0, Tree::LEAF, Tree::LEAF],
            threshold: vec![10.0, 0.0, 0.0],
            left: vec![1, 0, 0],
            right: vec![2, 0, 0],
            value: vec![0.0, -1.0, 2.0],
        }
    }

    /// A chain of `levels` splits, each going right to a leaf and left to the next split;
    /// split `level` tests feature `level % features` at `level + 0.5`, and node `v` is worth
    /// `v / 4`.
    fn chain(levels: usize, features: usize) -> Tree {
        let n = 2 * levels + 1;
        let mut chain = Tree {
            feature: vec![Tree::LEAF; n],
            threshold: vec![0.0; n],
            left: vec![0; n],
            right: vec![0; n],
            value: (0..n).map(|v| v as f32 * 0.25).collect(),
        };
        for level in 0..levels {
            let node = 2 * level;
            chain.feature[node] = (level % features) as u16;
            chain.threshold[node] = level as f32 + 0.5;
            chain.left[node] = node as u32 + 1;
            chain.right[node] = node as u32 + 2;
        }
        chain
    }

    #[test]
    fn a_row_takes_its_path_and_credits_the_split() {
        let model = LineModel {
            version: FORMAT_VERSION,
            features: vec!["a".into(), "b".into()],
            base_score: 0.5,
            trees: vec![stump()],
            trained_on: vec![],
            bounds_from: Default::default(),
            forest: Default::default(),
        };
        assert_eq!(model.score(&[3.0, 0.0]), -0.5);
        assert_eq!(model.score(&[10.0, 0.0]), -0.5);
        assert_eq!(model.score(&[10.5, 0.0]), 2.5);
        assert_eq!(model.contributions(&[10.5, 0.0]), vec![2.0, 0.0]);
        assert!((model.probability(&[10.5, 0.0]) - 0.924_141_8).abs() < 1e-6);
    }

    #[test]
    fn the_decider_agrees_with_the_full_score() {
        // Trees on two features; rows across the range, thresholds across the probabilities.
        let trees: Vec<Tree> = (0..40)
            .map(|t| {
                let mut tree = stump();
                tree.feature[0] = (t % 2) as u16;
                tree.threshold[0] = (t % 13) as f32;
                tree.value[1] = -0.3 + (t % 5) as f32 * 0.05;
                tree.value[2] = 0.25 - (t % 7) as f32 * 0.04;
                tree
            })
            .collect();
        let model = LineModel {
            version: FORMAT_VERSION,
            features: vec!["a".into(), "b".into()],
            base_score: 0.1,
            trees,
            trained_on: vec![],
            bounds_from: Default::default(),
            forest: Default::default(),
        };
        for p in [0.0, 0.2, 0.5, 0.7, 1.0] {
            let decider = model.decider(p);
            for a in 0..15 {
                for b in 0..15 {
                    let row = [a as f32, b as f32];
                    let threshold = if p == 0.0 {
                        f32::NEG_INFINITY
                    } else if p == 1.0 {
                        f32::INFINITY
                    } else {
                        (p / (1.0 - p)).ln() as f32
                    };
                    assert_eq!(decider.keeps(&row), model.score(&row) >= threshold, "p {p} row {row:?}");
                }
            }
        }
    }

    #[test]
    fn complete_trees_give_the_stored_trees_answers() {
        // A lopsided tree: a leaf at depth 1 beside a subtree of depth 3; beside it, in one
        // forest, a chain of depth 4 pads it one level deeper. Nine trees fill a group and
        // start the next.
        let lopsided = Tree {
            feature: vec![0, Tree::LEAF, 1, Tree::LEAF, 0, Tree::LEAF, Tree::LEAF],
            threshold: vec![5.0, 0.0, 2.0, 0.0, 8.0, 0.0, 0.0],
            left: vec![1, 0, 3, 0, 5, 0, 0],
            right: vec![2, 0, 4, 0, 6, 0, 0],
            value: vec![0.0, 1.0, 0.0, 2.0, 0.0, 3.0, 4.0],
        };
        let chain = chain(4, 2);
        assert_eq!((depth_of(&lopsided), depth_of(&chain)), (3, 4));
        let trees: Vec<Tree> =
            (0..9).map(|t| if t % 2 == 0 { lopsided.clone() } else { chain.clone() }).collect();
        let forest = Forest::of(&trees);
        assert_eq!((forest.depth, forest.groups()), (4, 2));
        for a in 0..12 {
            for b in 0..6 {
                let row = [a as f32, b as f32];
                let expected = trees.iter().fold(0.5f32, |score, tree| score + tree.value[tree.leaf(&row)]);
                let got =
                    (0..forest.groups()).fold(0.5, |score, g| forest.add_group(g, &padded(&row), score));
                assert_eq!(got, expected, "{row:?}");
            }
        }
    }

    #[test]
    fn refuses_models_of_other_features_and_broken_trees() {
        let model = r#"{"version":1,"features":["x"],"base_score":0.5,"trees":[]}"#;
        // No tree: the base score alone decides.
        let empty = LineModel::parse("m.json", model, &["x"]).unwrap();
        assert_eq!(empty.score(&[3.0]), 0.5);
        assert!(empty.decider(0.6).keeps(&[3.0]) && !empty.decider(0.7).keeps(&[3.0]));
        let err = LineModel::parse("m.json", model, &["a", "b"]).unwrap_err();
        assert!(err.to_string().contains("m.json: not a thresh model: trained on other features"), "{err}");
        let err = LineModel::parse("m.json", "{", &["x"]).unwrap_err();
        assert!(err.to_string().starts_with("m.json: not a thresh model"), "{err}");
        let mut tree = stump();
        tree.left[0] = 0;
        assert!(tree.check(2).unwrap_err().contains("out of order"));
        assert!(stump().check(1).is_ok());
        let mut tree = stump();
        tree.feature[0] = 5;
        assert!(tree.check(2).is_err());
        // A chain of 40 levels would be walked as a complete tree of 2^40 nodes.
        let chain = chain(40, 1);
        assert!(chain.check(1).unwrap_err().contains("deeper than 16"));
    }
}
