#!/usr/bin/env bash
# Quality on the gold benchmark: cleans the three dev views (page, article, gold) with the
# bundled defaults and no flags, scores them with `thresh eval`, and prints the table of
# issue #4 next to the references. Also checks the five seeds against their fixtures.
#
#   scripts/bench-quality.sh [BENCH_DIR]     (default ../shared/bench/dev)
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${1:-../shared/bench/dev}
work=${TMPDIR:-/tmp}/thresh-quality
cargo build --release --locked -q
thresh=./target/release/thresh
rm -rf "$work"
declare -A macro_f1 macro_r
for view in page article gold; do
  "$thresh" clean -q "$bench/$view" -o "$work/$view" || true
  json=$("$thresh" eval --json "$bench/gold" "$work/$view")
  macro_f1[$view]=$(printf '%s' "$json" | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["macro_avg"]["f1"])')
  macro_r[$view]=$(printf '%s' "$json" | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["macro_avg"]["r"])')
  macro_p=$(printf '%s' "$json" | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["macro_avg"]["p"])')
  echo "$view: macro P=$macro_p R=${macro_r[$view]} F1=${macro_f1[$view]}" >&2
done
seeds=0
for n in 000 001 002 003 004; do
  "$thresh" clean fixtures/seeds/$n.in.txt | cmp -s - fixtures/seeds/$n.out.txt && seeds=$((seeds + 1))
done
printf '\n| input view | reference (macro F1) | target | thresh |\n|---|---|---|---|\n'
printf '| page | identity 0.602; C4 line rules 0.772 | F1 >= 0.86 | F1 %s |\n' "${macro_f1[page]}"
printf '| article | identity 0.801 (R 0.963) | F1 >= 0.88, R >= 0.93 | F1 %s, R %s |\n' "${macro_f1[article]}" "${macro_r[article]}"
printf '| gold | - | R >= 0.99 | R %s |\n' "${macro_r[gold]}"
printf '| seeds | - | as specified | %s/5 match their fixtures |\n' "$seeds"
