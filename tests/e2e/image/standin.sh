#!/bin/sh
# dfix e2e stand-in tool (POSIX sh; runs under busybox ash and dash).
#
# setup.sh copies this file into the base images as
#   /usr/local/lib/dfix-e2e/standin
# and symlinks every stand-in name to it:
#   /usr/local/bin/{pip,pip3,python,python3,poetry,npm,npx,yarn,pnpm,curl,wget,
#                   git,gh,go,composer,mvn,aws,docker}
# The name it was invoked as ("${0##*/}") is the tool name.
#
# It does no network and no other work: it records what the real tool would
# have been given, then exits 0.  It NEVER writes an argument, a file's content
# or a variable's value, only their SHA-256 (busybox/coreutils sha256sum).
#
# LOG FORMAT
#   File: /var/log/standins/<tool>.log (dir mode 1777; override with
#   DFIX_STANDIN_LOG_DIR).  Every invocation appends one block, in this order:
#     <tool> TAB args TAB <argc> TAB <sha256>
#         sha256 of the arguments, each followed by one NUL byte, i.e. of
#         `printf '%s\0' "$@"` (no arguments: sha256 of the empty string).
#     <tool> TAB file TAB <absolute path> TAB <sha256 | unreadable>
#         one line per credential file the tool would read that exists
#         (regular file), in the fixed order of the tool's table below;
#         ~ is the user's home, ./ the working directory; a path is listed once.
#     <tool> TAB env TAB <NAME> TAB <sha256>
#         one line per credential variable the tool would read implicitly that
#         is set and non-empty; sha256 of the value (no trailing newline).
#         Fixed names first (table order), then prefix matches sorted by name.
#   The 'args' line starts each block; there are no timestamps, pids or other
#   run-dependent fields, so two builds that give the same tools the same
#   arguments and credentials produce byte-identical logs.
#   A host computes the same hashes with `printf '%s\0' ARG... | sha256sum`,
#   `sha256sum FILE` and `printf '%s' VALUE | sha256sum` (see lib.sh helpers).
#
# CREDENTIAL SOURCES (files / variables; GITHUB_TOKEN GH_TOKEN
# AWS_SECRET_ACCESS_KEY are read by every tool):
#   pip pip3, python|python3 -m pip|pip3:
#     ~/.netrc ./.netrc ~/.pypirc ~/.config/pip/pip.conf ~/.pip/pip.conf
#     /etc/pip.conf $PIP_CONFIG_FILE ~/.git-credentials ~/.ssh/id_rsa
#     ~/.ssh/id_ed25519 / PIP_INDEX_URL PIP_EXTRA_INDEX_URL
#   python (anything else): generic variables only
#   poetry: ~/.netrc ./.netrc ~/.config/pypoetry/auth.toml
#     ~/.config/pypoetry/config.toml ./poetry.toml ~/.git-credentials
#     ~/.ssh/id_rsa ~/.ssh/id_ed25519 / POETRY_HTTP_BASIC_* POETRY_PYPI_TOKEN_*
#   npm npx yarn pnpm: ~/.npmrc ./.npmrc $NPM_CONFIG_USERCONFIG ~/.yarnrc
#     ./.yarnrc ~/.yarnrc.yml ./.yarnrc.yml ~/.git-credentials ~/.ssh/id_rsa
#     ~/.ssh/id_ed25519 / NPM_TOKEN NODE_AUTH_TOKEN npm_config_* NPM_CONFIG_*
#   curl: ~/.netrc ./.netrc ~/.curlrc
#   wget: ~/.netrc ./.netrc ~/.wgetrc
#   git: ~/.git-credentials ~/.config/git/credentials ~/.gitconfig ~/.netrc
#     ~/.ssh/id_rsa ~/.ssh/id_ed25519
#   gh: ~/.config/gh/hosts.yml
#   go: ~/.netrc ~/.git-credentials ~/.gitconfig ~/.ssh/id_rsa
#     ~/.ssh/id_ed25519 / GOPROXY
#   composer: ./auth.json ~/.composer/auth.json ~/.config/composer/auth.json
#     $COMPOSER_HOME/auth.json ~/.git-credentials ~/.ssh/id_rsa
#     ~/.ssh/id_ed25519 / COMPOSER_AUTH
#   mvn: ./settings.xml ~/.m2/settings.xml ~/.m2/settings-security.xml
#   aws: ~/.aws/credentials ~/.aws/config $AWS_SHARED_CREDENTIALS_FILE /
#     AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
#   docker: ~/.docker/config.json / DOCKER_AUTH_CONFIG
#   any other name: generic variables only

# The tables hold literal '~/' and './' markers, expanded below by hand.
# shellcheck disable=SC2088
set -f

tool=${0##*/}
logdir=${DFIX_STANDIN_LOG_DIR:-/var/log/standins}
tab=$(printf '\t')

# Home directory: $HOME, else the passwd entry of the current uid, else /root.
home=${HOME:-}
if [ -z "$home" ]; then
  uid=$(id -u 2>/dev/null || echo 0)
  home=$(awk -F: -v u="$uid" '$3 == u { print $6; exit }' /etc/passwd 2>/dev/null)
  [ -n "$home" ] || home=/root
fi
cwd=${PWD:-/}
[ "$cwd" = / ] && cwd=

# The argument hash is taken first, before "$@" is reused below.
argc=$#
args_sha=$(printf '%s\0' "$@" | sha256sum)
args_sha=${args_sha%% *}

kind=$tool
case $tool in
  python|python3|python3.*)
    if [ "${1-}" = -m ]; then
      case ${2-} in pip|pip3) kind=pip ;; esac
    fi
    ;;
  pip3) kind=pip ;;
  npx|yarn|pnpm) kind=npm ;;
esac

files=
vars=
prefixes=
case $kind in
  pip)
    files="~/.netrc ./.netrc ~/.pypirc ~/.config/pip/pip.conf ~/.pip/pip.conf /etc/pip.conf =PIP_CONFIG_FILE ~/.git-credentials ~/.ssh/id_rsa ~/.ssh/id_ed25519"
    vars="PIP_INDEX_URL PIP_EXTRA_INDEX_URL" ;;
  poetry)
    files="~/.netrc ./.netrc ~/.config/pypoetry/auth.toml ~/.config/pypoetry/config.toml ./poetry.toml ~/.git-credentials ~/.ssh/id_rsa ~/.ssh/id_ed25519"
    prefixes="POETRY_HTTP_BASIC_ POETRY_PYPI_TOKEN_" ;;
  npm)
    files="~/.npmrc ./.npmrc =NPM_CONFIG_USERCONFIG ~/.yarnrc ./.yarnrc ~/.yarnrc.yml ./.yarnrc.yml ~/.git-credentials ~/.ssh/id_rsa ~/.ssh/id_ed25519"
    vars="NPM_TOKEN NODE_AUTH_TOKEN"
    prefixes="npm_config_ NPM_CONFIG_" ;;
  curl) files="~/.netrc ./.netrc ~/.curlrc" ;;
  wget) files="~/.netrc ./.netrc ~/.wgetrc" ;;
  git)
    files="~/.git-credentials ~/.config/git/credentials ~/.gitconfig ~/.netrc ~/.ssh/id_rsa ~/.ssh/id_ed25519" ;;
  gh) files="~/.config/gh/hosts.yml" ;;
  go)
    files="~/.netrc ~/.git-credentials ~/.gitconfig ~/.ssh/id_rsa ~/.ssh/id_ed25519"
    vars="GOPROXY" ;;
  composer)
    files="./auth.json ~/.composer/auth.json ~/.config/composer/auth.json =COMPOSER_HOME/auth.json ~/.git-credentials ~/.ssh/id_rsa ~/.ssh/id_ed25519"
    vars="COMPOSER_AUTH" ;;
  mvn) files="./settings.xml ~/.m2/settings.xml ~/.m2/settings-security.xml" ;;
  aws)
    files="~/.aws/credentials ~/.aws/config =AWS_SHARED_CREDENTIALS_FILE"
    vars="AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN" ;;
  docker)
    files="~/.docker/config.json"
    vars="DOCKER_AUTH_CONFIG" ;;
esac
vars="$vars GITHUB_TOKEN GH_TOKEN AWS_SECRET_ACCESS_KEY"

out="$tool${tab}args${tab}$argc${tab}$args_sha
"

valid_name() {
  case $1 in
    ''|[0-9]*|*[!A-Za-z0-9_]*) return 1 ;;
  esac
  return 0
}

# value of variable $1 into $val; returns 1 when unset or empty
get_var() {
  valid_name "$1" || return 1
  eval "val=\${$1-}"
  [ -n "$val" ]
}

seen_paths=' '
for spec in $files; do
  case $spec in
    '~/'*) path=$home/${spec#'~/'} ;;
    './'*) path=$cwd/${spec#./} ;;
    =*)    # =VAR or =VAR/rest: path taken from a variable
      rest=${spec#=}
      var=${rest%%/*}
      get_var "$var" || continue
      case $rest in */*) path=$val/${rest#*/} ;; *) path=$val ;; esac
      case $path in /*) ;; *) path=$cwd/$path ;; esac
      ;;
    *) path=$spec ;;
  esac
  case $seen_paths in *" $path "*) continue ;; esac
  seen_paths="$seen_paths$path "
  [ -f "$path" ] || continue
  if [ -r "$path" ] && sha=$(sha256sum < "$path"); then
    sha=${sha%% *}
  else
    sha=unreadable
  fi
  out="$out$tool${tab}file${tab}$path${tab}$sha
"
done

names=$vars
if [ -n "$prefixes" ]; then
  extra=$(env | while IFS= read -r line; do
            name=${line%%=*}
            valid_name "$name" || continue
            for p in $prefixes; do
              case $name in "$p"*) printf '%s\n' "$name" ;; esac
            done
          done | sort -u)
  names="$names $extra"
fi
seen_vars=' '
for name in $names; do
  case $seen_vars in *" $name "*) continue ;; esac
  seen_vars="$seen_vars$name "
  get_var "$name" || continue
  sha=$(printf '%s' "$val" | sha256sum)
  sha=${sha%% *}
  out="$out$tool${tab}env${tab}$name${tab}$sha
"
done

if mkdir -p "$logdir" 2>/dev/null && printf '%s' "$out" >> "$logdir/$tool.log"; then
  echo "dfix-e2e stand-in: $tool: recorded (hashes only) in $logdir/$tool.log" >&2
else
  echo "dfix-e2e stand-in: $tool: cannot write $logdir/$tool.log" >&2
fi
exit 0
