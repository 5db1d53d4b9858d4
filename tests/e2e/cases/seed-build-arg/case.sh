# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# Credentials passed with --build-arg (they stay in the history); after dfix
# the password goes in .env (a user name is no secret: it stays a build arg).
IMAGES=(python)
WHO=ci-seed-arg
SECRET='Arg-S3cret-77'
PROBE=/pypi/simple/dnxlogger/
BUILD_ARGS=(--build-arg PYPI_USER=ci-seed-arg --build-arg PYPI_PASS=Arg-S3cret-77 --build-arg "PYPI_URL=$E2E_REPO/pypi/simple")
FILL=("PYPI_PASS=Arg-S3cret-77")
BUILD_ARGS_AFTER=(--build-arg PYPI_USER=ci-seed-arg --build-arg "PYPI_URL=$E2E_REPO/pypi/simple")
RUN_CMD=(myapp.py)
