#!/usr/bin/env bash
# Smoke test of the dfix e2e Docker harness (not of dfix itself).
#
#   bash tests/e2e/smoke.sh        # as root; installs docker.io on first use
#
# Starts a private dockerd (setup.sh), builds the base images, then checks:
#   a  ARG secret in a RUN line (busybox base): e2e_leak_scan finds it (history)
#   b  same command with the secret from a secret-mounted env file (dash base):
#      identical stand-in record, and e2e_leak_scan finds nothing
#   c  `source` of the env file fails on the dash base (bashism caught);
#      control: the busybox base accepts it
#   d  COPY .netrc + RUN rm: leak found in a layer; secret mount at
#      /root/.netrc: same recorded netrc hash, nothing leaked
#   e  docker run --rm --network=none works, with no network interface but lo
# Prints per-step timings and a closing "smoke: N passed, N failed" line;
# exits 1 if any check failed.  The daemon is always stopped and its dir
# removed on exit.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/setup.sh
. "$here/setup.sh"

passed=0
failed=0
failures=()
timings=()

now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

ok() { passed=$((passed + 1)); printf 'PASS %s\n' "$1"; }
bad() {
  failed=$((failed + 1)); failures+=("$1"); printf 'FAIL %s\n' "$1"
  if [ -n "${2:-}" ] && [ -f "$2" ]; then
    echo "---- last lines of $2"; tail -n 25 "$2"; echo "----"
  fi
}
lacks() { [[ $1 != *"$2"* ]]; }  # lacks TEXT NEEDLE
check() { # check NAME CMD...  (PASS if CMD succeeds)
  local name=$1; shift
  if "$@"; then ok "$name"; else bad "$name" "${E2E_BUILD_LOG:-}"; fi
}

t_all=$(now)
t=$(now)
if ! e2e_setup; then
  echo "FAIL setup (see messages above)"
  echo "smoke: 0 passed, 1 failed"
  exit 1
fi
timings+=("setup (deps, dockerd, images): $(elapsed "$t")")

SECRET='s3cr3t-Value'
NETRC_SECRET='n3trc-Pa55word'
w=$E2E_DIR/smoke
mkdir -p "$w"
cd "$w" || exit 1

# ---- a: ARG secret leaks into history ------------------------------------
t=$(now)
mkdir -p a
cat > a/Dockerfile <<'EOF'
FROM dfix-e2e/busybox
ARG PYPI_PASS
RUN pip install --extra-index-url https://u:${PYPI_PASS}@my.pypi.example/simple pkg
EOF
rec_a=
if e2e_build smoke/a a --build-arg "PYPI_PASS=$SECRET"; then
  ok "a: build with ARG secret"
  rec_a=$(e2e_recorded smoke/a)
  expect=$(e2e_sha256_args install --extra-index-url "https://u:$SECRET@my.pypi.example/simple" pkg)
  check "a: stand-in recorded 'pip args 4 <expected sha>'" \
    test "$rec_a" = "$(printf 'pip\targs\t4\t%s' "$expect")"
  where=$(e2e_leak_scan smoke/a "$SECRET"); rc=$?
  printf '%s\n' "$where" | sed 's/^/    /'
  check "a: e2e_leak_scan finds the secret (exit 0)" test "$rc" = 0
  check "a: ...and reports it in history" grep -q '^leak: history' <<< "$where"
  check "a: scan output never contains the secret" lacks "$where" "$SECRET"
else
  bad "a: build with ARG secret" "$E2E_BUILD_LOG"
fi
timings+=("a: $(elapsed "$t")")

# ---- b: secret env file mount on dash: same record, no leak ---------------
t=$(now)
mkdir -p b
printf "export PYPI_PASS='%s'\n" "$SECRET" > "$w/env"
cat > b/Dockerfile <<'EOF'
FROM dfix-e2e/dash
RUN --mount=type=secret,id=env . /run/secrets/env && pip install --extra-index-url https://u:${PYPI_PASS}@my.pypi.example/simple pkg
EOF
if e2e_build smoke/b b --secret "id=env,src=$w/env"; then
  ok "b: build with secret mount (dash base)"
  rec_b=$(e2e_recorded smoke/b)
  check "b: recorded stand-in log identical to a" test -n "$rec_a" -a "$rec_a" = "$rec_b"
  where=$(e2e_leak_scan smoke/b "$SECRET"); rc=$?
  [ -n "$where" ] && printf '%s\n' "$where" | sed 's/^/    /'
  check "b: e2e_leak_scan finds nothing (exit 1)" test "$rc" = 1
  e2e_leak_scan smoke/b "also-not-there" >/dev/null 2>&1; rc=$?
  check "b: control: absent string -> exit 1" test "$rc" = 1
  e2e_leak_scan smoke/does-not-exist "$SECRET" >/dev/null 2>&1; rc=$?
  check "b: missing image -> exit 2 (not 'no leak')" test "$rc" = 2
else
  bad "b: build with secret mount (dash base)" "$E2E_BUILD_LOG"
fi
timings+=("b: $(elapsed "$t")")

# ---- c: bashism `source` fails on dash ------------------------------------
t=$(now)
mkdir -p c1 c2
cat > c1/Dockerfile <<'EOF'
FROM dfix-e2e/dash
RUN --mount=type=secret,id=env source /run/secrets/env && pip install --extra-index-url https://u:${PYPI_PASS}@my.pypi.example/simple pkg
EOF
sed 's#dfix-e2e/dash#dfix-e2e/busybox#' c1/Dockerfile > c2/Dockerfile
if e2e_build smoke/c1 c1 --secret "id=env,src=$w/env"; then
  bad "c: 'source' build on dash base must fail"
else
  c1_log=$E2E_BUILD_LOG
  ok "c: 'source' build on dash base fails"
  check "c: ...with 'source: not found' in the log" grep -q 'source: not found' "$c1_log"
  check "c: ...and exit code 127" grep -q 'exit code: 127' "$c1_log"
fi
check "c: control: busybox base (ash) accepts 'source'" \
  e2e_build smoke/c2 c2 --secret "id=env,src=$w/env"
timings+=("c: $(elapsed "$t")")

# ---- d: COPY .netrc + rm leaks; secret mount does not ---------------------
t=$(now)
mkdir -p d1 d2
printf 'machine my.pypi.example login u password %s\n' "$NETRC_SECRET" > d1/.netrc
cat > d1/Dockerfile <<'EOF'
FROM dfix-e2e/busybox
COPY .netrc /root/.netrc
RUN pip install x
RUN rm /root/.netrc
EOF
cp d1/.netrc "$w/netrc"
cat > d2/Dockerfile <<'EOF'
FROM dfix-e2e/dash
RUN --mount=type=secret,id=netrc,target=/root/.netrc pip install x
EOF
netrc_sha=$(e2e_sha256_file "$w/netrc")
rec_d1=
if e2e_build smoke/d1 d1; then
  ok "d: build COPY .netrc + RUN rm"
  rec_d1=$(e2e_recorded smoke/d1)
  check "d: original records /root/.netrc hash" \
    grep -qxF "$(printf 'pip\tfile\t/root/.netrc\t%s' "$netrc_sha")" <<< "$rec_d1"
  where=$(e2e_leak_scan smoke/d1 "$NETRC_SECRET"); rc=$?
  printf '%s\n' "$where" | sed 's/^/    /'
  check "d: e2e_leak_scan finds the netrc secret" test "$rc" = 0
  check "d: ...in a layer, member root/.netrc" grep -q '^leak: layer .*member root/\.netrc$' <<< "$where"
else
  bad "d: build COPY .netrc + RUN rm" "$E2E_BUILD_LOG"
fi
if e2e_build smoke/d2 d2 --secret "id=netrc,src=$w/netrc"; then
  ok "d: build with netrc secret mount (dash base)"
  rec_d2=$(e2e_recorded smoke/d2)
  check "d: recorded stand-in log identical to the original" test -n "$rec_d1" -a "$rec_d1" = "$rec_d2"
  where=$(e2e_leak_scan smoke/d2 "$NETRC_SECRET"); rc=$?
  [ -n "$where" ] && printf '%s\n' "$where" | sed 's/^/    /'
  check "d: secret-mount image leaks nothing" test "$rc" = 1
  whole=$(cat "$w/netrc")
  e2e_leak_scan smoke/d2 "$whole" >/dev/null 2>&1; rc=$?
  check "d: ...not even the whole netrc line" test "$rc" = 1
else
  bad "d: build with netrc secret mount (dash base)" "$E2E_BUILD_LOG"
fi
timings+=("d: $(elapsed "$t")")

# ---- e: docker run --network=none -----------------------------------------
t=$(now)
out=$(e2e_run dfix-e2e/dash sh -c 'readlink /bin/sh; ls /sys/class/net; pip --version 2>/dev/null; echo rc=$?' 2>&1)
printf '%s\n' "$out" | sed 's/^/    /'
check "e: docker run --rm --network=none works (dash, only lo, stand-in exits 0)" \
  test "$out" = "$(printf 'dash\nlo\nrc=0')"
out=$(e2e_run dfix-e2e/busybox sh -c 'echo hello' 2>&1)
check "e: docker run of the busybox base" test "$out" = hello
timings+=("e: $(elapsed "$t")")

echo
echo "Timings:"
printf '  %s\n' "${timings[@]}" "total: $(elapsed "$t_all")"
if [ "$failed" -gt 0 ]; then
  echo "Failed checks:"
  printf '  %s\n' "${failures[@]}"
fi
echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
