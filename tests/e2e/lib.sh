# shellcheck shell=bash
# Helpers shared by the e2e scripts (source it).
#
#   e2e_log MSG / e2e_fail MSG      timestamped line on stderr (fail returns 1)
#   e2e_key TEXT...                 12 hex digits of sha256: cache keys
#   e2e_hash STRING                 sha256 of STRING, the way logs name a secret
#   e2e_apt_install PKG...          apt-get install on the host, services kept off
#   e2e__kill_wait PID SECONDS      TERM, wait, KILL
#   e2e_mask SECRET...              filter: every form of each SECRET -> <SECRET>
#   e2e_secret_forms SECRET         the forms a scan looks for, one a line:
#                                   the secret, its base64 at each of the three
#                                   byte alignments, and its percent-encoding
#   e2e_leak_scan IMAGE BASE SECRET...
#       0 if a SECRET (any form) occurs in `docker history --no-trunc IMAGE`,
#       `docker image inspect IMAGE` or a file of `docker save IMAGE` (every
#       layer unpacked); 1 if nowhere; 2 on error. Prints one line per place,
#       never the secret. Layers IMAGE shares with BASE (the offline base image
#       we imported, built before any secret existed; may be empty) are skipped.
#
# Knobs: E2E_CACHE_DIR (default /var/cache/dfix-e2e), E2E_MIRROR (Debian
# archive, default http://deb.debian.org/debian).

# shellcheck disable=SC2034 # read by the files that source this one
E2E_CACHE=${E2E_CACHE_DIR:-/var/cache/dfix-e2e}
E2E_MIRROR=${E2E_MIRROR:-http://deb.debian.org/debian}

e2e_log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
e2e_fail() { e2e_log "ERROR: $*"; return 1; }

# e2e__kill_wait PID SECONDS: TERM, wait, then KILL.
e2e__kill_wait() {
  local pid=$1 t=$2 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 $((t * 5))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null
  sleep 0.2
}

e2e_key() { printf '%s\n' "$@" | sha256sum | cut -c1-12; }
e2e_hash() { printf '%s' "$1" | sha256sum | cut -c1-16; }

e2e__apt_update_once() {
  [ "${E2E_APT_UPDATED:-0}" = 1 ] && return 0
  local i
  for i in 1 2 3; do
    if apt-get -o DPkg::Lock::Timeout=300 update -qq >&2; then
      export E2E_APT_UPDATED=1
      return 0
    fi
    sleep 5
  done
  e2e_fail "apt-get update failed"
}

e2e_apt_install() {
  local missing=() p
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  e2e__apt_update_once || return 1
  e2e_log "apt-get install ${missing[*]}"
  # Keep apt from starting system services (docker, nginx, registry): the
  # suite runs private instances.
  local own_policy=0 rc
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    --no-install-recommends "${missing[@]}" >&2
  rc=$?
  [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || e2e_fail "apt-get install ${missing[*]} failed"
}

e2e_secret_forms() {
  python3 - "$1" <<'EOF'
import base64, sys, urllib.parse
s = sys.argv[1].encode()
forms = {s.decode()}
for k in range(3):
    # Encode behind k filler bytes, then keep only the characters that
    # depend on the secret alone (not on the bytes around it).
    enc = base64.b64encode(b"\0" * k + s).decode().rstrip("=")
    start = (8 * k + 5) // 6
    end = (8 * (k + len(s))) // 6
    part = enc[start:end]
    if len(part) >= 4:
        forms.add(part)
forms.add(urllib.parse.quote(s.decode(), safe=""))
for f in sorted(forms):
    print(f)
EOF
}

# e2e_mask SECRET...: stdin to stdout with every form of every SECRET
# replaced by <SECRET> (for build logs and Dockerfiles shown on a failure).
e2e_mask() {
  local forms
  forms=$(for s in "$@"; do [ -n "$s" ] && e2e_secret_forms "$s"; done)
  E2E_FORMS=$forms python3 -c '
import os, sys
forms = sorted({f for f in os.environ["E2E_FORMS"].split("\n") if f}, key=len, reverse=True)
for line in sys.stdin:
    for f in forms:
        line = line.replace(f, "<SECRET>")
    sys.stdout.write(line)
'
}

# e2e__mask TEXT: TEXT with each form replaced by <SECRET>, cut to 200 chars.
e2e__mask() {
  local s=$1 p
  while IFS= read -r p; do
    s=${s//"$p"/<SECRET>}
  done < "$e2e__patfile"
  s=${s//$'\t'/ }
  [ ${#s} -gt 200 ] && s="${s:0:200}..."
  printf '%s' "$s"
}

e2e__grep_lines() {
  local label=$1 file=$2 hit=1 n line
  while IFS= read -r line; do
    n=${line%%:*}
    printf 'leak: %s line %s: %s\n' "$label" "$n" "$(e2e__mask "${line#*:}")"
    hit=0
  done < <(grep -n -a -F -f "$e2e__patfile" "$file")
  return "$hit"
}

# e2e__layer_hits TAR LABEL: 0 and one line per member if TAR holds a form.
e2e__layer_hits() {
  local f=$1 label=$2 x m any=1
  x=$(mktemp -d "$e2e__tmp/layer.XXXXXX")
  tar -xf "$f" -C "$x" 2>/dev/null
  while IFS= read -r -d '' m; do
    printf 'leak: %s: file /%s\n' "$label" "$(e2e__mask "${m#"$x"/}")"
    any=0
  done < <(grep -r -l -Z -a -F -f "$e2e__patfile" "$x" 2>/dev/null)
  while IFS= read -r m; do
    printf 'leak: %s: file name %s\n' "$label" "$(e2e__mask "$m")"
    any=0
  done < <(tar -tf "$f" 2>/dev/null | grep -a -F -f "$e2e__patfile")
  if [ "$any" = 1 ] && grep -q -a -F -f "$e2e__patfile" "$f"; then
    printf 'leak: %s (in tar headers)\n' "$label"
    any=0
  fi
  rm -rf "$x"
  return "$any"
}

e2e_leak_scan() {
  local xt=
  case $- in *x*) xt=1; { set +x; } 2>/dev/null ;; esac
  local rc
  e2e__leak_scan "$@"
  rc=$?
  [ -n "$xt" ] && set -x
  return "$rc"
}

e2e__leak_scan() {
  local image=$1 base=$2 found=1 f rel skip=0 i secret
  local e2e__tmp e2e__patfile
  shift 2
  e2e__tmp=$(mktemp -d "${E2E_DIR:-/tmp}/scan.XXXXXX") || return 2
  chmod 700 "$e2e__tmp"
  e2e__patfile=$e2e__tmp/patterns
  for secret in "$@"; do
    [ -n "$secret" ] || { echo "e2e_leak_scan: empty secret" >&2; rm -rf "$e2e__tmp"; return 2; }
    e2e_secret_forms "$secret"
  done | sort -u > "$e2e__patfile"
  if ! docker history --no-trunc "$image" > "$e2e__tmp/history" 2> "$e2e__tmp/err" ||
     ! docker image inspect "$image" > "$e2e__tmp/inspect" 2>> "$e2e__tmp/err" ||
     ! docker save -o "$e2e__tmp/save.tar" "$image" 2>> "$e2e__tmp/err"; then
    echo "e2e_leak_scan: docker failed for $image:" >&2
    cat "$e2e__tmp/err" >&2
    rm -rf "$e2e__tmp"
    return 2
  fi
  e2e__grep_lines history "$e2e__tmp/history" && found=0
  e2e__grep_lines "image config" "$e2e__tmp/inspect" && found=0
  mkdir "$e2e__tmp/save"
  tar -xf "$e2e__tmp/save.tar" -C "$e2e__tmp/save" manifest.json || { rm -rf "$e2e__tmp"; return 2; }
  # The base's layers come first in the image's layer list: not unpacked.
  local -a excl=()
  if [ -n "$base" ]; then
    local img_layers base_layers
    img_layers=$(docker image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' "$image")
    base_layers=$(docker image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' "$base") ||
      { rm -rf "$e2e__tmp"; return 2; }
    [[ $img_layers == "$base_layers"* ]] && skip=$(wc -w <<<"$base_layers")
  fi
  if [ "$skip" -gt 0 ]; then
    i=0
    while IFS= read -r rel; do
      [ "$i" -lt "$skip" ] && excl+=("--exclude=$rel")
      i=$((i + 1))
    done < <(python3 -c 'import json,sys; [print(l) for l in json.load(open(sys.argv[1]))[0]["Layers"]]' \
               "$e2e__tmp/save/manifest.json")
  fi
  tar -xf "$e2e__tmp/save.tar" -C "$e2e__tmp/save" "${excl[@]}" || { rm -rf "$e2e__tmp"; return 2; }
  rm -f "$e2e__tmp/save.tar"
  while IFS= read -r -d '' f; do
    rel=${f#"$e2e__tmp/save/"}
    if tar -tf "$f" >/dev/null 2>&1 && [[ $rel != *.json ]]; then
      e2e__layer_hits "$f" "layer $rel" && found=0
    elif grep -q -a -F -f "$e2e__patfile" "$f"; then
      printf 'leak: saved file %s\n' "$rel"
      found=0
    fi
  done < <(find "$e2e__tmp/save" -type f -print0 | sort -z)
  rm -rf "$e2e__tmp"
  return "$found"
}
