# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# `git config --global url.<with token>.insteadOf` writes ~/.gitconfig.
WHO=ci-insteadof
SECRET='ghp_InsteadOf0Token0abcdefghijklmnopqr'
PROBE='/git/org/private.git/info/refs?service=git-upload-pack'
RUN_CMD=(cat /src/README)
