#!/usr/bin/env bash
# End-to-end proof on a real BuildKit: for every case in tests/e2e/fixtures/,
#   1. build the original Dockerfile the way its users did and show the leak is
#      real (the secret bytes are in the history, the config or a layer);
#   2. run `dfix --write`, then build with the `docker build` command dfix
#      printed (plus a tag, --network=none and any non-secret --build-arg);
#   3. check the stand-in tools saw the identical credential (same recorded
#      hashes) and that the secret is nowhere in history, inspect or layers;
#   4. run the new image.
#
# Usage: bash tests/e2e/run.sh [CASE...]    (root; installs docker.io if needed)
# Outside CI it skips, loudly, when no daemon can be started.
# Each case is a directory with a Dockerfile, its build context and case.sh:
#   SECRET=...             the secret value (what the tools receive)
#   LEAK=...               how it is written in the Dockerfile, when that differs
#   NEEDS=heredoc          a Dockerfile feature the daemon's frontend must have
#   BUILD_ARGS=(...)       how users built the original
#   FILL=(NAME=value ...)  values a user puts in .env placeholders after dfix
#   BUILD_ARGS_AFTER=(...) non-secret --build-arg still needed after dfix
#   TARGET=stage           stage to build and inspect (multi-stage files)
#   RUN_CMD=(...)          command that must succeed in the new image
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
in_ci() { [ -n "${CI:-}" ] && [ "${CI}" != false ] && [ "${CI}" != 0 ]; }

skip() {
  if in_ci; then
    echo "e2e: FAILED: $* (CI must run the Docker suite)" >&2
    exit 1
  fi
  printf '\n!!!!! SKIPPED the Docker end-to-end suite: %s !!!!!\n\n' "$*" >&2
  exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root to run a private dockerd"
command -v apt-get >/dev/null || command -v dockerd >/dev/null || skip "no dockerd and no apt-get"

dfix=${DFIX:-$root/target/debug/dfix}
if [ ! -x "$dfix" ]; then
  (cd "$root" && cargo build --quiet) || { echo "e2e: cannot build dfix" >&2; exit 1; }
fi

# shellcheck source=setup.sh
. "$here/setup.sh"
if ! e2e_setup; then
  skip "the private Docker daemon did not start"
fi

# Debian 12's docker.io (20.10) has a built-in Dockerfile frontend without
# heredocs, and no newer frontend image can be pulled here.
heredocs_supported=no
probe=$(mktemp -d "${E2E_DIR:-/tmp}/probe.XXXXXX")
printf 'FROM dfix-e2e/busybox\nRUN <<EOF\ntrue\nEOF\n' > "$probe/Dockerfile"
if e2e_build e2e/probe-heredoc "$probe"; then heredocs_supported=yes; fi

passed=0
failed=0
unsupported=0
declare -a failures=()

# quote_sh VALUE: VALUE as a POSIX single-quoted word.
quote_sh() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

run_case() {
  local name=$1 src="$here/fixtures/$1" work
  local SECRET='' LEAK='' TARGET='' NEEDS=''
  local -a BUILD_ARGS=() FILL=() BUILD_ARGS_AFTER=() RUN_CMD=()
  # shellcheck source=/dev/null
  . "$src/case.sh"
  LEAK=${LEAK:-$SECRET}
  if [ "$NEEDS" = heredoc ] && [ "$heredocs_supported" != yes ]; then
    echo "UNSUPPORTED: this daemon's Dockerfile frontend has no heredocs"
    return 3
  fi
  work=$(mktemp -d "${E2E_DIR:-/tmp}/case-$name.XXXXXX")
  cp -a "$src/." "$work/"
  rm -f "$work/case.sh"
  local target_opt=()
  [ -n "$TARGET" ] && target_opt=(--target "$TARGET")

  # 1. The leak is real.
  if ! e2e_build "e2e/orig-$name" "$work" "${BUILD_ARGS[@]}" "${target_opt[@]}"; then
    echo "original build failed; log: $E2E_BUILD_LOG"; tail -20 "$E2E_BUILD_LOG"; return 1
  fi
  if ! e2e_leak_scan "e2e/orig-$name" "$LEAK" >/dev/null; then
    echo "the original does not leak: the case proves nothing"; return 1
  fi
  local before after
  before=$(e2e_recorded "e2e/orig-$name") || { echo "no stand-in records in the original"; return 1; }

  # 2. dfix --write, then the printed command.
  local out rc cmd
  out=$(cd "$work" && "$dfix" --write Dockerfile 2>&1); rc=$?
  if [ "$rc" != 0 ]; then echo "dfix --write exited $rc:"; echo "$out"; return 1; fi
  if grep -qF -- "$SECRET" <<<"$out"; then echo "dfix printed the secret"; return 1; fi
  cmd=$(sed -n '/^build with:$/{n;s/^  //;p;}' <<<"$out")
  [ -n "$cmd" ] || { echo "dfix printed no build command:"; echo "$out"; return 1; }
  local kv
  for kv in "${FILL[@]}"; do
    printf 'export %s=%s\n' "${kv%%=*}" "$(quote_sh "${kv#*=}")" >> "$work/.env"
  done
  local more=" --network=none --no-cache --progress=plain -t e2e/new-$name"
  local a
  for a in "${BUILD_ARGS_AFTER[@]}" "${target_opt[@]}"; do more+=" $(quote_sh "$a")"; done
  if ! (cd "$work" && eval "$cmd$more") > "$work.build.log" 2>&1; then
    echo "the rewritten Dockerfile does not build with: $cmd"; tail -30 "$work.build.log"
    echo "--- rewritten Dockerfile:"; cat "$work/Dockerfile"; return 1
  fi

  # 3. Same credential seen, nothing left behind.
  after=$(e2e_recorded "e2e/new-$name") || { echo "no stand-in records in the new image"; return 1; }
  if [ "$before" != "$after" ]; then
    echo "the tools saw different arguments or credentials:"; diff <(echo "$before") <(echo "$after"); return 1
  fi
  local where
  local form
  for form in "$SECRET" "$LEAK"; do
    if where=$(e2e_leak_scan "e2e/new-$name" "$form"); then
      echo "the secret is still in the new image: $where"; return 1
    fi
  done

  # 4. The image works.
  if [ ${#RUN_CMD[@]} -gt 0 ] && ! e2e_run "e2e/new-$name" "${RUN_CMD[@]}" >/dev/null 2>&1; then
    echo "the new image does not run: ${RUN_CMD[*]}"; return 1
  fi
  return 0
}

cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  for d in "$here"/fixtures/*/; do cases+=("$(basename "$d")"); done
fi
start=$(date +%s)
for name in "${cases[@]}"; do
  msg=$(run_case "$name" 2>&1); rc=$?
  if [ "$rc" = 0 ]; then
    echo "e2e $name ... ok"
    passed=$((passed + 1))
  elif [ "$rc" = 3 ]; then
    echo "e2e $name ... UNSUPPORTED by this daemon (not counted)"
    sed 's/^/    /' <<<"$msg"
    unsupported=$((unsupported + 1))
  else
    echo "e2e $name ... FAILED"
    sed 's/^/    /' <<<"$msg"
    failed=$((failed + 1))
    failures+=("$name")
  fi
done
echo "e2e: ${#cases[@]} cases in $(( $(date +%s) - start ))s, $unsupported unsupported by this daemon"
echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
