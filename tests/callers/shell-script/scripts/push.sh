#!/bin/sh
set -e
docker build --build-arg NPM_TOKEN -f Dockerfile.push -t app:push .
