#!/usr/bin/env bash
# The whole test suite, on a fresh machine: `bash tests/run.sh`.
#
# Sets up what the tests need (a Python venv with BuildKit's parser for the
# differential test), then runs formatting and lint checks and every test.
# Under CI=true nothing may be skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! .venv/bin/python -c 'import dockerfile' 2>/dev/null; then
    echo "== setting up .venv with BuildKit's parser (PyPI: dockerfile)"
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check dockerfile
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets --quiet -- -D warnings
echo "== cargo test"
cargo test

echo "== end-to-end on a real BuildKit (tests/e2e/run.sh)"
cargo build --quiet
bash tests/e2e/run.sh
