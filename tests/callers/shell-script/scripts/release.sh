#!/bin/sh
cd "$(dirname "$0")/.."
docker build --build-arg NPM_TOKEN=npm_LiteralValueDoNotPrint -f deploy/Dockerfile .
