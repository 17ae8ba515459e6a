//! Arbitrary bytes as a JSONL shard and as a WET file, through the corpus runner: never panics,
//! and every JSONL line is accounted for (cleaned, passed through, or reported).
#![no_main]
use std::io::Cursor;
use std::sync::atomic::AtomicBool;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use thresh::batch::{Batch, BatchOptions, Silent};
use thresh::read::plan::Format;
use thresh::read::wet::WarcReader;
use thresh::{Cleaner, RuleSetBuilder};

fn cleaner() -> &'static Cleaner {
    static CLEANER: OnceLock<Cleaner> = OnceLock::new();
    CLEANER.get_or_init(|| Cleaner::new(RuleSetBuilder::with_bundled().build().unwrap()))
}

fuzz_target!(|bytes: &[u8]| {
    let options = BatchOptions { max_document_bytes: 1 << 16, ..BatchOptions::default() };
    let cancel = AtomicBool::new(false);
    let batch = Batch::new(cleaner(), &options, &Silent, &cancel);
    for format in [Format::Jsonl, Format::Wet] {
        let mut out = Vec::new();
        let input = Box::new(Cursor::new(bytes.to_vec()));
        let stats = batch.run_stream("fuzz", format, input, &mut out).unwrap();
        if format == Format::Jsonl && stats.files_done == 1 {
            // With the default policy (keep), no line is lost.
            assert_eq!(bytecount_lines(&out), bytecount_lines(bytes), "{stats:?}");
        }
    }
    let mut reader = WarcReader::new(bytes);
    while let Ok(Some(_)) = reader.next_record() {}
});

fn bytecount_lines(bytes: &[u8]) -> usize {
    bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count()
}
