#!/usr/bin/env bash
# Whole-process speed of `thresh clean` (release build, bundled defaults) in ONE run, against
# `rg -v -F -f PHRASES` (PHRASES = `thresh rules list --phrases`) and `cat` (the I/O floor), on
# inputs made from the benchmark's page view (../shared/bench/dev/page/*.txt):
#   - one plain-text stream of ~STREAM_MB (a single document: no stage may be quadratic), and
#     the same at half size (doubling the input must double the time);
#   - a JSONL shard of ~SHARD_MB, one page per record, with -j1 and -j2;
#   - a directory of the pages as separate files, copied to ~FILES files.
# Prints MB/s, the ratios the speed issue sets targets for, and peak RSS. Not a test.
# Each command runs RUNS times (default 3) and the fastest run counts (peak RSS: the largest);
# outputs go to /dev/shm when it exists, so that disk write-back does not time the tools.
#
#   scripts/bench-speed.sh                    # 200 MB stream, 500 MB shard, 20,000 files
#   scripts/bench-speed.sh --smoke            # tiny inputs: checks the harness runs (CI)
#   STREAM_MB=100 SHARD_MB=200 FILES=5000 scripts/bench-speed.sh
#   THRESH=/path/to/older/thresh scripts/bench-speed.sh   # measure another build
#   BEFORE=/path/to/older/thresh scripts/bench-speed.sh   # before/after: each thresh row runs
#       both builds in turn, run by run, so that the machine's drift hits both alike
set -euo pipefail
cd "$(dirname "$0")/.."
stream_mb=${STREAM_MB:-200} shard_mb=${SHARD_MB:-500} files=${FILES:-20000} profile=release pages_mb=1000
runs=${RUNS:-3}
pages=${BENCH_PAGES:-../shared/bench/dev/page}
if [ "${1:-}" = "--smoke" ]; then
  stream_mb=2 shard_mb=2 files=50 profile=debug pages_mb=1 runs=1
  # Without the benchmark data, the repository's own fixtures stand in.
  [ -d "$pages" ] || pages=fixtures/en
fi
work=${TMPDIR:-/tmp}/thresh-speed-$profile
mkdir -p "$work"
if [ "$profile" = release ]; then
  cargo build --release --locked -q
else
  cargo build --locked -q
fi
thresh=${THRESH:-$PWD/target/$profile/thresh}
before=${BEFORE:-}

# --- inputs (kept between runs) ---
one=$work/pages-once.txt
ls "$pages"/*.txt > /dev/null
# (cat stops early when head has enough: that SIGPIPE is expected.)
{ cat "$pages"/*.txt || true; } | head -c $((pages_mb * 1000 * 1000)) > "$one"
make_stream() { # make_stream FILE MB
  if [ -s "$1" ]; then return; fi
  : > "$1"
  while [ "$(stat -c %s "$1")" -lt $(($2 * 1000 * 1000)) ]; do cat "$one" >> "$1"; done
}
stream=$work/stream-${stream_mb}mb.txt
half=$work/stream-$((stream_mb / 2))mb.txt
make_stream "$stream" "$stream_mb"
make_stream "$half" $((stream_mb / 2))
shard=$work/shard-${shard_mb}mb.jsonl
if [ ! -s "$shard" ]; then
  python3 - "$pages" "$shard" "$shard_mb" <<'PY'
import json, os, sys
pages, shard, size_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
texts = []
for name in sorted(os.listdir(pages)):
    if name.endswith(".txt"):
        with open(os.path.join(pages, name), encoding="utf-8", errors="replace") as f:
            texts.append((name[:-4], f.read()))
written, n = 0, 0
with open(shard, "w", encoding="utf-8") as out:
    while written < size_mb * 1000 * 1000:
        for doc_id, text in texts:
            if written >= size_mb * 1000 * 1000:
                break
            line = json.dumps({"id": f"{doc_id}-{n}", "text": text, "source": "bench-dev-page"}, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            n += 1
PY
fi
tree=$work/files-$files
if [ ! -d "$tree" ]; then
  mkdir -p "$tree.tmp"
  python3 - "$pages" "$tree.tmp" "$files" <<'PY'
import os, shutil, sys
pages, tree, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
names = sorted(n for n in os.listdir(pages) if n.endswith(".txt"))
for i in range(count):
    sub = os.path.join(tree, f"{i // 1000:03d}")
    os.makedirs(sub, exist_ok=True)
    shutil.copyfile(os.path.join(pages, names[i % len(names)]), os.path.join(sub, f"{i:06d}.txt"))
PY
  mv "$tree.tmp" "$tree"
fi
phrases=$work/phrases.txt
"$thresh" rules list --phrases > "$phrases"

# --- measurements ---
declare -A mbps rss
out=$work
[ -d /dev/shm ] && [ -w /dev/shm ] && out=$(mktemp -d /dev/shm/thresh-speed.XXXXXX)
trap '[ "$out" = "$work" ] || rm -rf "$out"' EXIT
# run_once COMMAND...: runs COMMAND once (stdout to a file under $out, which COMMAND's own
# output directory "$out/out" also uses); sets $seconds and $kib (peak RSS).
run_once() {
  local start end
  rm -rf "$out/out" "$out/out.txt"
  start=$(date +%s.%N)
  /usr/bin/time -o "$work/time" -f '%M' "$@" > "$out/out.txt"
  end=$(date +%s.%N)
  seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')
  kib=$(tail -1 "$work/time")
}
min() { awk -v a="${1:-$2}" -v b="$2" 'BEGIN { print (b < a) ? b : a }'; }
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (b > a) ? b : a }'; }
# record KEY BYTES SECONDS KIB: the best MB/s and peak RSS of a row.
record() {
  mbps[$1]=$(awk -v b="$2" -v t="$3" 'BEGIN { printf "%.1f", b / 1e6 / t }')
  rss[$1]=$(awk -v k="$4" 'BEGIN { printf "%.1f", k / 1024 }')
  printf '%-40s %9s MB/s  peak RSS %8s MiB\n' "$1" "${mbps[$1]}" "${rss[$1]}"
}
# measure KEY BYTES COMMAND...: runs COMMAND $runs times; the fastest run and the largest
# peak RSS count.
measure() {
  local key=$1 bytes=$2 run best= peak=0; shift 2
  for ((run = 0; run < runs; run++)); do
    run_once "$@"
    best=$(min "$best" "$seconds") peak=$(max "$peak" "$kib")
  done
  record "$key" "$bytes" "$best" "$peak"
}
# measure_thresh KEY BYTES ARGS...: `thresh ARGS...` like measure; with $BEFORE, that build
# too, the two taking turns run by run, recorded as "KEY (before)".
measure_thresh() {
  local key=$1 bytes=$2 run best= peak=0 best_before= peak_before=0; shift 2
  for ((run = 0; run < runs; run++)); do
    if [ -n "$before" ]; then
      run_once "$before" "$@"
      best_before=$(min "$best_before" "$seconds") peak_before=$(max "$peak_before" "$kib")
    fi
    run_once "$thresh" "$@"
    best=$(min "$best" "$seconds") peak=$(max "$peak" "$kib")
  done
  [ -z "$before" ] || record "$key (before)" "$bytes" "$best_before" "$peak_before"
  record "$key" "$bytes" "$best" "$peak"
  thresh_rows+=("$key")
}
thresh_rows=()
size() { stat -c %s "$1"; }
tree_bytes=$(du -sb "$tree" | cut -f1)
largest_doc=$(ls -S "$pages"/*.txt | sed -n 1p | xargs stat -c %s)

echo "inputs: stream $(size "$stream") B, shard $(size "$shard") B, $files files ($tree_bytes B); $(wc -l < "$phrases") phrases"
measure "stream: cat > file" "$(size "$stream")" cat "$stream"
if command -v rg > /dev/null; then
  # rg exits 1 when it prints nothing; that is not a failure here.
  measure "stream: rg -v -F -f PHRASES (1 thread)" "$(size "$stream")" sh -c 'rg -j1 -v -F -f "$1" "$2"; [ $? -le 1 ]' sh "$phrases" "$stream"
fi
measure_thresh "stream: thresh clean" "$(size "$stream")" clean -q "$stream"
measure_thresh "half stream: thresh clean" "$(size "$half")" clean -q "$half"
measure "shard: cat > file" "$(size "$shard")" cat "$shard"
measure_thresh "shard: thresh clean -j1" "$(size "$shard")" clean -q -j1 "$shard" -o "$out/out"
measure_thresh "shard: thresh clean -j2" "$(size "$shard")" clean -q -j2 "$shard" -o "$out/out"
measure "files: cp -r" "$tree_bytes" cp -r "$tree" "$out/out"
measure_thresh "files: thresh clean -j2" "$tree_bytes" clean -q -j2 "$tree" -o "$out/out"
rm -rf "$out/out" "$out/out.txt"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
# Time per byte, half stream vs whole: 1.00 means linear.
linearity=$(ratio "${mbps[half stream: thresh clean]}" "${mbps[stream: thresh clean]}")
echo
echo "| target | measured |"
echo "|---|---|"
if [ -n "${mbps[stream: rg -v -F -f PHRASES (1 thread)]:-}" ]; then
  echo "| stream, defaults, vs rg on one thread: >= 1.5x | $(ratio "${mbps[stream: thresh clean]}" "${mbps[stream: rg -v -F -f PHRASES (1 thread)]}")x (${mbps[stream: thresh clean]} vs ${mbps[stream: rg -v -F -f PHRASES (1 thread)]} MB/s) |"
fi
echo "| shard -j2 vs -j1: >= 1.8x | $(ratio "${mbps[shard: thresh clean -j2]}" "${mbps[shard: thresh clean -j1]}")x |"
echo "| files -j2 vs cp -r | $(ratio "${mbps[files: thresh clean -j2]}" "${mbps[files: cp -r]}")x |"
echo "| peak RSS, shard -j2: < 64 MB + largest document ($((largest_doc / 1024)) KiB) | ${rss[shard: thresh clean -j2]} MiB |"
echo "| peak RSS, stream (one document of $(( $(size "$stream") / 1000000 )) MB) | ${rss[stream: thresh clean]} MiB |"
echo "| doubling the input doubles the time (+-15%): half/whole MB/s | ${linearity} |"
if [ -n "$before" ]; then
  echo
  echo "| thresh, before -> after (runs interleaved) | MB/s | peak RSS (MiB) |"
  echo "|---|---|---|"
  for key in "${thresh_rows[@]}"; do
    echo "| ${key#*: thresh } (${key%%:*}) | ${mbps[$key (before)]} -> ${mbps[$key]} ($(ratio "${mbps[$key]}" "${mbps[$key (before)]}")x) | ${rss[$key (before)]} -> ${rss[$key]} |"
  done
fi
