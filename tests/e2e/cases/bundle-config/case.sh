# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# `bundle config set --global SOURCE u:p` writes ~/.bundle/config.
IMAGES=(ruby)
WHO=ci-bundle
SECRET='Bundle-S3cret-12'
PROBE=/gems/specs.4.8.gz
RUN_CMD=(ruby -e "require 'acme_private'")
