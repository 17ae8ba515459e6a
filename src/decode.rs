//! Stage 2, decode: raw bytes → UTF-8 text.
//!
//! Order of evidence: a byte-order mark wins; then valid UTF-8 is taken as is; then an explicit
//! `--encoding` label; then a UTF-16 layout without BOM (NULs on every other byte); then text
//! that is *mostly* UTF-8 (see [`mostly_utf8`]) is read as UTF-8 with only its stray bytes
//! replaced; then chardetng's guess. NUL bytes in anything that is not UTF-16 mean binary
//! input, which is refused.
//!
//! Why "mostly UTF-8" comes before the guess: one stray byte (a windows-1252 `\x92` pasted
//! into a UTF-8 page) makes the bytes invalid UTF-8, and a legacy decoding of the whole
//! document would turn every correct multi-byte character into mojibake (`’` → `â€™`).

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use crate::error::InputError;

/// How the caller wants bytes decoded.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecodeOptions {
    /// Use this encoding when the bytes are not valid UTF-8 and carry no BOM.
    pub encoding: Option<&'static Encoding>,
}

impl DecodeOptions {
    /// Builds options from an encoding label such as `latin1` or `windows-1252`.
    pub fn with_label(label: &str) -> Result<Self, InputError> {
        let encoding = Encoding::for_label(label.trim().as_bytes())
            .ok_or_else(|| InputError::UnknownEncoding(label.to_string()))?;
        Ok(DecodeOptions { encoding: Some(encoding) })
    }
}

/// Decoded text and how it was obtained.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, always UTF-8.
    pub text: String,
    /// The encoding the bytes were read as.
    pub encoding: &'static Encoding,
    /// Number of malformed sequences replaced by U+FFFD.
    pub replacements: usize,
}

/// Like [`decode`], but takes the bytes by value so that valid UTF-8 becomes the text without a
/// copy (a corpus document can be hundreds of megabytes).
pub fn decode_owned(bytes: Vec<u8>, path: &str, options: DecodeOptions) -> Result<Decoded, InputError> {
    if Encoding::for_bom(&bytes).is_some() || memchr_nul(&bytes).is_some() {
        return decode(&bytes, path, options);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Decoded { text, encoding: UTF_8, replacements: 0 }),
        Err(not_utf8) => decode(not_utf8.as_bytes(), path, options),
    }
}

/// Decodes `bytes` read from `path` (used only in error messages).
pub fn decode(bytes: &[u8], path: &str, options: DecodeOptions) -> Result<Decoded, InputError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        // UTF-16 has NUL halves; UTF-8 text has no NUL bytes, BOM or not.
        if let (true, Some(offset)) = (encoding == UTF_8, memchr_nul(bytes)) {
            return Err(InputError::Binary { path: path.to_string(), offset });
        }
        return Ok(decode_with(encoding, &bytes[bom_len..]));
    }
    if let Some(offset) = memchr_nul(bytes) {
        return match utf16_without_bom(bytes) {
            Some(encoding) => Ok(decode_with(encoding, bytes)),
            None => Err(InputError::Binary { path: path.to_string(), offset }),
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded { text: text.to_string(), encoding: UTF_8, replacements: 0 });
    }
    let encoding = match options.encoding {
        Some(encoding) => encoding,
        None if mostly_utf8(bytes) => UTF_8,
        None => guess_encoding(bytes),
    };
    Ok(decode_with(encoding, bytes))
}

/// True when `bytes` (not valid UTF-8) read as UTF-8 with a few stray bytes: it holds valid
/// multi-byte UTF-8 characters, and no more invalid sequences than those. Legacy 8-bit text
/// almost never forms a valid multi-byte sequence (a lead byte 0xC2–0xF4 followed by the
/// right number of continuation bytes 0x80–0xBF), so it has many invalid sequences and next
/// to no valid ones. Text with no multi-byte character at all is left to the detector: its
/// ASCII reads the same in every candidate encoding, and only its stray bytes differ.
pub fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        // Lead bytes of multi-byte characters: one per character.
        multibyte += chunk.valid().bytes().filter(|&b| b >= 0xC0).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    multibyte > 0 && invalid <= multibyte
}

/// `bytes` as UTF-8, each malformed sequence replaced by U+FFFD, and how many were.
pub fn lossy_utf8(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, usize) {
    // `from_utf8` checks valid text (nearly all) several times faster than the lossy walk.
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (std::borrow::Cow::Borrowed(text), 0);
    }
    let text = String::from_utf8_lossy(bytes);
    let replacements = match text {
        std::borrow::Cow::Borrowed(_) => 0,
        std::borrow::Cow::Owned(_) => count_replacements(bytes),
    };
    (text, replacements)
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> Decoded {
    let (text, replacements) = if encoding == UTF_8 {
        let (text, replacements) = lossy_utf8(bytes);
        (text.into_owned(), replacements)
    } else {
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        let replacements = if had_errors { text.matches('\u{FFFD}').count() } else { 0 };
        (text.into_owned(), replacements)
    };
    Decoded { text, encoding, replacements }
}

fn count_replacements(bytes: &[u8]) -> usize {
    let mut count = 0;
    for chunk in bytes.utf8_chunks() {
        if !chunk.invalid().is_empty() {
            count += 1;
        }
    }
    count
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

/// UTF-16 text without a BOM has NULs as the high byte of nearly every ASCII character,
/// all on odd offsets (little endian) or all on even offsets (big endian).
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || bytes.len() % 2 != 0 {
        return None;
    }
    let (mut nul_even, mut nul_odd) = (0usize, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        if b == 0 {
            if i % 2 == 0 {
                nul_even += 1;
            } else {
                nul_odd += 1;
            }
        }
    }
    let units = bytes.len() / 2;
    // Most units of real UTF-16 text are ASCII or Latin-1 (a NUL half); binary data is not so tidy.
    let mostly = |n: usize, other: usize| n * 10 >= units * 4 && other * 50 <= n;
    if mostly(nul_odd, nul_even) {
        Some(UTF_16LE)
    } else if mostly(nul_even, nul_odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn guess_encoding(bytes: &[u8]) -> &'static Encoding {
    // Plain text runs no scripts, so ISO-2022-JP is safe to allow (unlike for a browser).
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through() {
        let d = decode("Grüße — ok".as_bytes(), "x", DecodeOptions::default()).unwrap();
        assert_eq!(d.text, "Grüße — ok");
        assert_eq!(d.encoding, UTF_8);
    }

    #[test]
    fn owned_decoding_agrees_with_borrowed() {
        for bytes in [&b"plain"[..], b"\xEF\xBB\xBFbom", b"caf\xE9 cr\xE8me br\xFBl\xE9e", b"a\0b"] {
            let borrowed =
                decode(bytes, "x", DecodeOptions::default()).map(|d| d.text).map_err(|e| e.to_string());
            let owned = decode_owned(bytes.to_vec(), "x", DecodeOptions::default())
                .map(|d| d.text)
                .map_err(|e| e.to_string());
            assert_eq!(owned, borrowed);
        }
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let d = decode(b"\xEF\xBB\xBFhello", "x", DecodeOptions::default()).unwrap();
        assert_eq!(d.text, "hello");
    }

    #[test]
    fn a_utf8_bom_does_not_let_binary_through() {
        // Found by the decode fuzz target.
        let err = decode(b"\xEF\xBB\xBFtext\0\0\0more", "x.txt", DecodeOptions::default()).unwrap_err();
        assert!(matches!(err, InputError::Binary { offset: 7, .. }), "{err}");
    }

    #[test]
    fn utf16le_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Привет, world".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes, "x", DecodeOptions::default()).unwrap();
        assert_eq!(d.text, "Привет, world");
    }

    #[test]
    fn utf16be_without_bom_is_recognised() {
        let mut bytes = vec![];
        for u in "Plain text in big endian.".encode_utf16() {
            bytes.extend_from_slice(&u.to_be_bytes());
        }
        let d = decode(&bytes, "x", DecodeOptions::default()).unwrap();
        assert_eq!(d.text, "Plain text in big endian.");
        assert_eq!(d.encoding, UTF_16BE);
    }

    #[test]
    fn windows_1252_is_detected() {
        // "Café – naïve “quotes”" in windows-1252
        let bytes = b"Le caf\xE9 \x96 na\xEFve \x93quotes\x94 et l'\xE9t\xE9 fran\xE7ais \xE0 Paris.";
        let d = decode(bytes, "x", DecodeOptions::default()).unwrap();
        assert_eq!(d.text, "Le café – naïve “quotes” et l'été français à Paris.");
    }

    #[test]
    fn a_stray_byte_in_utf8_is_replaced_alone() {
        // A UTF-8 page with curly quotes and one windows-1252 apostrophe (0x92).
        let mut bytes = "It’s “here”. Don".as_bytes().to_vec();
        bytes.push(0x92);
        bytes.extend_from_slice("t go.\nThe café’s menu.\n".as_bytes());
        for d in [
            decode(&bytes, "x", DecodeOptions::default()).unwrap(),
            decode_owned(bytes.clone(), "x", DecodeOptions::default()).unwrap(),
        ] {
            assert_eq!(d.encoding, UTF_8);
            assert_eq!(d.text, "It’s “here”. Don\u{FFFD}t go.\nThe café’s menu.\n");
            assert_eq!(d.replacements, 1);
        }
    }

    #[test]
    fn legacy_multibyte_encodings_are_not_taken_for_utf8_with_stray_bytes() {
        let samples = [
            (
                encoding_rs::GBK,
                "中华人民共和国国务院今天发布了关于加强城市规划管理的通知，要求各地认真贯彻执行。",
            ),
            (
                encoding_rs::SHIFT_JIS,
                "東京都は今日、新しい交通計画を発表しました。市民の皆さんの協力をお願いします。",
            ),
            (
                encoding_rs::EUC_KR,
                "서울시는 오늘 새로운 교통 계획을 발표했습니다. 시민 여러분의 협조를 부탁드립니다.",
            ),
            (encoding_rs::BIG5, "臺北市政府今天公布新的交通計畫，請市民朋友們多多配合。"),
            (
                encoding_rs::WINDOWS_1251,
                "Правительство сегодня объявило о новых мерах поддержки малого бизнеса.",
            ),
            (encoding_rs::KOI8_R, "Правительство сегодня объявило о новых мерах поддержки малого бизнеса."),
            (
                encoding_rs::WINDOWS_1252,
                "Le café était fermé ; les élèves ont déjeuné à côté, près de l'église.",
            ),
        ];
        for (encoding, text) in samples {
            let (bytes, _, _) = encoding.encode(text);
            assert!(!mostly_utf8(&bytes), "{} text taken for UTF-8", encoding.name());
            let decoded = decode(&bytes, "x", DecodeOptions::default()).unwrap();
            assert_eq!(decoded.replacements, 0, "{}: {}", encoding.name(), decoded.text);
        }
    }

    #[test]
    fn mostly_utf8_needs_more_valid_characters_than_stray_bytes() {
        assert!(mostly_utf8("a’b".as_bytes().iter().chain(b"\x92").copied().collect::<Vec<_>>().as_slice()));
        // Legacy text: many invalid sequences, no valid multi-byte character.
        assert!(!mostly_utf8(b"caf\xE9 cr\xE8me br\xFBl\xE9e"));
        // ASCII and one stray byte: every encoding reads the ASCII alike; the detector decides.
        assert!(!mostly_utf8(b"plain \x92 text"));
        // One accidental valid pair among many legacy bytes.
        assert!(!mostly_utf8(b"\xC3\xA9 caf\xE9 na\xEFve \xE0 \xE7a"));
    }

    #[test]
    fn explicit_label_is_used_for_non_utf8() {
        let opts = DecodeOptions::with_label("koi8-r").unwrap();
        let (bytes, _, _) = encoding_rs::KOI8_R.encode("Привет мир");
        let d = decode(&bytes, "x", opts).unwrap();
        assert_eq!(d.text, "Привет мир");
    }

    #[test]
    fn unknown_label_is_an_error() {
        let err = DecodeOptions::with_label("klingon-8").unwrap_err();
        assert!(err.to_string().contains("klingon-8"));
    }

    #[test]
    fn nul_bytes_mean_binary() {
        let err = decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "pic.png", DecodeOptions::default()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("pic.png: looks binary"), "{msg}");
    }
}
