//! Arbitrary bytes → format recognition: never panics, gives back every byte it read, and says
//! the same on a buffered reader of any capacity as on the whole input.
#![no_main]
use std::io::{BufReader, Cursor, Read};

use libfuzzer_sys::fuzz_target;
use thresh::read::sniff::{detect, format_of};

fuzz_target!(|input: (u8, &[u8])| {
    let (capacity, bytes) = input;
    let reader = Box::new(BufReader::with_capacity(usize::from(capacity).max(1), Cursor::new(bytes.to_vec())));
    let (format, mut reader) = detect(reader).expect("reading memory cannot fail");
    let mut all = Vec::new();
    reader.read_to_end(&mut all).unwrap();
    assert_eq!(all, bytes, "every byte is given back");
    // The whole input, when it is shorter than what detection reads, decides the same.
    if bytes.len() < 64 << 10 {
        assert_eq!(format, format_of(bytes, true));
    }
});
