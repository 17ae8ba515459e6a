#!/usr/bin/env bash
# The whole test suite, as CI runs it: the lint gates (rustfmt, clippy, rustdoc), the Rust
# tests, a smoke run of the benchmarks, then the Python package built as a wheel (maturin) into a private virtualenv and its tests: the
# Cleaner, and the datatrove, PySpark (local mode, needs Java) and Ray (local) adapters, all
# checked against `thresh clean`.
set -euo pipefail
cd "$(dirname "$0")/.."
# The lints in lib.rs gate: formatting, clippy on every target, and the docs (broken links,
# missing docs) with warnings denied.
cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps -q
cargo test --locked
# The benchmarks run once each as a smoke test (no timings judged), so they cannot rot.
cargo test --locked --benches -q
scripts/bench-speed.sh --smoke > /dev/null

venv=target/python-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q -r python/requirements-test.txt
rm -rf target/wheels
"$venv/bin/maturin" build --release --locked -q -m python/Cargo.toml -o target/wheels
"$venv/bin/pip" install -q --force-reinstall --no-deps target/wheels/thresh-*.whl
# Run from outside the source tree, so the tests import the installed wheel.
cd python/tests
THRESH_BIN="$OLDPWD/target/debug/thresh" "../../$venv/bin/python" -m pytest -q -p no:cacheprovider .
