#!/usr/bin/env bash
# Quality on both benchmarks with the bundled defaults and no flags: cleans the three dev views
# of the gold benchmark (page, article, gold) and scores them with `thresh eval`, cleans the
# snippet pages and scores them with the benchmark's snippets-score.py, checks the five seeds
# against their fixtures, and prints the table of issue #17 (targets) next to the references.
# With --cross-validate it also retrains the line model leave-one-source-out (about 8 minutes)
# and checks that training reproduces models/judgement.json byte for byte.
#
#   scripts/bench-quality.sh [--cross-validate] [BENCH_DIR]     (default ../shared/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
cross_validate=false
if [[ ${1:-} == --cross-validate ]]; then
  cross_validate=true
  shift
fi
bench=${1:-../shared/bench}
# The gold benchmark's dev split, also accepted directly (the script's old argument).
dev=$bench/dev
[[ -d $dev ]] || dev=$bench
work=${TMPDIR:-/tmp}/thresh-quality
cargo build --release --locked -q
thresh=./target/release/thresh
rm -rf "$work"
declare -A macro_f1 macro_r
for view in page article gold; do
  "$thresh" clean -q "$dev/$view" -o "$work/$view" || true
  json=$("$thresh" eval --json "$dev/gold" "$work/$view")
  read -r p r f1 losing < <(printf '%s' "$json" | python3 -c 'import json,sys; d=json.load(sys.stdin); m=d["macro_avg"]; print("%.4f %.4f %.4f %d" % (m["p"], m["r"], m["f1"], d["docs_losing_a_fifth"]))')
  macro_f1[$view]=$f1
  macro_r[$view]=$r
  [[ $view == gold ]] && gold_losing=$losing
  echo "$view: macro P=$p R=$r F1=$f1" >&2
done
snippets=$bench/snippets
keep=- drop=-
if [[ -d $snippets/page ]]; then
  "$thresh" clean -q "$snippets/page" -o "$work/snippets" || true
  read -r keep drop < <(python3 "$bench/snippets-score.py" "$snippets" "$work/snippets" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.3f %.3f" % (d["keep"], d["drop"]))')
fi
seeds=0
for n in 000 001 002 003 004; do
  "$thresh" clean fixtures/seeds/$n.in.txt | cmp -s - fixtures/seeds/$n.out.txt && seeds=$((seeds + 1))
done
printf '\n| measure | reference | target | thresh |\n|---|---|---|---|\n'
printf '| page macro F1 | identity 0.602; C4 line rules 0.772 | >= 0.89 | %s |\n' "${macro_f1[page]}"
printf '| article macro F1 / R | identity 0.801 / 0.963 | >= 0.90 / >= 0.95 | %s / %s |\n' "${macro_f1[article]}" "${macro_r[article]}"
printf '| gold macro R; documents losing > 20%% | - | >= 0.995; <= 3 | %s; %s |\n' "${macro_r[gold]}" "$gold_losing"
printf '| snippets keep / drop | trafilatura 0.953 / 0.904 (unseen half) | >= 0.96 / >= 0.80 | %s / %s |\n' "$keep" "$drop"
printf '| seeds | - | 5/5 | %s/5 |\n' "$seeds"
if $cross_validate; then
  printf '\nLeave one source out (gold sources: page, article and gold views pooled; macro F1):\n\n'
  "$thresh" train --gold "$dev/gold" --view "$dev/page" --view "$dev/article" --view "$dev/gold" \
    --snippets "$snippets/snippets.json" \
    -o "$work/model.json" --cross-validate
  if cmp -s "$work/model.json" models/judgement.json; then
    echo "training reproduces models/judgement.json byte for byte" >&2
  else
    echo "training does NOT reproduce models/judgement.json (run scripts/train-model.sh)" >&2
  fi
fi
