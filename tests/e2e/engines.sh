# shellcheck shell=bash
# The Docker engines the e2e suite builds on (source it; lib.sh first).
#
#   modern  Debian 13's Docker 26.1 with buildx 0.13 (BuildKit 0.13, Dockerfile
#           frontend 1.7: heredocs). Installed by debootstrap into the cache
#           and run chrooted; the host talks to it with that tree's own client
#           and buildx plugin (Go binaries that need only libc).
#   legacy  Debian 12's docker.io 20.10 on the host (built-in BuildKit and
#           frontend, no heredocs), with its own data directory.
#
# engine_prepare NAME   install what NAME needs (cached; quick when done)
# engine_start NAME     start a private daemon under $E2E_DIR/NAME and export
#                       DOCKER_HOST, DOCKER_CONFIG, PATH (a `docker` for it
#                       first), E2E_ENGINE, E2E_ENGINE_VERSION, E2E_HEREDOCS
# engine_stop           stop it, unmount everything under $E2E_DIR/NAME
#
# A daemon keeps its images in $E2E_CACHE/engine-data/NAME, so a warm run
# neither imports the base images again nor deletes gigabytes at the end; a
# lock gives that directory to one run at a time (a second run at the same
# time uses a fresh directory under $E2E_DIR). The suite's own images (e2e/*)
# and the build cache are removed before the daemon stops.
#
# Neither touches a Docker already running on the machine.

# shellcheck disable=SC2034 # read by run.sh
E2E_ENGINES=(modern legacy)
E2E_TRIXIE_PKGS=docker.io,docker-cli,docker-buildx

e2e__trixie_tree() {
  printf '%s/engine-trixie-%s' "$E2E_CACHE" "$(e2e_key "v1 minbase $E2E_TRIXIE_PKGS")"
}

engine_prepare() {
  case $1 in
    modern)
      local tree tmp
      tree=$(e2e__trixie_tree)
      [ -x "$tree/usr/sbin/dockerd" ] && return 0
      command -v debootstrap >/dev/null || e2e_apt_install debootstrap || return 1
      e2e_log "debootstrap trixie with $E2E_TRIXIE_PKGS (about a minute)"
      tmp=$tree.tmp.$$
      rm -rf "$tmp"
      mkdir -p "$E2E_CACHE/debs-trixie"
      if ! debootstrap --variant=minbase --include="$E2E_TRIXIE_PKGS" \
             --cache-dir="$E2E_CACHE/debs-trixie" trixie "$tmp" "$E2E_MIRROR" \
             > "$E2E_CACHE/debootstrap-trixie.log" 2>&1; then
        tail -n 20 "$E2E_CACHE/debootstrap-trixie.log" >&2
        rm -rf "$tmp"
        e2e_fail "debootstrap trixie failed"
        return 1
      fi
      rm -rf "$tmp/var/cache/apt/archives/"*.deb
      # Another run may have finished the same tree meanwhile: keep that one.
      mv -T "$tmp" "$tree" 2>/dev/null || rm -rf "$tmp"
      ;;
    legacy)
      if [ ! -x /usr/sbin/dockerd ] || [ ! -x /usr/bin/docker ] ||
         ! command -v containerd >/dev/null || ! command -v runc >/dev/null; then
        e2e_apt_install docker.io || return 1
      fi
      # A dockerd of another version would not be Debian 12's 20.10.
      /usr/sbin/dockerd --version | grep -q ' 20\.10\.' ||
        { e2e_fail "/usr/sbin/dockerd is not Debian 12's 20.10"; return 1; }
      ;;
    *) e2e_fail "unknown engine $1"; return 1 ;;
  esac
}

# e2e__wait_daemon PID LOG: until `docker version` answers.
e2e__wait_daemon() {
  local pid=$1 log=$2 start=$SECONDS
  until timeout 10 docker version >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      e2e_log "the daemon exited; last lines of $log:"
      tail -n 30 "$log" >&2
      return 1
    fi
    if [ $((SECONDS - start)) -ge "${E2E_START_TIMEOUT:-90}" ]; then
      e2e_log "the daemon did not answer; last lines of $log:"
      tail -n 30 "$log" >&2
      return 1
    fi
    sleep 0.5
  done
}

e2e__engine_env() {
  local d=$1 client=$2
  mkdir -p "$d/bin" "$d/config/cli-plugins"
  ln -sfn "$client" "$d/bin/docker"
  export DOCKER_HOST=unix://$d/docker.sock
  export DOCKER_CONFIG=$d/config
  export PATH="$d/bin:$E2E_BASE_PATH"
  export DOCKER_BUILDKIT=1
  unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH BUILDX_BUILDER
  E2E_ENGINE_DIR=$d
}

# e2e__start_containerd DIR: a private containerd for the legacy daemon, when
# the machine runs one of its own at the default socket.
e2e__start_containerd() {
  local d=$1/containerd
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
  containerd --config "$d/config.toml" > "$d/containerd.log" 2>&1 < /dev/null &
  echo $! > "$d/pid"
  local _
  for _ in $(seq 1 100); do
    [ -S "$d/containerd.sock" ] && return 0
    sleep 0.2
  done
  e2e_fail "private containerd did not start"
}

# e2e__engine_data NAME: set data to the directory NAME's daemon gets (in
# this shell: the lock lives as long as its file descriptor).
e2e__engine_data() {
  local cached=$E2E_CACHE/engine-data/$1
  mkdir -p "$cached"
  exec {E2E_ENGINE_LOCK}> "$cached.lock"
  if flock -n "$E2E_ENGINE_LOCK"; then
    data=$cached
  else
    exec {E2E_ENGINE_LOCK}>&-
    E2E_ENGINE_LOCK=
    e2e_log "$cached is in use by another run: starting from an empty one"
    data=$E2E_DIR/$1/data
    mkdir -p "$data"
  fi
}

engine_start() {
  local name=$1 d=$E2E_DIR/$1 pid extra=() data
  E2E_BASE_PATH=${E2E_BASE_PATH:-$PATH}
  mkdir -p "$d"
  e2e__engine_data "$name"
  case $name in
    modern)
      local tree r
      tree=$(e2e__trixie_tree)
      r=$d/root
      mkdir -p "$r" "$d/upper" "$d/work"
      # The cached tree stays untouched: the daemon writes to an overlay, and
      # its images live on the host file system (overlay2 cannot nest).
      mount -t overlay overlay -o "lowerdir=$tree,upperdir=$d/upper,workdir=$d/work" "$r" || return 1
      mkdir -p "$r/var/lib/docker"
      mount --bind "$data" "$r/var/lib/docker" || return 1
      mount --bind /proc "$r/proc" && mount --bind /dev "$r/dev" &&
        mount --bind /dev/pts "$r/dev/pts" && mount --rbind /sys "$r/sys" || return 1
      mount --make-rslave "$r/sys"
      mkdir -p "$r/run/dfix"
      e2e__engine_env "$d" "$r/usr/bin/docker"
      ln -sfn "$r/usr/libexec/docker/cli-plugins/docker-buildx" "$d/config/cli-plugins/docker-buildx"
      chroot "$r" /usr/sbin/dockerd -H unix:///run/dfix/docker.sock \
        --storage-driver=overlay2 --iptables=false --ip-masq=false --bridge=none \
        --pidfile /run/dfix/dockerd.pid > "$d/dockerd.log" 2>&1 < /dev/null &
      pid=$!
      echo "$pid" > "$d/pid"
      # The socket, seen from the host.
      ln -sfn "$r/run/dfix/docker.sock" "$d/docker.sock"
      ;;
    legacy)
      e2e__engine_env "$d" /usr/bin/docker
      if [ -S /run/containerd/containerd.sock ]; then
        e2e__start_containerd "$d" || return 1
        extra=(--containerd "$d/containerd/containerd.sock")
      fi
      echo '{}' > "$d/daemon.json"
      /usr/sbin/dockerd --config-file "$d/daemon.json" --data-root "$data" \
        --exec-root "$d/exec" --pidfile "$d/dockerd.pid" -H "unix://$d/docker.sock" \
        --storage-driver=overlay2 --iptables=false --ip-masq=false --bridge=none \
        --containerd-namespace dfix-e2e --containerd-plugins-namespace dfix-e2e-plugins \
        "${extra[@]}" > "$d/dockerd.log" 2>&1 < /dev/null &
      pid=$!
      echo "$pid" > "$d/pid"
      ;;
  esac
  e2e__wait_daemon "$pid" "$d/dockerd.log" || return 1
  E2E_ENGINE=$name
  E2E_ENGINE_VERSION=$(docker version --format '{{.Server.Version}}')
  export E2E_ENGINE E2E_ENGINE_VERSION
  if [ "$name" = modern ]; then
    # Build with the daemon's own BuildKit (the "docker" driver).
    docker buildx version >/dev/null || { e2e_fail "the buildx plugin does not run"; return 1; }
    E2E_HEREDOCS=yes
  else
    E2E_HEREDOCS=no
  fi
  export E2E_HEREDOCS
}

# engine_stop [DIR]: stop the daemon started in DIR (default: the current one)
# and whatever it left (containerd, shims), then unmount DIR's mounts.
engine_stop() {
  local d=${1:-${E2E_ENGINE_DIR:-}} p pid cmd
  [ -n "$d" ] && [ -d "$d" ] || return 0
  if [ -S "$d/docker.sock" ] && DOCKER_HOST=unix://$d/docker.sock timeout 10 docker version >/dev/null 2>&1; then
    # What this run built goes; the imported base images stay for the next.
    DOCKER_HOST=unix://$d/docker.sock docker image ls --format '{{.Repository}}:{{.Tag}}' 'e2e/*' |
      xargs -r env DOCKER_HOST="unix://$d/docker.sock" docker rmi -f >/dev/null 2>&1
    DOCKER_HOST=unix://$d/docker.sock docker builder prune -af >/dev/null 2>&1
    DOCKER_HOST=unix://$d/docker.sock docker image prune -f >/dev/null 2>&1
  fi
  e2e__kill_wait "$(cat "$d/pid" 2>/dev/null)" 30
  e2e__kill_wait "$(cat "$d/containerd/pid" 2>/dev/null)" 15
  # Processes still running from this engine's directory (shims, containerd
  # of the chrooted daemon): their command line or root is under $d.
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" = "$$" ] && continue
    cmd=$({ tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null) || continue
    case $cmd in *"$d/"*) e2e__kill_wait "$pid" 5; continue ;; esac
    case $(readlink "$p/root" 2>/dev/null) in "$d/root"*) e2e__kill_wait "$pid" 5 ;; esac
  done
  awk -v d="$d/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo |
    sort -r | while IFS= read -r p; do umount "$p" 2>/dev/null || umount -l "$p"; done
  if [ -n "${E2E_ENGINE_LOCK:-}" ]; then
    exec {E2E_ENGINE_LOCK}>&-
    E2E_ENGINE_LOCK=
  fi
  if [ "${E2E_ENGINE_DIR:-}" = "$d" ]; then
    unset E2E_ENGINE_DIR DOCKER_HOST
    PATH=$E2E_BASE_PATH
  fi
}
