# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# `aws configure set aws_secret_access_key` writes ~/.aws/credentials. The
# key is one moto made at start-up (moto checks every request's signature);
# its secret holds a "/", as about half of real ones do.
IMAGES=(aws)
SERVER=moto
WHO=$E2E_AWS_KEY_ID
SECRET=$E2E_AWS_SECRET
RUN_CMD=(cat /hello.txt)
