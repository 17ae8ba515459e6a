#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 300), seeding the corpora from fixtures/
# and rules/. Needs the nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# Crashes land in fuzz/artifacts/TARGET/; reproduce one with
#   cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-…
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decode clean rule_file records sniff)

seed() {
    local dir=fuzz/corpus/$1
    mkdir -p "$dir"
    shift
    for f in "$@"; do cp -n "$f" "$dir/" 2>/dev/null || true; done
}
seed decode fixtures/*/*.in.txt
seed clean fixtures/*/*.in.txt
seed rule_file rules/*.toml rules/*/*.toml fixtures/rule-kinds/*/rules.toml
mkdir -p fuzz/corpus/records
printf '{"text":"Advertisement\\n\\nBody text here.","url":"https://example.com/a"}\n{"id":1}\n\n' \
    > fuzz/corpus/records/jsonl
printf 'WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: https://example.com/\r\nContent-Length: 28\r\n\r\nAdvertisement\n\nBody text.\n\r\n\r\n' \
    > fuzz/corpus/records/wet

for target in "${targets[@]}"; do
    echo "== $target: ${seconds}s"
    cargo +nightly fuzz run "$target" -- -max_total_time="$seconds" -max_len=65536 \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 2>&1 |
        grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|==[0-9]+== ERROR)|Done [0-9]+ runs|panicked" || true
done
