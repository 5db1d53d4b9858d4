# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# COPY . . brings the context's .netrc, which .dockerignore misses (DF005):
# dfix leaves it out and mounts it where git (libcurl) reads it.
WHO=ci-ctxdot
SECRET='Ctx-Dot-S3cret-7'
PROBE='/git/org/private.git/info/refs?service=git-upload-pack'
RUN_CMD=(git -C /src log --oneline)
