#!/usr/bin/env bash
# Hostile inputs too big for CI (each ≥ 100 MB), run against the release binary. Each case
# prints what thresh did, its exit code and its peak RSS; none may crash or run out of memory.
#
#   scripts/hostile-large.sh [SCRATCH_DIR]     (default $TMPDIR/thresh-hostile; needs ~4 GB)
set -uo pipefail
cd "$(dirname "$0")/.."
work=${1:-${TMPDIR:-/tmp}/thresh-hostile}
mkdir -p "$work"
cargo build --release --locked -q
thresh=$PWD/target/release/thresh

# run LABEL COMMAND...: runs COMMAND, stdout to $work/out, and reports exit code, time, RSS and
# the last line thresh wrote to stderr.
run() {
  local label=$1; shift
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -o "$work/time" -f '%M' "$@" > "$work/out" 2> "$work/err"
  local code=$?
  end=$(date +%s.%N)
  awk -v l="$label" -v c="$code" -v s="$start" -v e="$end" -v r="$(tail -1 "$work/time")" \
    'BEGIN { printf "%-44s exit %d  %7.1f s  peak RSS %7.1f MB\n", l, c, e - s, r / 1024 }'
  grep -v '^thresh: .* of text in' "$work/err" | tail -2 | cut -c1-160 | sed 's/^/    /'
}

echo "== making inputs in $work"
one_line=$work/one-line-1g.txt
[ -s "$one_line" ] || { head -c 1000000000 /dev/zero | tr '\0' 'a'; echo; } > "$one_line"
jsonl=$work/one-record-1g.jsonl
[ -s "$jsonl" ] || { printf '{"text":"Advertisement\\n\\nSmall record."}\n{"text":"'; head -c 1000000000 /dev/zero | tr '\0' 'b'; printf '"}\n{"text":"last"}\n'; } > "$jsonl"
repetitive=$work/repetitive-200m.txt
[ -s "$repetitive" ] || yes 'Share this article on Facebook and Twitter. The council approved the budget on Monday.' |
  head -c 200000000 > "$repetitive"
bomb=$work/bomb.txt.gz
[ -s "$bomb" ] || head -c 4000000000 /dev/zero | tr '\0' 'z' | gzip -1 > "$bomb"

echo "== cases"
run "1 GB single line (default 512M limit)" "$thresh" clean "$one_line"
run "1 GB single line, --max-document-size 2G" "$thresh" clean --max-document-size 2G "$one_line"
run "1 GB JSONL record between two small ones" "$thresh" clean "$jsonl"
echo "    records out: $(wc -l < "$work/out"), bytes out: $(wc -c < "$work/out")"
run "200 MB of one repeated line" "$thresh" clean "$repetitive"
run "gzip bomb: 4 GB of one letter in $(du -h "$bomb" | cut -f1)" "$thresh" clean "$bomb"
