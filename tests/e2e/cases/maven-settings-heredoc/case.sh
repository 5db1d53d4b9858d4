# shellcheck shell=bash disable=SC2034 # settings read by run.sh
# settings.xml written with a heredoc in one RUN, removed in a later one.
IMAGES=(java)
WHO=ci-maven
SECRET='Maven-S3cret-66'
PROBE=/maven2/com/example/dfix-ext/1.0/dfix-ext-1.0.pom
NEEDS=heredoc
RUN_CMD=(ls /root/.m2/repository/com/example/dfix-ext/1.0)
