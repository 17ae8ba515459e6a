#!/usr/bin/env bash
# Corpus throughput: a ~SIZE_MB JSONL shard (one benchmark page per record, the page view of
# ../shared/bench/dev repeated with fresh ids) cleaned with -j1 and -j2, against `cat` over the
# same shard (the I/O floor). Reports MB/s and peak RSS. A benchmark, not a test.
#
#   scripts/bench-corpus.sh [SIZE_MB]     (default 500)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-500}
pages=${BENCH_PAGES:-../shared/bench/dev/page}
work=${TMPDIR:-/tmp}/thresh-bench
mkdir -p "$work"
shard=$work/pages-${size_mb}mb.jsonl
if [ ! -s "$shard" ]; then
  python3 - "$pages" "$shard" "$size_mb" <<'PY'
import json, os, sys
pages, shard, size_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
texts = []
for name in sorted(os.listdir(pages)):
    if name.endswith(".txt"):
        with open(os.path.join(pages, name), encoding="utf-8", errors="replace") as f:
            texts.append((name[:-4], f.read()))
written, n = 0, 0
with open(shard, "w", encoding="utf-8") as out:
    while written < size_mb * 1024 * 1024:
        for doc_id, text in texts:
            line = json.dumps({"id": f"{doc_id}-{n}", "text": text, "source": "bench-dev-page"}, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            n += 1
PY
fi
cargo build --release --locked -q
bytes=$(stat -c %s "$shard")
. scripts/bench-lib.sh
echo "shard: $shard ($(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }'), $(wc -l < "$shard") records)"
measure "cat > file (I/O floor)" sh -c "cat '$shard' > '$work/cat.out'"
measure "thresh clean -j1" ./target/release/thresh clean -q -j1 "$shard" -o "$work/out"
measure "thresh clean -j2" ./target/release/thresh clean -q -j2 "$shard" -o "$work/out"
rm -f "$work/cat.out"
