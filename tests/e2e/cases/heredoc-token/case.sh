# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# A token inside a RUN heredoc (the clone's .git is removed in the same RUN).
IMAGES=(base)
WHO=ci-heredoc
SECRET='ghp_Heredoc0Token0abcdefghijklmnopqrstu'
PROBE='/git/org/private.git/info/refs?service=git-upload-pack'
NEEDS=heredoc
RUN_CMD=(cat /src/README)
