//! Stopword lists (function words), bundled as data files under `rules/stopwords/`.

use std::collections::HashSet;
use std::sync::OnceLock;

const ENGLISH: &str = include_str!("../rules/stopwords/en.txt");

/// The bundled English stopwords.
pub fn english() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| parse_list(ENGLISH))
}

fn parse_list(text: &'static str) -> HashSet<&'static str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

/// Share of the words of a folded line that are stopwords; 0.0 for a line without words.
pub fn stopword_ratio(folded: &str, stopwords: &HashSet<&str>) -> f64 {
    let mut words = 0usize;
    let mut hits = 0usize;
    for word in folded.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()) {
        words += 1;
        if stopwords.contains(word) {
            hits += 1;
        }
    }
    if words == 0 {
        0.0
    } else {
        hits as f64 / words as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio() {
        let sw = english();
        assert!(sw.contains("the"));
        assert_eq!(stopword_ratio("the cat and the hat", sw), 0.6);
        assert_eq!(stopword_ratio("syria aleppo rebels", sw), 0.0);
        assert_eq!(stopword_ratio("", sw), 0.0);
    }
}
