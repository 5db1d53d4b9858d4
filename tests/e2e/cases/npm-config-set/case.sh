# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# `npm config set //host/:_authToken T` writes ~/.npmrc.
IMAGES=(node)
AUTH=bearer
WHO=tok-config-set
SECRET='npm_ConfigSet0Token0abcdefghijklmnopq'
PROBE=/npm/acme-private
RUN_CMD=(node -e "require('acme-private')")
