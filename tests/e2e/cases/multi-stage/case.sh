# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# A token build-arg in a build stage: the final image is clean, the stage is
# not (its history and ~/.gitconfig), and `--target build` ships it.
IMAGES=(go base)
WHO=ci-multi
SECRET='ghp_MultiStage0Token0abcdefghijklmnopqr'
PROBE='/git/org/private.git/info/refs?service=git-upload-pack'
BUILD_ARGS=(--build-arg GITHUB_TOKEN=ghp_MultiStage0Token0abcdefghijklmnopqr)
FILL=("GITHUB_TOKEN=ghp_MultiStage0Token0abcdefghijklmnopqr")
STAGES=(build)
RUN_CMD=(cat /README)
