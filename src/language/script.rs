//! Writing systems: which one a letter is in, and whether most letters of a text are in one.
//! A stoplist says something about a line only when the line is written in its script.

use crate::text::swar;

/// The writing systems of the bundled stoplists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Script {
    /// Latin letters.
    Latin,
    /// Cyrillic letters.
    Cyrillic,
    /// Greek letters.
    Greek,
    /// Armenian letters.
    Armenian,
    /// Hebrew letters.
    Hebrew,
    /// Arabic letters (Arabic, Persian, Urdu).
    Arabic,
    /// Devanagari (Hindi, Marathi, Nepali).
    Devanagari,
    /// Bengali.
    Bengali,
    /// Gujarati.
    Gujarati,
    /// Tamil.
    Tamil,
    /// Telugu.
    Telugu,
    /// Kannada.
    Kannada,
    /// Malayalam.
    Malayalam,
    /// Georgian.
    Georgian,
    /// Hangul (Korean).
    Hangul,
    /// Han ideographs and kana (Chinese, Japanese): written without spaces between words.
    Cjk,
}

impl Script {
    /// How many scripts there are; `script as usize` is below it.
    pub(crate) const COUNT: usize = Script::Cjk as usize + 1;
}

/// The script of a letter (or of a vowel sign of an Indic script), when it is one of those
/// with a bundled stoplist.
pub fn script_of(letter: char) -> Option<Script> {
    Some(match letter {
        'a'..='z' | 'A'..='Z' | '\u{C0}'..='\u{2AF}' | '\u{1E00}'..='\u{1EFF}' => Script::Latin,
        '\u{370}'..='\u{3FF}' | '\u{1F00}'..='\u{1FFF}' => Script::Greek,
        '\u{400}'..='\u{52F}' => Script::Cyrillic,
        '\u{530}'..='\u{58F}' => Script::Armenian,
        '\u{590}'..='\u{5FF}' | '\u{FB1D}'..='\u{FB4F}' => Script::Hebrew,
        '\u{600}'..='\u{6FF}' | '\u{750}'..='\u{77F}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}' => {
            Script::Arabic
        }
        '\u{900}'..='\u{97F}' => Script::Devanagari,
        '\u{980}'..='\u{9FF}' => Script::Bengali,
        '\u{A80}'..='\u{AFF}' => Script::Gujarati,
        '\u{B80}'..='\u{BFF}' => Script::Tamil,
        '\u{C00}'..='\u{C7F}' => Script::Telugu,
        '\u{C80}'..='\u{CFF}' => Script::Kannada,
        '\u{D00}'..='\u{D7F}' => Script::Malayalam,
        '\u{10A0}'..='\u{10FF}' | '\u{2D00}'..='\u{2D2F}' => Script::Georgian,
        '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{AC00}'..='\u{D7AF}' => Script::Hangul,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}' => Script::Cjk,
        _ => return None,
    })
}

/// True when most letters of `text` are in `script`: only then does a stoplist of that script
/// say anything about the line (an Arabic quote in an English article has no English
/// function words, and is not a menu for that).
pub fn mostly_in_script(text: &str, script: Script) -> bool {
    if text.is_ascii() {
        return script == Script::Latin && text.bytes().any(|b| b.is_ascii_alphabetic());
    }
    // Mostly ASCII in practice (a sample with a curly quote): ASCII letters (all Latin) are
    // counted as bytes, and only the other characters are decoded, if it can matter: there
    // are at most as many other letters as lead bytes of multi-byte characters.
    let bytes = text.as_bytes();
    let (ascii_letters, at_most_others) = ascii_letters_and_lead_bytes(bytes);
    if ascii_letters > at_most_others {
        // Most letters are ASCII, whatever the others are.
        return script == Script::Latin;
    }
    let (mut other_letters, mut others_in_script) = (0usize, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        // The first byte of a character of two or more bytes.
        if b >= 0xC0 {
            if let Some(c) = text[i..].chars().next().filter(|c| c.is_alphabetic()) {
                other_letters += 1;
                others_in_script += usize::from(script_of(c) == Some(script));
            }
        }
    }
    let letters = ascii_letters + other_letters;
    let in_script = others_in_script + if script == Script::Latin { ascii_letters } else { 0 };
    in_script * 2 > letters
}

/// The ASCII letters of `bytes`, and the lead bytes (0xC0 and up) of its multi-byte
/// characters; eight bytes at a time (see [`swar`]).
fn ascii_letters_and_lead_bytes(bytes: &[u8]) -> (usize, usize) {
    let (mut letters, mut lead_bytes) = (0, 0);
    for chunk in bytes.chunks(8) {
        let x = swar::load(chunk);
        let ascii = !x & swar::HIGH;
        letters +=
            (swar::in_range(swar::fold_case(x & !swar::HIGH), b'a', b'z' + 1) & ascii).count_ones() as usize;
        // Bit 6 shifted onto bit 7: both set.
        lead_bytes += (x & x << 1 & swar::HIGH).count_ones() as usize;
    }
    (letters, lead_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_checked_against_the_script_of_the_stoplist() {
        assert!(mostly_in_script("Café owners said", Script::Latin));
        assert!(!mostly_in_script("ناقش المجلس يوم الاثنين", Script::Latin));
        assert!(!mostly_in_script("Совет обсудил бюджет", Script::Latin));
        assert!(mostly_in_script("Совет обсудил бюджет (UN)", Script::Cyrillic));
        assert!(!mostly_in_script("市议会周一开会讨论", Script::Cyrillic));
        assert!(mostly_in_script("ناقش المجلس يوم الاثنين (BBC)", Script::Arabic));
        assert!(mostly_in_script("시의회는 월요일에 예산을 논의했다", Script::Hangul));
        assert!(mostly_in_script("नगर परिषद ने सोमवार को बजट पर चर्चा की", Script::Devanagari));
        assert!(mostly_in_script("Το δημοτικό συμβούλιο συνεδρίασε", Script::Greek));
        assert!(mostly_in_script("השבוע דנה המועצה בתקציב", Script::Hebrew));
        assert!(mostly_in_script("市議会は火曜日、自転車道を承認した（NHK）", Script::Cjk));
    }

    proptest::proptest! {
        #[test]
        fn ascii_letters_and_lead_bytes_are_counted_as_defined(text in "[a-zA-Z0-9 @\\[`{~é€𝄞Жß\u{80}-\u{7ff}]{0,40}") {
            let bytes = text.as_bytes();
            let letters = bytes.iter().filter(|b| b.is_ascii_alphabetic()).count();
            let lead_bytes = bytes.iter().filter(|&&b| b >= 0xC0).count();
            proptest::prop_assert_eq!(ascii_letters_and_lead_bytes(bytes), (letters, lead_bytes));
        }

        #[test]
        fn script_shares_match_the_definition(text in "[a-zA-Z0-9 .,'“”éèßçñА-яёЁіїєґ市议会ناقش-]{0,80}") {
            for script in [Script::Latin, Script::Cyrillic, Script::Arabic] {
                let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
                let in_script = letters.iter().filter(|&&c| script_of(c) == Some(script)).count();
                let expected = if text.is_ascii() {
                    script == Script::Latin && !letters.is_empty()
                } else {
                    in_script * 2 > letters.len()
                };
                proptest::prop_assert_eq!(mostly_in_script(&text, script), expected, "{:?}", script);
            }
        }
    }
}
