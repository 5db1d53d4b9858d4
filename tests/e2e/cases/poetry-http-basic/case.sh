# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# `poetry config http-basic.N u p` writes ~/.config/pypoetry/auth.toml (no
# keyring in a build).
IMAGES=(python)
WHO=ci-poetry
SECRET='Poetry-S3cret-4'
PROBE=/pypi/simple/dnxlogger/
RUN_CMD=(python -c 'import dnxlogger')
