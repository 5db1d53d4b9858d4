# shellcheck shell=bash
# dfix e2e helper functions (bash).  Source it; setup.sh sources it for you.
#
#   . tests/e2e/lib.sh
#
# Needs a daemon to talk to: $DOCKER (client binary, default /usr/bin/docker,
# the Debian 20.10 client, which has BuildKit built in) and $DOCKER_HOST, both
# exported by setup.sh's e2e_setup / e2e_start.
#
# Functions (all return 2 on a usage or docker error, so a failing docker is
# never mistaken for "no leak"):
#   e2e_build TAG CONTEXT [docker build options...]
#       DOCKER_BUILDKIT=1 docker build --network=none --progress=plain
#       --no-cache (E2E_BUILD_CACHE=1 keeps the cache) -t TAG [options] CONTEXT.
#       Output goes to a log file whose path is left in $E2E_BUILD_LOG (not
#       printed: a log may contain test secrets).  Returns docker's status.
#   e2e_leak_scan IMAGE SECRET
#       0 if the bytes of SECRET occur in `docker history --no-trunc IMAGE`,
#       `docker image inspect IMAGE`, or any file of `docker save IMAGE`
#       (config JSON, manifest, every layer tar, gzip/zstd layers decompressed
#       first); 1 if nowhere; 2 on error.  Prints one line per place it was
#       found to stdout ("leak: history line 3: ...", "leak: layer <path>:
#       member root/.netrc"), with every occurrence of the secret replaced by
#       <SECRET>; never prints the secret.  A multi-line SECRET (e.g. a key
#       file) is looked for line by line: each line of 8+ bytes that is not a
#       PEM "-----" armour line (or every non-empty line if none qualify).
#   e2e_recorded IMAGE
#       Prints the stand-in logs baked into IMAGE (/var/log/standins/*.log,
#       files in name order, each file in append order), read with
#       docker create + docker cp, so it works for any image that kept that
#       directory, with or without a shell.  Empty output: no stand-in ran.
#       For a multi-stage build, build the stage that ran the tools
#       (--target) and read that image.
#   e2e_run IMAGE CMD...
#       docker run --rm --network=none IMAGE CMD...
#   e2e_sha256_args ARG...   sha256 as in the stand-in 'args' record
#   e2e_sha256_file FILE     sha256 as in a 'file' record
#   e2e_sha256_str STRING    sha256 as in an 'env' record
#
# See tests/e2e/image/standin.sh for the stand-in log format.

: "${DOCKER:=/usr/bin/docker}"

e2e__docker() {
  "$DOCKER" "$@"
}

e2e__hash() {
  local h
  h=$(sha256sum) || return 2
  printf '%s\n' "${h%% *}"
}

e2e_sha256_args() {
  if [ $# -eq 0 ]; then printf '' | e2e__hash; else printf '%s\0' "$@" | e2e__hash; fi
}

e2e_sha256_file() {
  [ -f "${1-}" ] || { echo "e2e_sha256_file: no such file: ${1-}" >&2; return 2; }
  e2e__hash < "$1"
}

e2e_sha256_str() {
  printf '%s' "${1-}" | e2e__hash
}

e2e_run() {
  [ $# -ge 1 ] || { echo "usage: e2e_run IMAGE [CMD...]" >&2; return 2; }
  e2e__docker run --rm --network=none "$@"
}

E2E_BUILD_SEQ=${E2E_BUILD_SEQ:-0}
e2e_build() {
  if [ $# -lt 2 ]; then
    echo "usage: e2e_build TAG CONTEXT [docker build options...]" >&2
    return 2
  fi
  local tag=$1 ctx=$2 logdir rc
  shift 2
  logdir=${E2E_DIR:-${TMPDIR:-/tmp}}/logs
  mkdir -p "$logdir" || return 2
  E2E_BUILD_SEQ=$((E2E_BUILD_SEQ + 1))
  E2E_BUILD_LOG=$logdir/build-$E2E_BUILD_SEQ-${tag//[^A-Za-z0-9_.-]/_}.log
  local cacheopt=(--no-cache)
  [ "${E2E_BUILD_CACHE:-0}" = 1 ] && cacheopt=()
  DOCKER_BUILDKIT=1 e2e__docker build --network=none --progress=plain \
    "${cacheopt[@]}" -t "$tag" "$@" "$ctx" > "$E2E_BUILD_LOG" 2>&1
  rc=$?
  return "$rc"
}

# e2e__mask TEXT: TEXT with every pattern replaced by <SECRET>, cut to 240 chars.
e2e__mask() {
  local s=$1 p
  for p in "${e2e__patterns[@]}"; do
    s=${s//"$p"/<SECRET>}
  done
  s=${s//$'\t'/ }
  [ ${#s} -gt 240 ] && s="${s:0:240}..."
  printf '%s' "$s"
}

# e2e__grep_lines LABEL FILE: report matching lines of a text file.
e2e__grep_lines() {
  local label=$1 file=$2 hit=1 n line
  while IFS= read -r line; do
    n=${line%%:*}
    line=${line#*:}
    printf 'leak: %s line %s: %s\n' "$label" "$n" "$(e2e__mask "$line")"
    hit=0
  done < <(grep -n -a -F -f "$e2e__patfile" "$file")
  return "$hit"
}

# e2e__stream_has FILE: 0 if FILE (decompressed if gzip/zstd) contains a pattern.
e2e__stream_has() {
  local f=$1 magic
  magic=$(od -An -tx1 -N4 "$f" 2>/dev/null | tr -d ' \n')
  case $magic in
    1f8b*) gzip -dc "$f" 2>/dev/null | grep -q -a -F -f "$e2e__patfile" ;;
    28b52ffd)
      if command -v zstd >/dev/null 2>&1; then
        zstd -dc "$f" 2>/dev/null | grep -q -a -F -f "$e2e__patfile"
      else
        echo "e2e_leak_scan: zstd layer but no zstd binary: $f" >&2
        return 2
      fi ;;
    *) grep -q -a -F -f "$e2e__patfile" "$f" ;;
  esac
}

# e2e__tar_members FILE LABEL: name the members of tar FILE that hold a pattern.
e2e__tar_members() {
  local f=$1 label=$2 x m any=1 rel
  x=$(mktemp -d "$e2e__tmp/layer.XXXXXX") || return 0
  # Best effort: device nodes etc. may fail to extract; content files will not.
  tar -xf "$f" -C "$x" 2>/dev/null
  while IFS= read -r -d '' m; do
    rel=${m#"$x"/}
    printf 'leak: %s: member %s\n' "$label" "$(e2e__mask "$rel")"
    any=0
  done < <(grep -r -l -Z -a -F -f "$e2e__patfile" "$x" 2>/dev/null)
  while IFS= read -r m; do
    printf 'leak: %s: member name %s\n' "$label" "$(e2e__mask "$m")"
    any=0
  done < <(tar -tf "$f" 2>/dev/null | grep -a -F -f "$e2e__patfile")
  [ "$any" = 0 ] || printf 'leak: %s: (in tar headers or unextractable data)\n' "$label"
  rm -rf "$x"
}

e2e_leak_scan() {
  local e2e__xtrace=
  case $- in *x*) e2e__xtrace=1; { set +x; } 2>/dev/null ;; esac
  local rc
  e2e__leak_scan "$@"
  rc=$?
  [ -n "$e2e__xtrace" ] && set -x
  return "$rc"
}

e2e__leak_scan() {
  if [ $# -ne 2 ] || [ -z "$2" ]; then
    echo "usage: e2e_leak_scan IMAGE SECRET (SECRET non-empty)" >&2
    return 2
  fi
  local image=$1 secret=$2 found=1 f rel line files=0 kind
  local e2e__tmp e2e__patfile
  local -a e2e__patterns=()
  e2e__tmp=$(mktemp -d "${E2E_DIR:-${TMPDIR:-/tmp}}/leakscan.XXXXXX") || return 2
  chmod 700 "$e2e__tmp"
  e2e__patfile=$e2e__tmp/patterns
  if [[ $secret == *$'\n'* ]]; then
    while IFS= read -r line; do
      [ ${#line} -ge 8 ] && [[ $line != -----* ]] && e2e__patterns+=("$line")
    done <<< "$secret"
    if [ ${#e2e__patterns[@]} -eq 0 ]; then
      while IFS= read -r line; do
        [ -n "$line" ] && e2e__patterns+=("$line")
      done <<< "$secret"
    fi
  else
    e2e__patterns=("$secret")
  fi
  printf '%s\n' "${e2e__patterns[@]}" > "$e2e__patfile"

  if ! e2e__docker history --no-trunc "$image" > "$e2e__tmp/history" 2> "$e2e__tmp/err" ||
     ! e2e__docker image inspect "$image" > "$e2e__tmp/inspect" 2>> "$e2e__tmp/err" ||
     ! e2e__docker save -o "$e2e__tmp/save.tar" "$image" 2>> "$e2e__tmp/err"; then
    echo "e2e_leak_scan: docker failed for image '$image':" >&2
    cat "$e2e__tmp/err" >&2
    rm -rf "$e2e__tmp"
    return 2
  fi
  e2e__grep_lines history "$e2e__tmp/history" && found=0
  e2e__grep_lines inspect "$e2e__tmp/inspect" && found=0

  mkdir "$e2e__tmp/save"
  if ! tar -xf "$e2e__tmp/save.tar" -C "$e2e__tmp/save"; then
    echo "e2e_leak_scan: cannot unpack docker save output" >&2
    rm -rf "$e2e__tmp"
    return 2
  fi
  rm -f "$e2e__tmp/save.tar"
  while IFS= read -r -d '' f; do
    files=$((files + 1))
    rel=${f#"$e2e__tmp/save/"}
    e2e__stream_has "$f"
    case $? in
      0) ;;
      1) continue ;;
      *) rm -rf "$e2e__tmp"; return 2 ;;
    esac
    found=0
    kind="file"
    if tar -tf "$f" >/dev/null 2>&1; then kind=layer; fi
    if [ "$kind" = layer ]; then
      printf 'leak: layer %s\n' "$rel"
      e2e__tar_members "$f" "layer $rel"
    else
      printf 'leak: save file %s\n' "$rel"
    fi
  done < <(find "$e2e__tmp/save" -type f -print0 | sort -z)
  rm -rf "$e2e__tmp"
  if [ "$found" = 1 ]; then
    echo "e2e_leak_scan: $image: not found (history, inspect, $files files of docker save)" >&2
  fi
  return "$found"
}

e2e_recorded() {
  if [ $# -ne 1 ]; then
    echo "usage: e2e_recorded IMAGE" >&2
    return 2
  fi
  local image=$1 cid tmp rc=0 f
  tmp=$(mktemp -d "${E2E_DIR:-${TMPDIR:-/tmp}}/recorded.XXXXXX") || return 2
  if ! cid=$(e2e__docker create --network=none "$image" /dfix-e2e-never-run 2> "$tmp/err"); then
    echo "e2e_recorded: docker create failed for '$image':" >&2
    cat "$tmp/err" >&2
    rm -rf "$tmp"
    return 2
  fi
  mkdir "$tmp/logs"
  if e2e__docker cp "$cid:/var/log/standins/." - 2> "$tmp/err" | tar -xf - -C "$tmp/logs" 2>> "$tmp/err" &&
     [ "${PIPESTATUS[0]}" = 0 ]; then
    for f in "$tmp"/logs/*.log; do
      [ -f "$f" ] && cat "$f"
    done
  else
    echo "e2e_recorded: cannot read /var/log/standins from '$image':" >&2
    cat "$tmp/err" >&2
    rc=2
  fi
  e2e__docker rm -f "$cid" > /dev/null 2>&1
  rm -rf "$tmp"
  return "$rc"
}
