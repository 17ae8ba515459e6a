//! The thresholds of the heuristics, settable in a rule file's `[heuristics]` table. Each is
//! declared once, in the table below: its name (the TOML key), type, default, how the parser
//! reads it and what it means. The config, the table's optional settings, their merge and the
//! list of accepted keys are generated from it; `docs/heuristics.md` documents the same keys
//! (a test checks that it names each one with its default).

/// How the rule-file parser reads one setting of the `[heuristics]` table (reporting any
/// error itself and returning `None`).
pub(crate) trait SettingReader {
    /// `true` or `false`.
    fn boolean(&mut self, key: &str) -> Option<bool>;
    /// A whole number, 0 or more.
    fn count(&mut self, key: &str) -> Option<usize>;
    /// A number from 0.0 to 1.0.
    fn ratio(&mut self, key: &str) -> Option<f64>;
}

macro_rules! thresholds {
    ($( $(#[doc = $doc:expr])* $name:ident: $ty:ty = $default:expr, read as $reader:ident; )*) => {
        /// Thresholds of the heuristics (see [`crate::heuristics`]), settable in a rule file's
        /// `[heuristics]` table.
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[non_exhaustive]
        pub struct HeuristicsConfig {
            $( $(#[doc = $doc])* pub $name: $ty, )*
        }

        impl Default for HeuristicsConfig {
            fn default() -> Self {
                HeuristicsConfig { $( $name: $default, )* }
            }
        }

        /// The `[heuristics]` table of a rule file: every key optional.
        #[derive(Debug, Clone, Copy, Default, PartialEq)]
        #[non_exhaustive]
        pub struct HeuristicsSettings {
            $( #[doc = concat!("`", stringify!($name), "`")] pub $name: Option<$ty>, )*
        }

        impl HeuristicsSettings {
            /// The keys a `[heuristics]` table may hold.
            pub const KEYS: &'static [&'static str] = &[$( stringify!($name), )*];

            /// Applies the keys that are set to `config`.
            pub fn apply_to(&self, config: &mut HeuristicsConfig) {
                $( if let Some(value) = self.$name { config.$name = value; } )*
            }

            /// Reads every key of the table through `reader`.
            pub(crate) fn read(reader: &mut impl SettingReader) -> Self {
                HeuristicsSettings { $( $name: reader.$reader(stringify!($name)), )* }
            }

            /// Each key with its default, as the documentation shows it.
            pub fn defaults() -> Vec<(&'static str, String)> {
                let config = HeuristicsConfig::default();
                vec![$( (stringify!($name), config.$name.to_string()), )*]
            }
        }
    };
}

thresholds! {
    /// Whether the heuristics run at all.
    enabled: bool = true, read as boolean;
    /// Lines shorter than this many characters are *short*: judged by their neighbours.
    length_low: usize = 70, read as count;
    /// Lines longer than this with enough stopwords are *good* on their own.
    length_high: usize = 200, read as count;
    /// Below this stopword share a line of some length is not prose.
    stopwords_low: f64 = 0.18, read as ratio;
    /// From this stopword share on, a long line is good.
    stopwords_high: f64 = 0.32, read as ratio;
    /// A heading-like short line is kept when good text follows within this many characters.
    max_heading_distance: usize = 200, read as count;
    /// Good lines separated by more than this many boilerplate lines belong to different
    /// stretches.
    max_gap_lines: usize = 12, read as count;
    /// The article is the first stretch with at least this many characters of good text (the
    /// largest stretch when none has): what follows it is comments and teasers, far more
    /// often than what precedes it.
    min_main_chars: usize = 400, read as count;
    /// At most this many short lines, within `max_heading_distance` characters, stand between
    /// the document's edge and good text and still count as its headline or closing line.
    max_edge_lines: usize = 4, read as count;
    /// The line model keeps a line it judges when its probability of being article text is at
    /// least this: lower keeps more (recall), higher drops more (precision).
    min_article_probability: f64 = 0.3, read as ratio;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documentation_names_every_threshold_with_its_default() {
        let docs = include_str!("../../docs/heuristics.md");
        // Its `[heuristics]` example: one `key = default  # what it means` line per key.
        for (key, default) in HeuristicsSettings::defaults() {
            let row = docs.lines().find(|l| l.starts_with(&format!("{key} = ")));
            let row = row.unwrap_or_else(|| panic!("docs/heuristics.md does not show `{key} = ...`"));
            let value = row.split('#').next().unwrap().split('=').nth(1).unwrap().trim();
            assert_eq!(value, default, "docs/heuristics.md gives `{key}` another default");
        }
    }
}
