# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# A Dockerfile with CRLF line ends.
IMAGES=(python)
WHO=ci-crlf
SECRET='Crlf-S3cret-8'
PROBE=/pypi/simple/app/
RUN_CMD=(python -c 'import app')
