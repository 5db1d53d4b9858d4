# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# ARG promoted to ENV; the project's .npmrc names ${NPM_TOKEN}, which npm
# expands when it reads the file. The RUN never names the token.
IMAGES=(node)
AUTH=bearer
WHO=tok-env-promoted
SECRET='npm_Env0Promoted0Token0abcdefghijklmnop'
PROBE=/npm/acme-private
BUILD_ARGS=(--build-arg NPM_TOKEN=npm_Env0Promoted0Token0abcdefghijklmnop)
FILL=("NPM_TOKEN=npm_Env0Promoted0Token0abcdefghijklmnop")
RUN_CMD=(node -e "require('acme-private')")
