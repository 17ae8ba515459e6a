//! The rule packs compiled into the binary, so `thresh` works with nothing beside it.

use std::path::Path;

use super::parse::parse_bundled_pack;
use super::RulePack;

/// `(file name under rules/, TOML text)` of every bundled pack, in load order.
pub const BUNDLED_PACK_SOURCES: &[(&str, &str)] = &[
    ("ads.toml", include_str!("../../rules/ads.toml")),
    ("legal.toml", include_str!("../../rules/legal.toml")),
    ("cookies.toml", include_str!("../../rules/cookies.toml")),
    ("appeals.toml", include_str!("../../rules/appeals.toml")),
    ("social.toml", include_str!("../../rules/social.toml")),
    ("teasers.toml", include_str!("../../rules/teasers.toml")),
    ("footers.toml", include_str!("../../rules/footers.toml")),
    ("navigation.toml", include_str!("../../rules/navigation.toml")),
    ("media.toml", include_str!("../../rules/media.toml")),
    ("headlines.toml", include_str!("../../rules/headlines.toml")),
    ("sites/kyivpost.toml", include_str!("../../rules/sites/kyivpost.toml")),
    ("sites/euromaidanpress.toml", include_str!("../../rules/sites/euromaidanpress.toml")),
];

/// Parses the bundled packs. They are checked by the test suite, so a failure here is a bug.
pub fn bundled_packs() -> Vec<RulePack> {
    BUNDLED_PACK_SOURCES
        .iter()
        .map(|(name, text)| {
            let origin = Path::new("rules").join(name);
            match parse_bundled_pack(&origin, text) {
                Ok(parsed) => parsed.pack,
                Err(errors) => panic!("bundled rule pack {name} is invalid:\n{errors}"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parse_pack;

    #[test]
    fn bundled_packs_pass_every_check_of_a_user_file() {
        // Including the compilation of each regex, which start-up skips for these packs.
        for (name, text) in BUNDLED_PACK_SOURCES {
            let origin = Path::new("rules").join(name);
            if let Err(errors) = parse_pack(&origin, text) {
                panic!("bundled pack {name}:\n{errors}");
            }
        }
    }

    /// A Unicode `\b` makes the regex crate's fast engines give up on non-ASCII text, and one
    /// such pattern sends the whole rule set to the slow PikeVM: the bundled packs write
    /// `(?-u:\b)`. (A regression here once halved throughput.)
    #[test]
    fn bundled_regexes_use_ascii_word_boundaries() {
        for pack in bundled_packs() {
            for rule in &pack.rules {
                for pattern in &rule.matcher.regexes {
                    let unicode_boundaries = pattern.matches("\\b").count() + pattern.matches("\\B").count();
                    let ascii_boundaries =
                        pattern.matches("(?-u:\\b)").count() + pattern.matches("(?-u:\\B)").count();
                    assert_eq!(unicode_boundaries, ascii_boundaries, "{}: {pattern}", rule.id);
                }
            }
        }
    }
}
