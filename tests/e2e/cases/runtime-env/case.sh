# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# A secret the container needs at run time, not the build: an ENV default.
# dfix should leave it alone and report it (dry run and plain --write); with
# --runtime-env FILE it moves the value to FILE and prints a
# `docker run --env-file FILE` line, and a container started that way sees it.
SERVER=none
KIND=runtime
SECRET='Runtime-S3cret-55'
RUNTIME_VAR=MYSQL_ROOT_PASSWORD
