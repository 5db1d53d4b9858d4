# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# A credential file written by one RUN, used by the next, removed in a third:
# the first RUN's layer keeps it.
IMAGES=(python)
WHO=ci-pipconf2
SECRET='PipPrintf-S3cret-9'
PROBE=/pypi/simple/privatestuff/
RUN_CMD=(python -c 'import privatestuff')
