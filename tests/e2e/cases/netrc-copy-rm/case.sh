# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# git (libcurl) reads ~/.netrc; the COPY layer keeps it.
WHO=ci-netrc
SECRET='Netrc-Git-S3cret-5'
PROBE='/git/org/private.git/info/refs?service=git-upload-pack'
RUN_CMD=(git -C /src log --oneline)
