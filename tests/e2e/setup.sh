#!/usr/bin/env bash
# dfix end-to-end Docker harness: private dockerd + offline base images.
#
# SOURCE IT (bash) to get functions; sourcing alone changes nothing:
#
#     . tests/e2e/setup.sh
#     e2e_setup            # install deps, start private dockerd, build images,
#                          # and arm an EXIT/INT/TERM trap that calls e2e_stop
#     e2e_build t/x ctx --secret id=env,src=.env      # see lib.sh
#     e2e_leak_scan t/x "$SECRET"; e2e_recorded t/x
#     e2e_stop             # optional: the trap does it too
#
# OR RUN IT:
#
#     bash tests/e2e/setup.sh [check]   # everything, print versions, stop, clean
#     bash tests/e2e/setup.sh install   # only install host packages
#     eval "$(bash tests/e2e/setup.sh start)"   # leave a daemon running and
#                          # print `export DOCKER=... DOCKER_HOST=... E2E_DIR=...`
#     bash tests/e2e/setup.sh stop      # stop the daemon named by $E2E_DIR
#
# Functions: e2e_setup e2e_install_deps e2e_start e2e_build_images e2e_stop
#   plus lib.sh's e2e_build e2e_leak_scan e2e_recorded e2e_run e2e_sha256_*.
#
# Exported after e2e_start:
#   DOCKER       client to use: /usr/bin/docker (Debian docker.io 20.10). Its
#                built-in BuildKit client handles DOCKER_BUILDKIT=1 and --secret.
#                /usr/local/bin/docker (v28) is NOT used: without the buildx
#                plugin (not packaged in Debian 12) its BuildKit build refuses
#                to run, and its legacy builder rejects RUN --mount.
#   DOCKER_HOST  unix://$E2E_DIR/docker.sock
#   DOCKER_BUILDKIT=1, DOCKER_CONFIG=$E2E_DIR/docker-config (no host creds)
#   PATH         $E2E_DIR/bin first; it holds `docker` -> $DOCKER, so a plain
#                `docker` means the right client.
#   E2E_DIR      the private temp dir: docker.sock dockerd.log dockerd.pid
#                data/ exec/ logs/ (removed by e2e_stop unless E2E_KEEP=1)
#
# Images (built with `docker import`, no registry needed; always build with
# --network=none and never with --pull):
#   dfix-e2e/busybox  /bin/sh is busybox ash (accepts `source` etc.)
#   dfix-e2e/dash     /bin/sh is Debian's dash, so bashisms fail as on
#                     Debian/Ubuntu (`source x` -> "source: not found", 127)
# Both have busybox applets, root and nobody users, /tmp, /root, and the
# stand-in tools on PATH in /usr/local/bin (see image/standin.sh for the
# tools and the log format of /var/log/standins/<tool>.log).
#
# Knobs: E2E_DIR (use this dir; a dir you give is never deleted), E2E_KEEP=1
# (keep the dir), E2E_START_TIMEOUT (s, default 60), E2E_NO_TRAP=1,
# E2E_PRIVATE_CONTAINERD=auto|1|0 (auto: run our own containerd only if a
# system one is at /run/containerd/containerd.sock), E2E_CACHE_DIR (default
# /var/cache/dfix-e2e: the busybox-static binary fetched by `apt-get download`).
#
# Needs root (dockerd).  Host packages: docker.io (brings containerd, runc,
# tini); busybox-static is fetched with `apt-get download` and unpacked into
# E2E_CACHE_DIR rather than installed, because installing it removes Debian's
# `busybox` package (they conflict) and other work on the machine may need it.

E2E_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_IMAGES=(dfix-e2e/busybox dfix-e2e/dash)
E2E_STANDINS=(pip pip3 python python3 poetry npm npx yarn pnpm curl wget git gh go composer mvn aws docker)
# shellcheck source=SCRIPTDIR/lib.sh
. "$E2E_HERE/lib.sh"

e2e_log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
e2e_fail() { e2e_log "ERROR: $*"; return 1; }

e2e__apt_update_once() {
  [ "${E2E_APT_UPDATED:-0}" = 1 ] && return 0
  local i
  for i in 1 2 3; do
    if apt-get -o DPkg::Lock::Timeout=300 update -qq >&2; then
      export E2E_APT_UPDATED=1
      return 0
    fi
    e2e_log "apt-get update failed (try $i), retrying"
    sleep 5
  done
  e2e_fail "apt-get update failed"
}

e2e__require_root() {
  [ "$(id -u)" = 0 ] || e2e_fail "must run as root (it starts dockerd and installs packages)"
}

# e2e_install_deps: docker.io when dockerd or /usr/bin/docker is missing, and a
# static busybox in E2E_BUSYBOX.  Fast when everything is there.
e2e_install_deps() {
  e2e__require_root || return 1
  if ! command -v dockerd >/dev/null 2>&1 || [ ! -x /usr/bin/docker ] ||
     ! command -v containerd >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1; then
    e2e__apt_update_once || return 1
    e2e_log "installing docker.io"
    # Keep apt from starting the system docker service on machines without a
    # policy-rc.d (we run our own private daemon).
    local own_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
      chmod 755 /usr/sbin/policy-rc.d
      own_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
      --no-install-recommends docker.io >&2
    local rc=$?
    [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
    [ "$rc" = 0 ] || { e2e_fail "apt-get install docker.io failed"; return 1; }
  fi
  e2e__find_busybox
}

e2e__is_static() {
  [ -x "$1" ] && ! ldd "$1" >/dev/null 2>&1
}

e2e__find_busybox() {
  local cache=${E2E_CACHE_DIR:-/var/cache/dfix-e2e} deb tmp
  E2E_BUSYBOX=
  if e2e__is_static "$cache/busybox"; then
    E2E_BUSYBOX=$cache/busybox
  elif [ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null)" = "install ok installed" ] &&
       e2e__is_static /bin/busybox; then
    E2E_BUSYBOX=/bin/busybox
  else
    e2e__apt_update_once || return 1
    e2e_log "fetching busybox-static with apt-get download"
    mkdir -p "$cache" || return 1
    tmp=$(mktemp -d "$cache/dl.XXXXXX") || return 1
    if ! (cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download busybox-static >&2); then
      rm -rf "$tmp"
      e2e_fail "apt-get download busybox-static failed"
      return 1
    fi
    deb=$(find "$tmp" -maxdepth 1 -name 'busybox-static_*.deb' | head -n1)
    if [ -z "$deb" ] || ! dpkg-deb -x "$deb" "$tmp/x" || ! e2e__is_static "$tmp/x/bin/busybox"; then
      rm -rf "$tmp"
      e2e_fail "could not unpack a static busybox from busybox-static"
      return 1
    fi
    mv -f "$tmp/x/bin/busybox" "$cache/busybox"
    rm -rf "$tmp"
    E2E_BUSYBOX=$cache/busybox
  fi
  export E2E_BUSYBOX
}

# True when the daemon at $DOCKER_HOST (ours, per $E2E_DIR) answers.
e2e__daemon_up() {
  [ -n "${E2E_DIR:-}" ] && [ -S "$E2E_DIR/docker.sock" ] &&
    DOCKER_HOST=unix://$E2E_DIR/docker.sock timeout 10 "$DOCKER" version >/dev/null 2>&1
}

e2e__export_env() {
  export DOCKER=/usr/bin/docker
  export DOCKER_HOST=unix://$E2E_DIR/docker.sock
  export DOCKER_BUILDKIT=1
  export DOCKER_CONFIG=$E2E_DIR/docker-config
  export E2E_DIR
  unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
  mkdir -p "$E2E_DIR/bin" "$DOCKER_CONFIG"
  ln -sfn "$DOCKER" "$E2E_DIR/bin/docker"
  case ":$PATH:" in
    *":$E2E_DIR/bin:"*) ;;
    *) export PATH="$E2E_DIR/bin:$PATH" ;;
  esac
}

e2e__start_containerd() {
  local d=$E2E_DIR/containerd
  mkdir -p "$d"
  cat > "$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$d/containerd.sock"
[debug]
  address = "$d/debug.sock"
EOF
  containerd --config "$d/config.toml" > "$E2E_DIR/containerd.log" 2>&1 < /dev/null &
  echo $! > "$d/containerd.pid"
  local i
  for i in $(seq 1 100); do
    [ -S "$d/containerd.sock" ] && return 0
    kill -0 "$(cat "$d/containerd.pid")" 2>/dev/null || break
    sleep 0.2
  done
  e2e_log "private containerd did not start; log:"
  cat "$E2E_DIR/containerd.log" >&2
  return 1
}

# e2e_start: start (or reuse) the private dockerd and export the variables.
e2e_start() {
  e2e__require_root || return 1
  export DOCKER=/usr/bin/docker
  [ -x "$DOCKER" ] || { e2e_fail "$DOCKER missing: run e2e_install_deps"; return 1; }
  if e2e__daemon_up; then
    e2e__export_env
    e2e_log "reusing dockerd at $DOCKER_HOST"
    return 0
  fi
  if [ -z "${E2E_DIR:-}" ]; then
    E2E_DIR=$(mktemp -d /tmp/dfix-e2e.XXXXXX) || return 1
    touch "$E2E_DIR/.dfix-e2e-owned"
  fi
  mkdir -p "$E2E_DIR/logs"
  chmod 700 "$E2E_DIR"
  e2e__export_env
  echo '{}' > "$E2E_DIR/daemon.json"

  local extra=() mode=${E2E_PRIVATE_CONTAINERD:-auto}
  if [ "$mode" = 1 ] || { [ "$mode" = auto ] && [ -S /run/containerd/containerd.sock ]; }; then
    e2e__start_containerd || return 1
    extra=(--containerd "$E2E_DIR/containerd/containerd.sock")
  fi
  e2e_log "starting dockerd in $E2E_DIR"
  dockerd \
    --config-file "$E2E_DIR/daemon.json" \
    --data-root "$E2E_DIR/data" \
    --exec-root "$E2E_DIR/exec" \
    --pidfile "$E2E_DIR/dockerd.pid" \
    -H "unix://$E2E_DIR/docker.sock" \
    --storage-driver=vfs \
    --iptables=false --ip-masq=false --bridge=none \
    --containerd-namespace dfix-e2e --containerd-plugins-namespace dfix-e2e-plugins \
    "${extra[@]}" \
    > "$E2E_DIR/dockerd.log" 2>&1 < /dev/null &
  E2E_DOCKERD_PID=$!
  echo "$E2E_DOCKERD_PID" > "$E2E_DIR/dockerd.bgpid"
  export E2E_DOCKERD_PID

  local timeout=${E2E_START_TIMEOUT:-60} start=$SECONDS
  while :; do
    if timeout 10 "$DOCKER" version >/dev/null 2>&1; then
      e2e_log "dockerd up after $((SECONDS - start))s"
      return 0
    fi
    if ! kill -0 "$E2E_DOCKERD_PID" 2>/dev/null; then
      e2e_log "dockerd exited; log ($E2E_DIR/dockerd.log):"
      cat "$E2E_DIR/dockerd.log" >&2
      return 1
    fi
    if [ $((SECONDS - start)) -ge "$timeout" ]; then
      e2e_log "dockerd did not answer within ${timeout}s; log ($E2E_DIR/dockerd.log):"
      cat "$E2E_DIR/dockerd.log" >&2
      return 1
    fi
    sleep 0.5
  done
}

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

# e2e_stop: stop our dockerd (and containerd, shims), unmount, remove E2E_DIR.
# Safe to call more than once and when nothing was started.
e2e_stop() {
  local dir=${E2E_DIR:-} pid p cmd
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  for pid in "$(cat "$dir/dockerd.pid" 2>/dev/null)" "$(cat "$dir/dockerd.bgpid" 2>/dev/null)"; do
    e2e__kill_wait "$pid" 30
  done
  e2e__kill_wait "$(cat "$dir/containerd/containerd.pid" 2>/dev/null)" 15
  # Leftover shims/containers of this instance: their command lines name $dir.
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" = "$$" ] && continue
    cmd=$({ tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null) || continue
    case $cmd in *"$dir/"*) e2e__kill_wait "$pid" 5 ;; esac
  done
  # Unmount anything left under the dir, deepest first.
  awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo 2>/dev/null |
    sort -r | while IFS= read -r p; do umount -l "$p" 2>/dev/null; done
  if [ -e "$dir/.dfix-e2e-owned" ] && [ "${E2E_KEEP:-0}" != 1 ]; then
    rm -rf "$dir"
    e2e_log "stopped dockerd, removed $dir"
  else
    e2e_log "stopped dockerd, kept $dir"
  fi
  case ":$PATH:" in
    *":$dir/bin:"*) PATH=${PATH//"$dir/bin:"/} ;;
  esac
  unset E2E_DOCKERD_PID DOCKER_HOST
  E2E_DIR=
}

e2e__recipe_hash() {
  {
    cat "$E2E_HERE/setup.sh" "$E2E_HERE/image/standin.sh"
    sha256sum "$E2E_BUSYBOX" /bin/dash | cut -d' ' -f1
  } | sha256sum | cut -d' ' -f1
}

# e2e__rootfs DIR SHELL(busybox|dash): lay out a base image tree.
e2e__rootfs() {
  local r=$1 shell=$2 a lib
  rm -rf "$r"
  mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,usr/local/lib/dfix-e2e,etc,root,tmp,dev,proc,sys,run,var/log/standins,home}
  chmod 700 "$r/root"
  chmod 1777 "$r/tmp" "$r/var/log/standins"
  cp "$E2E_BUSYBOX" "$r/bin/busybox"
  while IFS= read -r a; do
    case $a in bin/busybox|'') continue ;; esac
    [ -e "$r/$a" ] || [ -L "$r/$a" ] || ln -s /bin/busybox "$r/$a"
  done < <("$E2E_BUSYBOX" --list-full)
  if [ "$shell" = dash ]; then
    cp /bin/dash "$r/bin/dash"
    rm -f "$r/bin/sh"
    ln -s dash "$r/bin/sh"
    while IFS= read -r lib; do
      mkdir -p "$r$(dirname "$lib")"
      cp -L "$lib" "$r$lib"
    done < <(ldd /bin/dash | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
  fi
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' > "$r/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' > "$r/etc/group"
  printf '%s\n' "dfix-e2e/$shell" > "$r/etc/dfix-e2e-base"
  cp "$E2E_HERE/image/standin.sh" "$r/usr/local/lib/dfix-e2e/standin"
  chmod 755 "$r/usr/local/lib/dfix-e2e/standin"
  for a in "${E2E_STANDINS[@]}"; do
    ln -s /usr/local/lib/dfix-e2e/standin "$r/usr/local/bin/$a"
  done
}

# e2e_build_images: import dfix-e2e/busybox and dfix-e2e/dash unless they
# already carry the current recipe label.
e2e_build_images() {
  [ -n "${E2E_BUSYBOX:-}" ] || e2e__find_busybox || return 1
  local recipe name shell cur r
  recipe=$(e2e__recipe_hash)
  for name in "${E2E_IMAGES[@]}"; do
    shell=${name#dfix-e2e/}
    cur=$("$DOCKER" image inspect -f '{{index .Config.Labels "dfix.e2e.recipe"}}' "$name" 2>/dev/null)
    if [ "$cur" = "$recipe" ]; then
      e2e_log "image $name up to date"
      continue
    fi
    e2e_log "building image $name"
    r=$E2E_DIR/rootfs-$shell
    e2e__rootfs "$r" "$shell" || { e2e_fail "rootfs for $name"; return 1; }
    if ! tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$r" -cf - . |
         "$DOCKER" import -m "dfix-e2e base ($shell)" \
           --change "LABEL dfix.e2e.recipe=$recipe" \
           --change "LABEL dfix.e2e.shell=$shell" \
           --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
           --change 'CMD ["/bin/sh"]' \
           - "$name" >/dev/null; then
      e2e_fail "docker import $name"
      return 1
    fi
    rm -rf "$r"
  done
}

# e2e_setup: everything, plus a trap so the daemon never outlives the shell.
e2e_setup() {
  e2e_install_deps || return 1
  if [ "${E2E_NO_TRAP:-0}" != 1 ]; then
    local prev
    local -a words
    prev=$(trap -p EXIT)
    if [ -n "$prev" ] && [[ $prev != *e2e_stop* ]]; then
      eval "words=($prev)"    # trap -- 'CMD' EXIT
      # shellcheck disable=SC2064
      trap "e2e_stop; ${words[2]}" EXIT
    elif [ -z "$prev" ]; then
      trap e2e_stop EXIT
    fi
    trap 'exit 130' INT
    trap 'exit 143' TERM
  fi
  e2e_start || return 1
  e2e_build_images || return 1
}

e2e__main() {
  local cmd=${1:-check}
  case $cmd in
    install) e2e_install_deps ;;
    check)
      e2e_setup || exit 1
      "$DOCKER" version --format 'client {{.Client.Version}} / server {{.Server.Version}}'
      "$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' 'dfix-e2e/*'
      e2e_run dfix-e2e/dash sh -c 'cat /etc/dfix-e2e-base; ls /usr/local/bin | tr "\n" " "; echo'
      ;;
    start)
      E2E_NO_TRAP=1 e2e_setup >&2 || { e2e_stop; exit 1; }
      printf 'export %s=%q\n' DOCKER "$DOCKER" DOCKER_HOST "$DOCKER_HOST" \
        DOCKER_BUILDKIT 1 DOCKER_CONFIG "$DOCKER_CONFIG" E2E_DIR "$E2E_DIR" \
        PATH "$PATH"
      ;;
    stop) e2e_stop ;;
    *) echo "usage: $0 [check|install|start|stop]" >&2; exit 2 ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  e2e__main "$@"
fi
