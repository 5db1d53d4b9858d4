# shellcheck shell=bash
# An S3 endpoint for the aws CLI: moto's server (PyPI moto[server]) with
# request signatures checked, so a wrong secret key gets 403 (source it).
#
#   moto_prepare       a venv with moto in the cache (once)
#   moto_start         exports E2E_S3=127.0.0.1:<port>, E2E_AWS_KEY_ID and
#                      E2E_AWS_SECRET (a key moto made for user e2e, with
#                      bucket private-bucket holding hello.txt)
#   moto_log_mark / moto_accepted KEY_ID [MARK]   as for nginx
#   moto_stop

E2E_MOTO_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_MOTO_VERSION=5.2.5

e2e__moto_venv() { printf '%s/moto-%s-venv' "$E2E_CACHE" "$E2E_MOTO_VERSION"; }

moto_prepare() {
  local v
  v=$(e2e__moto_venv)
  [ -x "$v/bin/moto_server" ] && return 0
  e2e_log "installing moto[server]==$E2E_MOTO_VERSION from PyPI into $v"
  rm -rf "$v"
  if ! python3 -m venv "$v" ||
     ! "$v/bin/pip" install -q --disable-pip-version-check "moto[server]==$E2E_MOTO_VERSION" >&2; then
    rm -rf "$v"
    e2e_fail "installing moto failed"
    return 1
  fi
}

moto_start() {
  local d=$E2E_DIR/moto v port
  v=$(e2e__moto_venv)
  mkdir -p "$d"
  port=$(e2e_free_port)
  # Three unsigned calls make the user, its policy and its key; from then on
  # every request must be signed with a key moto knows.
  INITIAL_NO_AUTH_ACTION_COUNT=3 "$v/bin/python" "$E2E_MOTO_HERE/moto_server.py" "$port" "$d/access.log" \
    > "$d/moto.out" 2>&1 < /dev/null &
  echo $! > "$d/pid"
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/moto-api/" && break
    sleep 0.2
  done
  if ! "$v/bin/python" "$E2E_MOTO_HERE/moto_setup.py" "http://127.0.0.1:$port" "$d/key" > "$d/setup.log" 2>&1; then
    tail -n 20 "$d/setup.log" "$d/moto.out" >&2
    e2e_fail "moto set-up failed"
    return 1
  fi
  export E2E_S3=127.0.0.1:$port
  read -r E2E_AWS_KEY_ID E2E_AWS_SECRET < "$d/key"
  export E2E_AWS_KEY_ID E2E_AWS_SECRET
}

moto_log_mark() {
  if [ -f "$E2E_DIR/moto/access.log" ]; then wc -l < "$E2E_DIR/moto/access.log"; else echo 0; fi
}

moto_accepted() {
  local f=$E2E_DIR/moto/access.log
  [ -f "$f" ] || { echo 0; return; }
  tail -n +"$((${2:-0} + 1))" "$f" | awk -v k="key=$1" '$2 == k && $3 ~ /^2/ { n++ } END { print n + 0 }'
}

moto_stop() {
  [ -f "$E2E_DIR/moto/pid" ] && e2e__kill_wait "$(cat "$E2E_DIR/moto/pid")" 10
  return 0
}
