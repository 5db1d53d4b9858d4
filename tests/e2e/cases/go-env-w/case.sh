# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# `go env -w GOPROXY=<with password>` writes ~/.config/go/env.
IMAGES=(go)
WHO=ci-go
SECRET='GoProxy-S3cret-8'
PROBE=/goproxy/example.com/private/@v/list
RUN_CMD=(go list -m all)
