#!/bin/sh
set -eu
cd "$(dirname "$0")/.."
docker buildx build --build-arg "NPM_TOKEN=${NPM_TOKEN}" -t web:dev .
