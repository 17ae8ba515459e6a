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
measure() { # label, command...
  local label=$1; shift
  local start end rss
  start=$(date +%s.%N)
  rss=$( { /usr/bin/time -f '%M' "$@" > "$work/out.txt"; } 2>&1 | tail -1 )
  end=$(date +%s.%N)
  awk -v l="$label" -v b="$bytes" -v s="$start" -v e="$end" -v r="$rss" \
    'BEGIN { t = e - s; printf "%-22s %8.1f MB/s  %7.2f s  peak RSS %6.1f MB\n", l, b / 1e6 / t, t, r / 1024 }'
}
echo "input: $input ($(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }'))"
measure "cat (I/O floor)" cat "$input"
measure "thresh clean" ./target/release/thresh clean -q "$input"
