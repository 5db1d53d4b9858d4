# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# git keeps the clone URL, credentials and all, in /src/.git/config.
WHO=ci-clone
SECRET='ghp_CloneUrl0Token0abcdefghijklmnopqrst'
PROBE='/git/org/private.git/info/refs?service=git-upload-pack'
RUN_CMD=(git log --oneline)
