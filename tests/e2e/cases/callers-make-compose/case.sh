# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# A repository whose callers pass the credential with --build-arg: a
# Makefile, a compose file and a workflow's `docker build`. `dfix --write .`
# moves the ARG to a secret mount and every caller to --secret; `make image`
# and `docker compose build` then build with the value taken from the
# environment (CALLER_VAR), and it is in neither image.
IMAGES=(python)
KIND=callers
WHO=ci-callers
SECRET='Callers-S3cret-51'
PROBE=/pypi/simple/dnxlogger/
CALLER_VAR=PYPI_PASS
RUN_CMD=(myapp.py)
