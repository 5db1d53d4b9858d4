# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# A suppressed credential stays as written (a person judged it public); the
# other one moves to a secret mount, and the build still gets through.
IMAGES=(python)
WHO=ci-sup
SECRET='Sup-S3cret-pw2'
PROBE=/pypi/simple/privatestuff/
RUN_CMD=(myapp.py)
