#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."

# Pass the registry token through to the build.
docker build --build-arg NPM_TOKEN --progress=plain -t app .
