#!/usr/bin/env bash
# End-to-end proof with the real tools, real authenticated servers and real
# BuildKit engines. For every case in tests/e2e/cases/ and every engine:
#   1. the original Dockerfile builds, the server logged that it accepted the
#      case's credential, and the secret (plain, base64 or percent-encoded)
#      is in the history, the image config, a layer, or a named stage;
#   2. `dfix --write` rewrites it;
#   3. the command dfix printed under "build with:" (plus --network=host, a
#      tag and the case's non-secret --build-arg) builds it, and the server
#      logged the same credential accepted again;
#   4. the secret is nowhere in the new image nor in any named stage;
#   5. the same command without its --secret options fails;
#   6. the case's RUN_CMD succeeds in the new image.
# A case with KIND=runtime or KIND=callers has its own steps (see
# run_runtime_case and run_callers_case).
# Before each case the server must refuse the request without the credential.
#
# Usage: bash tests/e2e/run.sh [--engine modern|legacy]... [CASE...]   (root)
# Outside CI it skips, loudly, when it cannot run (not root, no daemon).
# Cases listed in tests/e2e/expected-failures print XFAIL when they fail and
# XPASS (which fails the run) when they pass. README "End-to-end Docker
# tests" says how to write a case.
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

engines=()
cases=()
while [ $# -gt 0 ]; do
  case $1 in
    --engine) engines+=("$2"); shift 2 ;;
    --engine=*) engines+=("${1#*=}"); shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) cases+=("$1"); shift ;;
  esac
done

[ "$(id -u)" = 0 ] || skip "needs root to run private Docker daemons"
command -v apt-get >/dev/null || skip "no apt-get to install the engines and servers"

# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
# shellcheck source=SCRIPTDIR/engines.sh
. "$here/engines.sh"
# shellcheck source=SCRIPTDIR/images.sh
. "$here/images.sh"
# shellcheck source=SCRIPTDIR/servers/tls.sh
. "$here/servers/tls.sh"
# shellcheck source=SCRIPTDIR/servers/nginx.sh
. "$here/servers/nginx.sh"
# shellcheck source=SCRIPTDIR/servers/moto.sh
. "$here/servers/moto.sh"
# shellcheck source=SCRIPTDIR/servers/registry.sh
. "$here/servers/registry.sh"

[ ${#engines[@]} -gt 0 ] || engines=("${E2E_ENGINES[@]}")
if [ ${#cases[@]} -eq 0 ]; then
  for d in "$here"/cases/*/; do cases+=("$(basename "$d")"); done
fi

dfix=${DFIX:-$root/target/debug/dfix}
if [ ! -x "$dfix" ]; then
  (cd "$root" && cargo build --quiet) || { echo "e2e: cannot build dfix" >&2; exit 1; }
fi

# Set by the servers once they run; the cases name them before that.
export E2E_REPO='' E2E_REPO_TLS='' E2E_S3='' E2E_REGISTRY='' E2E_AWS_KEY_ID='' E2E_AWS_SECRET=''
E2E_DIR=$(mktemp -d /tmp/dfix-e2e.XXXXXX)
chmod 700 "$E2E_DIR"
export E2E_DIR
export E2E_BASE_PATH=$PATH
cleanup() {
  engine_stop ""
  nginx_stop
  moto_stop
  registry_stop
  if [ "${E2E_KEEP:-0}" = 1 ]; then
    echo "e2e: kept $E2E_DIR" >&2
  else
    rm -rf "$E2E_DIR"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the expected failures: NAME  reason
declare -A xfail=()
while read -r name reason; do
  [[ -z $name || $name == \#* ]] && continue
  xfail[$name]=$reason
done < "$here/expected-failures"

# --- what the cases need
# case_defaults: every setting a case.sh may set, at its default.
case_defaults() {
  IMAGES=(base) SERVER=nginx AUTH=basic WHO='' SECRET='' LEAK='' PROBE=/ NEEDS='' KIND=build
  BUILD_ARGS=() FILL=() BUILD_ARGS_AFTER=() STAGES=() RUN_CMD=() CALLER_VAR=''
}
declare -A need_images=()
need_moto=0 need_registry=0
for name in "${cases[@]}"; do
  [ -f "$here/cases/$name/case.sh" ] || { echo "e2e: no case $name" >&2; exit 2; }
  (
    case_defaults
    # shellcheck source=/dev/null
    . "$here/cases/$name/case.sh"
    printf '%s\n' "server $SERVER" "images ${IMAGES[*]}"
  ) > "$E2E_DIR/needs" || exit 2
  while read -r what rest; do
    case $what in
      images) for i in $rest; do need_images[$i]=1; done ;;
      server) [ "$rest" = moto ] && need_moto=1; [ "$rest" = registry ] && need_registry=1 ;;
    esac
  done < "$E2E_DIR/needs"
done

# Register every case's credential with its server (the secret is read from
# the case file here, so it never passes through a command line).
register_creds() {
  local name
  for name in "${cases[@]}"; do
    (
      case_defaults
      # shellcheck source=/dev/null
      . "$here/cases/$name/case.sh"
      case $SERVER/$AUTH in
        nginx/basic) nginx_add_basic "$WHO" "$SECRET" ;;
        nginx/bearer) nginx_add_bearer "$WHO" "$SECRET" ;;
        registry/*) registry_add "$WHO" "$SECRET" ;;
      esac
    ) || return 1
  done
}

setup_start=$SECONDS
# The trixie engine and moto's venv come from the network while the host's
# packages and the images are installed (each logs to $E2E_DIR/prepare-*).
prepare_bg() {
  local what=$1
  shift
  "$@" > "$E2E_DIR/prepare-$what.log" 2>&1 &
  bg_pids+=("$!") bg_names+=("$what")
}
bg_pids=() bg_names=()
e2e_apt_install debootstrap nginx-light fcgiwrap apache2-utils ruby git curl python3 openssl make || exit 1
[ "$need_registry" = 1 ] && { e2e_apt_install docker-registry || exit 1; }
for e in "${engines[@]}"; do
  if [ "$e" = modern ]; then
    prepare_bg engine-modern engine_prepare modern
  else
    engine_prepare "$e" || skip "engine $e could not be installed"
  fi
done
[ "$need_moto" = 1 ] && prepare_bg moto moto_prepare
images_prepare "${!need_images[@]}" || exit 1
for i in "${!bg_pids[@]}"; do
  if ! wait "${bg_pids[$i]}"; then
    tail -n 20 "$E2E_DIR/prepare-${bg_names[$i]}.log" >&2
    [ "${bg_names[$i]}" = engine-modern ] && skip "the modern engine could not be installed"
    echo "e2e: preparing ${bg_names[$i]} failed" >&2
    exit 1
  fi
done
register_creds || exit 1
nginx_start || exit 1
[ "$need_moto" = 1 ] && { moto_start || exit 1; }
[ "$need_registry" = 1 ] && { registry_start || exit 1; }
echo "e2e: set-up (engines, images, servers) took $((SECONDS - setup_start))s"

# --- one case
quote_sh() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# build LOG ARGS...: docker build with the suite's options, output to LOG.
build() {
  local log=$1
  shift
  docker build --network=host --no-cache --progress=plain "$@" > "$log" 2>&1
}

log_mark() {
  case $SERVER in
    nginx) nginx_log_mark ;; moto) moto_log_mark ;; registry) registry_log_mark ;; *) echo 0 ;;
  esac
}
accepted() {
  case $SERVER in
    nginx) nginx_accepted "$WHO" "$1" ;; moto) moto_accepted "$WHO" "$1" ;;
    registry) registry_accepted "$WHO" "$1" ;; *) echo 1 ;;
  esac
}

# The server turns away a request without the credential, or with a wrong one.
server_refuses() {
  local code
  case $SERVER in
    nginx)
      code=$(curl -s -o /dev/null -w '%{http_code}' "http://$E2E_REPO$PROBE")
      [ "$code" = 401 ] || { echo "the server answered $code (not 401) without a credential: $PROBE"; return 1; }
      if [ "$AUTH" = bearer ]; then
        code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong-token' "http://$E2E_REPO$PROBE")
      else
        code=$(curl -s -o /dev/null -w '%{http_code}' -u "$WHO:wrong-password" "http://$E2E_REPO$PROBE")
      fi
      [ "$code" = 401 ] || { echo "the server answered $code (not 401) to a wrong credential"; return 1; }
      ;;
    moto)
      AWS_ACCESS_KEY_ID=$E2E_AWS_KEY_ID AWS_SECRET_ACCESS_KEY=wrong-secret "$(e2e__moto_venv)/bin/python" -c '
import sys, boto3, botocore
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1")
try:
    s3.get_object(Bucket="private-bucket", Key="hello.txt")
except botocore.exceptions.ClientError as e:
    sys.exit(0 if e.response["ResponseMetadata"]["HTTPStatusCode"] == 403 else 1)
sys.exit(1)' "http://$E2E_S3" || { echo "moto did not refuse a wrong secret key with 403"; return 1; }
      ;;
    registry)
      code=$(curl -s -o /dev/null -w '%{http_code}' "http://$E2E_REGISTRY/v2/")
      [ "$code" = 401 ] || { echo "the registry answered $code without a credential"; return 1; }
      code=$(curl -s -o /dev/null -w '%{http_code}' -u "$WHO:wrong-password" "http://$E2E_REGISTRY/v2/")
      [ "$code" = 401 ] || { echo "the registry answered $code to a wrong password"; return 1; }
      ;;
  esac
}

# Fill the case's placeholders (@REPO@ ...) in every file of DIR.
fill_placeholders() {
  python3 - "$1" <<'EOF'
import os, sys
subst = {b"@" + k.encode() + b"@": os.environ.get("E2E_" + k, "").encode()
         for k in ("REPO_TLS", "REPO", "S3", "REGISTRY", "AWS_KEY_ID", "AWS_SECRET")}
for dirpath, _, files in os.walk(sys.argv[1]):
    for f in files:
        p = os.path.join(dirpath, f)
        data = open(p, "rb").read()
        new = data
        for k, v in subst.items():
            new = new.replace(k, v)
        if new != data:
            open(p, "wb").write(new)
EOF
}

# leaks IMAGE: 0 and the places when the case's secret, in any form or as the
# Dockerfile wrote it, is in IMAGE; 1 if not; 2 on error.
leaks() {
  local b best='' n bestn=0 il
  il=$(docker image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' "$1")
  for b in "${IMAGES[@]}"; do
    n=$(docker image inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' "dfix-e2e/$b")
    if [[ $il == "$n"* ]] && [ ${#n} -gt "$bestn" ]; then best=dfix-e2e/$b; bestn=${#n}; fi
  done
  e2e_leak_scan "$1" "$best" "$SECRET" "$LEAK"
}

# clean IMAGE WHAT WORK: 0 when no form of the secret is in IMAGE; otherwise
# say where, show the rewritten Dockerfile, and return 1.
clean() {
  local where
  where=$(leaks "$1")
  case $? in
    1) return 0 ;;
    0) echo "the secret is still in $2:"; echo "$where"
       echo "--- rewritten Dockerfile:"; cat "$3/Dockerfile" ;;
    *) echo "the leak scan of $2 failed"; echo "$where" ;;
  esac
  return 1
}

run_case() {
  local name=$1 src=$here/cases/$1 work tag=e2e/$1 mark n s
  case_defaults
  # shellcheck source=/dev/null
  . "$src/case.sh"
  LEAK=${LEAK:-$SECRET}
  if [ "$NEEDS" = heredoc ] && [ "$E2E_HEREDOCS" != yes ]; then
    return 3
  fi
  work=$E2E_DIR/work/$E2E_ENGINE/$name
  mkdir -p "$work"
  cp -a "$src/." "$work/"
  rm -f "$work/case.sh"
  fill_placeholders "$work"
  [ "$SERVER" = none ] || server_refuses || return 1
  if [ "$KIND" = runtime ]; then
    run_runtime_case "$name" "$work"
    return
  fi
  if [ "$KIND" = callers ]; then
    run_callers_case "$name" "$work"
    return
  fi

  # 1. The original builds, the server accepts the credential, the leak is real.
  mark=$(log_mark)
  if ! (cd "$work" && build "$work.orig.log" -t "$tag-orig" "${BUILD_ARGS[@]}" .); then
    echo "the original does not build; last lines of $work.orig.log:"; tail -n 20 "$work.orig.log"; return 1
  fi
  n=$(accepted "$mark")
  [ "$n" -gt 0 ] || { echo "the server did not accept $WHO's credential in the original build"; return 1; }
  local leaked=no
  : > "$work.orig.leaks"
  for s in '' "${STAGES[@]}"; do
    if [ -n "$s" ]; then
      (cd "$work" && build "$work.orig-$s.log" -t "$tag-orig-$s" --target "$s" "${BUILD_ARGS[@]}" .) ||
        { echo "the original's stage $s does not build"; tail -n 20 "$work.orig-$s.log"; return 1; }
    fi
    leaks "$tag-orig${s:+-$s}" >> "$work.orig.leaks"
    case $? in 0) leaked=yes ;; 2) echo "the leak scan failed"; cat "$work.orig.leaks"; return 1 ;; esac
  done
  [ "$leaked" = yes ] || { echo "the original does not leak the secret: the case proves nothing"; return 1; }
  echo "original: accepted ${n}x, leaks: $(head -n 1 "$work.orig.leaks")"

  # 2. dfix --write.
  local out rc cmd
  out=$(cd "$work" && "$dfix" --write Dockerfile 2>&1)
  rc=$?
  if grep -qF -- "$SECRET" <<<"$out"; then echo "dfix printed the secret"; return 1; fi
  # With placeholders to fill in (FILL), --write exits 1 until they are.
  if [ "$rc" != 0 ] && ! { [ "$rc" = 1 ] && [ "${#FILL[@]}" -gt 0 ] \
      && grep -q '^fill in the placeholders' <<<"$out"; }; then
    echo "dfix --write exited $rc:"; echo "$out"; return 1
  fi
  cmd=$(sed -n '/^build with:$/{n;s/^  //;p;}' <<<"$out")
  [ -n "$cmd" ] || { echo "dfix --write printed no build command (it found nothing to rewrite):"; echo "${out:-(no output)}"; return 1; }
  local kv
  # Filled in where dfix left the entry (a placeholder, or a value it took
  # from a default that is not the real one), as a person would: entries
  # after it (GIT_CONFIG_KEY_0="...${TOKEN}...") expand it when sourced.
  for kv in "${FILL[@]}"; do
    if ! N="${kv%%=*}" V="$(quote_sh "${kv#*=}")" awk '
        !done && index($0, "export " ENVIRON["N"] "=") == 1 { print "export " ENVIRON["N"] "=" ENVIRON["V"]; done = 1; next }
        { print }
        END { exit !done }' "$work/.env" > "$work/.env.filled"; then
      echo "no entry for ${kv%%=*} in .env:"; sed 's/=.*/=.../' "$work/.env"; return 1
    fi
    cat "$work/.env.filled" > "$work/.env" && rm -f "$work/.env.filled"
  done
  if [ "${#FILL[@]}" -gt 0 ] && ! (cd "$work" && "$dfix" --check Dockerfile > "$work.check.log" 2>&1); then
    echo "dfix --check is not clean once the placeholders are filled in:"; cat "$work.check.log"; return 1
  fi
  local more=" --network=host --no-cache --progress=plain" a
  for a in "${BUILD_ARGS_AFTER[@]}"; do more+=" $(quote_sh "$a")"; done

  # 3. The printed command builds it and the credential still gets through.
  mark=$(log_mark)
  if ! (cd "$work" && eval "$cmd$more -t $tag-new") > "$work.new.log" 2>&1; then
    echo "the rewritten Dockerfile does not build with: $cmd"; tail -n 25 "$work.new.log"
    echo "--- rewritten Dockerfile:"; cat "$work/Dockerfile"; return 1
  fi
  n=$(accepted "$mark")
  if [ "$n" -eq 0 ]; then
    echo "the server did not accept $WHO's credential in the rewritten build (the tool never got it)"
    echo "--- rewritten Dockerfile:"; cat "$work/Dockerfile"; return 1
  fi

  # 4. No trace of it anywhere.
  clean "$tag-new" "the rewritten image" "$work" || return 1
  for s in "${STAGES[@]}"; do
    (cd "$work" && eval "$cmd$more --target $s -t $tag-new-$s") > "$work.new-$s.log" 2>&1 ||
      { echo "stage $s of the rewritten Dockerfile does not build"; tail -n 20 "$work.new-$s.log"; return 1; }
    clean "$tag-new-$s" "stage $s of the rewritten Dockerfile" "$work" || return 1
  done

  # 5. Without the secrets it must fail: the credential is not baked in.
  local bare
  bare=$(sed -E 's/ --secret[ =][^ ]+//g' <<<"$cmd")
  if (cd "$work" && eval "$bare$more -t $tag-nosecret") > "$work.nosecret.log" 2>&1; then
    echo "the rewritten Dockerfile builds without --secret: $bare"; return 1
  fi

  # 6. The image works.
  if [ ${#RUN_CMD[@]} -gt 0 ] && ! docker run --rm --network=none "$tag-new" "${RUN_CMD[@]}" > "$work.run.log" 2>&1; then
    echo "the new image does not run ${RUN_CMD[*]}:"; tail -n 10 "$work.run.log"; return 1
  fi
  echo "rewritten: accepted ${n}x, no trace; fails without --secret"
  return 0
}

# A runtime secret (the container needs it, the build does not): dfix must
# leave the Dockerfile alone by default and report it; with --runtime-env
# FILE it moves the value to FILE and prints a `docker run --env-file` line.
run_runtime_case() {
  local name=$1 work=$2 tag=e2e/$1 out rc before cmd runline envfile
  (cd "$work" && build "$work.orig.log" -t "$tag-orig" .) ||
    { echo "the original does not build"; tail -n 20 "$work.orig.log"; return 1; }
  leaks "$tag-orig" > /dev/null || { echo "the original does not leak: the case proves nothing"; return 1; }
  before=$(sha256sum < "$work/Dockerfile")
  out=$(cd "$work" && "$dfix" Dockerfile 2>&1)
  rc=$?
  [ "$rc" = 1 ] || { echo "dfix (dry run) exited $rc, not 1 (a finding that needs a person)"; echo "$out"; return 1; }
  [ "$(sha256sum < "$work/Dockerfile")" = "$before" ] || { echo "the dry run changed the Dockerfile"; return 1; }
  out=$(cd "$work" && "$dfix" --write Dockerfile 2>&1)
  [ "$(sha256sum < "$work/Dockerfile")" = "$before" ] ||
    { echo "--write without --runtime-env changed the Dockerfile"; return 1; }
  out=$(cd "$work" && "$dfix" --write --runtime-env runtime.env Dockerfile 2>&1)
  rc=$?
  if grep -qF -- "$SECRET" <<<"$out"; then echo "dfix printed the secret"; return 1; fi
  [ "$rc" = 0 ] || { echo "dfix --write --runtime-env runtime.env exited $rc:"; echo "$out"; return 1; }
  cmd=$(sed -n '/^build with:$/{n;s/^  //;p;}' <<<"$out")
  cmd=${cmd:-docker build .}
  (cd "$work" && eval "$cmd --network=host --no-cache --progress=plain -t $tag-new") > "$work.new.log" 2>&1 ||
    { echo "the rewritten Dockerfile does not build"; tail -n 20 "$work.new.log"; return 1; }
  clean "$tag-new" "the rewritten image" "$work" || return 1
  runline=$(grep -E 'docker run .*--env-file' <<<"$out" | head -n 1)
  envfile=$(sed -E 's/.*--env-file[ =]([^ ]+).*/\1/' <<<"$runline")
  if [ -z "$runline" ] || [ ! -f "$work/$envfile" ]; then
    echo "no docker run --env-file line, or no such file:"; echo "$out"; return 1
  fi
  local seen
  seen=$(cd "$work" && docker run --rm --network=none --env-file "$envfile" "$tag-new" \
           sh -c "printf %s \"\$$RUNTIME_VAR\" | sha256sum")
  [ "${seen%% *}" = "$(printf %s "$SECRET" | sha256sum | cut -d' ' -f1)" ] ||
    { echo "the container started with $runline does not see $RUNTIME_VAR"; return 1; }
}

# A repository whose callers pass the credential with --build-arg (see the
# callers-* cases): the original Makefile build leaks it; `dfix --write .`
# rewrites the Dockerfile and every caller together (a workflow too, only
# checked); `make image` and `docker compose build`, with CALLER_VAR in the
# environment as CI would set it, then build, the server accepts the
# credential, and no form of it is in either image; without the variable
# the build fails.
run_callers_case() {
  local name=$1 work=$2 tag=e2e/$1 mark n out rc compose img
  compose=${DFIX_COMPOSE:-/var/cache/dfix-e2e/compose/usr/libexec/docker/cli-plugins/docker-compose}
  [ -x "$compose" ] || { echo "no Compose v2 plugin at $compose (tests/run.sh fetches it)"; return 1; }
  ln -sfn "$compose" "$DOCKER_CONFIG/cli-plugins/docker-compose"
  mkdir -p "$work/.git"
  # 1. The original, built by its Makefile, is accepted and leaks.
  mark=$(log_mark)
  (cd "$work" && env "$CALLER_VAR=$SECRET" make image IMAGE="$tag-orig") > "$work.orig.log" 2>&1 ||
    { echo "make image does not build the original"; tail -n 20 "$work.orig.log"; return 1; }
  n=$(accepted "$mark")
  [ "$n" -gt 0 ] || { echo "the server did not accept $WHO's credential in the original build"; return 1; }
  leaks "$tag-orig" > "$work.orig.leaks" ||
    { echo "the original does not leak the secret: the case proves nothing"; return 1; }
  echo "original (make): accepted ${n}x, leaks: $(head -n 1 "$work.orig.leaks")"

  # 2. dfix --write . migrates the Dockerfile and its callers.
  out=$(cd "$work" && "$dfix" --write . 2>&1)
  rc=$?
  if grep -qF -- "$SECRET" <<<"$out"; then echo "dfix printed the secret"; return 1; fi
  [ "$rc" = 0 ] || { echo "dfix --write . exited $rc:"; echo "$out"; return 1; }
  if grep -rq -- "--build-arg $CALLER_VAR" "$work/Makefile" "$work/.github" ||
      grep -q "args:" "$work/docker-compose.yml"; then
    echo "a caller still passes $CALLER_VAR as a build arg:"; echo "$out"; return 1
  fi
  (cd "$work" && "$dfix" --check . > "$work.check.log" 2>&1) ||
    { echo "dfix --check . is not clean after --write:"; cat "$work.check.log"; return 1; }

  # 3. Each rewritten caller builds with the value from the environment.
  mark=$(log_mark)
  (cd "$work" && env "$CALLER_VAR=$SECRET" make image IMAGE="$tag-make") > "$work.make.log" 2>&1 ||
    { echo "make image does not build after dfix:"; tail -n 25 "$work.make.log"
      echo "--- rewritten Dockerfile:"; cat "$work/Dockerfile"; return 1; }
  n=$(accepted "$mark")
  [ "$n" -gt 0 ] || { echo "the server did not accept the credential in make's build (the tool never got it)"; return 1; }
  clean "$tag-make" "the image make built" "$work" || return 1
  mark=$(log_mark)
  (cd "$work" && env "$CALLER_VAR=$SECRET" docker compose build --no-cache) > "$work.compose.log" 2>&1 ||
    { echo "docker compose build fails after dfix:"; tail -n 25 "$work.compose.log"
      echo "--- rewritten compose file:"; cat "$work/docker-compose.yml"; return 1; }
  n=$(accepted "$mark")
  [ "$n" -gt 0 ] || { echo "the server did not accept the credential in compose's build"; return 1; }
  img=$(sed -n 's/^ *image: *//p' "$work/docker-compose.yml" | head -n 1)
  clean "$img" "the image compose built" "$work" || return 1

  # 4. Without the variable it fails: the credential is not baked in.
  if (cd "$work" && env -u "$CALLER_VAR" make image IMAGE="$tag-nosecret") > "$work.nosecret.log" 2>&1; then
    echo "make image builds without $CALLER_VAR in the environment"; return 1
  fi

  # 5. The image works.
  if [ ${#RUN_CMD[@]} -gt 0 ] && ! docker run --rm --network=none "$tag-make" "${RUN_CMD[@]}" > "$work.run.log" 2>&1; then
    echo "the new image does not run ${RUN_CMD[*]}:"; tail -n 10 "$work.run.log"; return 1
  fi
  echo "rewritten (make, compose): accepted, no trace; fails without $CALLER_VAR"
}

indent() { [ -z "$1" ] || printf '    %s\n' "${1//$'\n'/$'\n'    }"; }

mask_case() {
  local SECRET LEAK
  # shellcheck source=/dev/null
  eval "$(case_defaults; . "$here/cases/$1/case.sh"; printf 'SECRET=%q LEAK=%q' "$SECRET" "$LEAK")"
  e2e_mask "$SECRET" "$LEAK"
}

# --- the matrix
passed=0 failed=0 xfailed=0 xpassed=0 skipped=0
failures=()
start=$SECONDS
for e in "${engines[@]}"; do
  engine_start "$e" || skip "the $e engine's daemon did not start"
  echo "engine: $e: Docker $E2E_ENGINE_VERSION ($(docker buildx version 2>/dev/null | awk '{print "buildx " $2 ", "}' || true)heredocs: $E2E_HEREDOCS)"
  images_import "${!need_images[@]}" || { echo "e2e: importing images into $e failed"; exit 1; }
  for name in "${cases[@]}"; do
    t0=$SECONDS
    # Whatever a case prints (build logs, the rewritten Dockerfile) goes
    # through the mask: a secret dfix left in place must not reach the log.
    msg=$(run_case "$name" 2>&1 | mask_case "$name"; exit "${PIPESTATUS[0]}")
    rc=$?
    label="$name [$e, $((SECONDS - t0))s]"
    if [ "$rc" = 3 ]; then
      echo "e2e $label ... SKIP: uses heredocs, which this engine's Dockerfile frontend lacks (runs on the modern engine)"
      skipped=$((skipped + 1))
    elif [ -n "${xfail[$name]+set}" ]; then
      if [ "$rc" = 0 ]; then
        echo "e2e $label ... XPASS: remove '$name' from tests/e2e/expected-failures"
        xpassed=$((xpassed + 1)); failed=$((failed + 1)); failures+=("$name@$e (XPASS)")
      else
        echo "e2e $label ... XFAIL (${xfail[$name]})"
        xfailed=$((xfailed + 1))
      fi
      indent "$msg"
    elif [ "$rc" = 0 ]; then
      echo "e2e $label ... ok"
      indent "$msg"
      passed=$((passed + 1))
    else
      echo "e2e $label ... FAILED"
      indent "$msg"
      failed=$((failed + 1)); failures+=("$name@$e")
    fi
  done
  engine_stop
done
echo "e2e: ${#cases[@]} cases on ${#engines[@]} engine(s) in $((SECONDS - start))s;" \
  "$xfailed expected failures (XFAIL), $xpassed XPASS, $skipped heredoc cases not run on legacy"
[ ${#failures[@]} -eq 0 ] || echo "e2e: failed: ${failures[*]}"
echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
