# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# .npmrc copied with other files in one COPY, removed in the RUN.
IMAGES=(node)
AUTH=bearer
WHO=tok-multi-source
SECRET='npm_MultiSource0Token0abcdefghijklmn'
PROBE=/npm/acme-private
RUN_CMD=(node -e "require('acme-private')")
