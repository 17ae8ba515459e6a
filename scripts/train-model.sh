#!/usr/bin/env bash
# Rebuilds the bundled line model, models/judgement.json, from the dev benchmark: the three
# gold-labelled views (page, article, gold) and the keep/drop snippets. Deterministic: the
# same data give the same file, byte for byte. With --cross-validate, also prints the
# leave-one-source-out table (docs/model.md).
#
#   scripts/train-model.sh [--cross-validate] [BENCH_DIR]     (default ../shared/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
extra=()
if [[ ${1:-} == --cross-validate ]]; then
  extra+=(--cross-validate)
  shift
fi
bench=${1:-../shared/bench}
cargo build --release --locked -q
./target/release/thresh train \
  --gold "$bench/dev/gold" --view "$bench/dev/page" --view "$bench/dev/article" --view "$bench/dev/gold" \
  --snippets "$bench/snippets/snippets.json" \
  -o models/judgement.json "${extra[@]}"
