# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# `composer config --global http-basic.HOST u p` writes ~/.composer/auth.json
# (or ~/.config/composer/auth.json).
IMAGES=(php)
WHO=ci-composer
SECRET='Composer-S3cret-3'
PROBE=/composer/packages.json
RUN_CMD=(php -r "require 'vendor/autoload.php';")
