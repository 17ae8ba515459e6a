# Shared by the benchmark scripts (sourced, not run). Needs $work (scratch directory) and
# $bytes (input size) set by the caller.

# measure LABEL COMMAND...: runs COMMAND once, its standard output written to $work/out.txt and
# its output directory $work/out cleared first, and prints MB/s over $bytes and peak RSS.
measure() {
  local label=$1; shift
  local start end rss
  rm -rf "$work/out"
  start=$(date +%s.%N)
  rss=$( { /usr/bin/time -f '%M' "$@" > "$work/out.txt"; } 2>&1 | tail -1 )
  end=$(date +%s.%N)
  awk -v l="$label" -v b="$bytes" -v s="$start" -v e="$end" -v r="$rss" \
    'BEGIN { t = e - s; printf "%-26s %8.1f MB/s  %7.2f s  peak RSS %7.1f MB\n", l, b / 1e6 / t, t, r / 1024 }'
}
