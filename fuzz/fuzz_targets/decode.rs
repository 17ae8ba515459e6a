//! Arbitrary bytes → decode: never panics; NUL bytes come through only as UTF-16 code units.
#![no_main]
use libfuzzer_sys::fuzz_target;
use thresh::{decode, DecodeOptions};

fuzz_target!(|bytes: &[u8]| {
    if let Ok(decoded) = decode(bytes, "fuzz", DecodeOptions::default()) {
        let utf16 = decoded.encoding.name().starts_with("UTF-16");
        assert!(utf16 || !decoded.text.contains('\0'), "{}", decoded.encoding.name());
        // Decoding is a pure function of the bytes.
        let again = decode(bytes, "fuzz", DecodeOptions::default()).unwrap();
        assert_eq!(again.text, decoded.text);
    }
});
