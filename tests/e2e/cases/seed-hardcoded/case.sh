# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# A password in a pip index URL (the first seed of the project).
IMAGES=(python)
WHO=ci-seed-hc
SECRET='Hc-S3cret-pw1'
PROBE=/pypi/simple/privatestuff/
RUN_CMD=(myapp.py)
