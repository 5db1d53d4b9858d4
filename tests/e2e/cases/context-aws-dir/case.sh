# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# The AWS credentials directory is copied by name (DF002): dfix reads it in
# the build context, leaves the credentials file out of the context and
# mounts it where aws reads it; the config file stays.
IMAGES=(aws)
SERVER=moto
WHO=$E2E_AWS_KEY_ID
SECRET=$E2E_AWS_SECRET
RUN_CMD=(cat /hello.txt)
