# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# `pip config set global.index-url` writes ~/.config/pip/pip.conf.
IMAGES=(python)
WHO=ci-pipconf
SECRET='PipConf-S3cret-31'
PROBE=/pypi/simple/dnxlogger/
RUN_CMD=(python -c 'import dnxlogger')
