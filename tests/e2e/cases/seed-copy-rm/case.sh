# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# A .netrc copied in and removed a RUN later: it lives on in the COPY layer.
# pip reads ~/.netrc for an index URL without credentials.
IMAGES=(python)
WHO=ci-seed-netrc
SECRET='Netrc-S3cret-42'
PROBE=/pypi/simple/privatestuff/
RUN_CMD=(myapp.py)
