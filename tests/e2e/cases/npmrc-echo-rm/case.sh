# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# ~/.npmrc written by echo in one RUN, used by the next, removed in a third.
IMAGES=(node)
AUTH=bearer
WHO=tok-echo-rm
SECRET='npm_EchoRm0Token0abcdefghijklmnopqrs'
PROBE=/npm/acme-private
RUN_CMD=(node -e "require('acme-private')")
