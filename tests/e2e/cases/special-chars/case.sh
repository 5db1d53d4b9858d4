# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# The password is p@ss w$rd!x'q: an @, a space, a $, a ! and a '.
WHO=ci-special
SECRET="p@ss w\$rd!x'q"
# How it reads in the Dockerfile, and so in `docker history`.
LEAK="p@ss w\\\$rd!x'q"
PROBE=/pypi/simple/app/
RUN_CMD=(cat /tmp/index.html)
