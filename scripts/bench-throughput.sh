#!/usr/bin/env bash
# Whole-process throughput of `thresh clean` on one large plain-text stream made by
# concatenating the benchmark's page view (../shared/bench/dev/page/*.txt) to ~SIZE_MB.
# Prints MB/s and peak RSS for thresh and, as the I/O floor, for `cat`. Not a test.
#
#   scripts/bench-throughput.sh [SIZE_MB]     (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-200}
pages=${BENCH_PAGES:-../shared/bench/dev/page}
work=${TMPDIR:-/tmp}/thresh-bench
mkdir -p "$work"
input=$work/pages-${size_mb}mb.txt
if [ ! -s "$input" ]; then
  one=$work/pages-once.txt
  cat "$pages"/*.txt > "$one"
  : > "$input"
  while [ "$(stat -c %s "$input")" -lt $((size_mb * 1024 * 1024)) ]; do cat "$one" >> "$input"; done
fi
cargo build --release --locked -q
bytes=$(stat -c %s "$input")
. scripts/bench-lib.sh
echo "input: $input ($(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }'))"
measure "cat (I/O floor)" cat "$input"
measure "thresh clean" ./target/release/thresh clean -q "$input"
