# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# The `docker login` shape: a login that stores the credential, base64, in
# ~/.docker/config.json. A build step has no Docker daemon, so the client is
# skopeo, which writes the same file (--authfile) without one.
IMAGES=(skopeo)
SERVER=registry
WHO=ci-registry
SECRET='Registry-S3cret-21'
RUN_CMD=(skopeo --version)
