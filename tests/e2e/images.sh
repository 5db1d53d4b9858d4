# shellcheck shell=bash
# Base images, built offline from Debian 12 packages (source it; lib.sh first).
#
# One small image per ecosystem, named dfix-e2e/<name>. Each is a debootstrap
# tree of bookworm (minbase, plus ca-certificates, curl and git) with the
# ecosystem's Debian packages installed by apt-get in a chroot, packed with tar
# and brought into an engine with `docker import` (nothing is pulled).
#
# Cache (E2E_CACHE, default /var/cache/dfix-e2e):
#   debs/                        every .deb downloaded, shared by all images
#   base-bookworm-<key>/         the debootstrap tree
#   images/<name>-<key>.tar      the packed image trees
#   ca/                          the test CA every image trusts (servers/tls.sh)
# A key hashes what the thing is built from (package lists, this recipe), so
# changing a list rebuilds just what depends on it.
#
# images_prepare NAME...   build the tarballs that are missing
# images_import NAME...    `docker import` them into the current engine

E2E_BASE_PKGS=ca-certificates,curl,git
E2E_IMAGE_RECIPE=v1
declare -A E2E_IMAGE_PKGS=(
  [base]=""
  [python]="python3-pip python-is-python3 python3-poetry"
  [node]="npm"
  [ruby]="ruby bundler"
  [php]="composer unzip"
  [aws]="awscli"
  [go]="golang-go"
  [java]="maven"
  [skopeo]="skopeo"
)
# What an image does without (large, and no case reads it).
declare -A E2E_IMAGE_TRIM=(
  [go]="usr/lib/go-1.19/pkg/linux_amd64/cmd usr/share/go-1.19/test usr/share/go-1.19/api"
)
# Image config beyond the Debian defaults.
declare -A E2E_IMAGE_ENV=(
  [python]="PIP_BREAK_SYSTEM_PACKAGES=1"
  # Fail at once rather than retry for a minute when a registry says no.
  [node]="npm_config_fetch_retries=0"
)

e2e__base_tree() {
  printf '%s/base-bookworm-%s' "$E2E_CACHE" "$(e2e_key "$E2E_IMAGE_RECIPE minbase $E2E_BASE_PKGS")"
}

e2e__image_tar() {
  printf '%s/images/%s-%s.tar' "$E2E_CACHE" "$1" \
    "$(e2e_key "$(basename "$(e2e__base_tree)")" "${E2E_IMAGE_PKGS[$1]}" "${E2E_IMAGE_ENV[$1]:-}" \
       "${E2E_IMAGE_TRIM[$1]:-}" "$(cat "$E2E_CACHE/ca/ca.crt")")"
}

# What no test reads: documentation, translations.
e2e__dpkg_excludes() {
  cat > "$1/etc/dpkg/dpkg.cfg.d/01-dfix-e2e-nodoc" <<'EOF'
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
EOF
}

e2e__base_prepare() {
  local tree tmp
  tree=$(e2e__base_tree)
  [ -f "$tree/.dfix-e2e-done" ] && return 0
  command -v debootstrap >/dev/null || e2e_apt_install debootstrap || return 1
  e2e_log "debootstrap bookworm (minbase, $E2E_BASE_PKGS)"
  tmp=$tree.tmp.$$
  rm -rf "$tmp"
  mkdir -p "$E2E_CACHE/debs"
  if ! debootstrap --variant=minbase --include="$E2E_BASE_PKGS" --cache-dir="$E2E_CACHE/debs" \
         bookworm "$tmp" "$E2E_MIRROR" > "$E2E_CACHE/debootstrap-bookworm.log" 2>&1; then
    tail -n 20 "$E2E_CACHE/debootstrap-bookworm.log" >&2
    rm -rf "$tmp"
    e2e_fail "debootstrap bookworm failed"
    return 1
  fi
  e2e__dpkg_excludes "$tmp"
  rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/usr/share/doc/* "$tmp"/usr/share/man/* \
    "$tmp"/usr/share/info/*
  find "$tmp/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  printf 'deb %s bookworm main\n' "$E2E_MIRROR" > "$tmp/etc/apt/sources.list"
  chroot "$tmp" apt-get update -qq > "$E2E_CACHE/apt-update-bookworm.log" 2>&1 ||
    { rm -rf "$tmp"; e2e_fail "apt-get update in the bookworm tree failed"; return 1; }
  touch "$tmp/.dfix-e2e-done"
  # Another run may have finished the same tree meanwhile: keep that one.
  mv -T "$tmp" "$tree" 2>/dev/null || rm -rf "$tmp"
}

# e2e__chroot_apt TREE ARGS...: apt-get in TREE with the shared .deb cache.
e2e__chroot_apt() {
  local t=$1 rc
  shift
  mkdir -p "$t/var/cache/apt/archives" "$E2E_CACHE/debs"
  mount --bind "$E2E_CACHE/debs" "$t/var/cache/apt/archives" || return 1
  mount -t proc proc "$t/proc" || { umount "$t/var/cache/apt/archives"; return 1; }
  printf '#!/bin/sh\nexit 101\n' > "$t/usr/sbin/policy-rc.d"
  chmod 755 "$t/usr/sbin/policy-rc.d"
  # Installs run two at a time on one .deb cache that the download step has
  # filled; apt's lock on that cache would make the second one fail.
  DEBIAN_FRONTEND=noninteractive chroot "$t" apt-get -o Dpkg::Use-Pty=0 -y -q \
    -o Debug::NoLocking="${E2E_APT_NOLOCK:-false}" --no-install-recommends "$@"
  rc=$?
  rm -f "$t/usr/sbin/policy-rc.d"
  umount "$t/proc" || umount -l "$t/proc"
  umount "$t/var/cache/apt/archives" || umount -l "$t/var/cache/apt/archives"
  return "$rc"
}

# e2e__image_build NAME: the tarball for NAME, from a copy of the base tree.
e2e__image_build() {
  local name=$1 tar t log
  tar=$(e2e__image_tar "$name")
  log=$E2E_CACHE/images/$name.log
  t=$(mktemp -d "$E2E_CACHE/images/$name.tree.XXXXXX")
  cp -a "$(e2e__base_tree)/." "$t/"
  rm -f "$t/.dfix-e2e-done"
  # Packages that register man pages as alternatives (Java) need the folder.
  mkdir -p "$t/usr/share/man/man1"
  if [ -n "${E2E_IMAGE_PKGS[$name]}" ]; then
    # shellcheck disable=SC2086 # a list of package names
    if ! e2e__chroot_apt "$t" install ${E2E_IMAGE_PKGS[$name]} > "$log" 2>&1; then
      tail -n 20 "$log" >&2
      rm -rf "$t"
      e2e_fail "apt-get install in image $name failed (log: $log)"
      return 1
    fi
  fi
  # Trust the suite's test CA (servers/tls.sh), as a company CA would be.
  cp "$E2E_CACHE/ca/ca.crt" "$t/usr/local/share/ca-certificates/dfix-e2e-ca.crt"
  mount -t proc proc "$t/proc" && chroot "$t" update-ca-certificates > "$log.ca" 2>&1
  local rc=$?
  umount "$t/proc" 2>/dev/null || umount -l "$t/proc"
  [ "$rc" = 0 ] || { tail -n 20 "$log.ca" >&2; rm -rf "$t"; e2e_fail "update-ca-certificates in $name failed"; return 1; }
  local p
  for p in ${E2E_IMAGE_TRIM[$name]:-}; do rm -rf "${t:?}/$p"; done
  rm -rf "$t"/var/lib/apt/lists/* "$t"/var/cache/apt/*.bin "$t"/var/cache/debconf/*-old \
    "$t"/var/log/apt "$t"/var/log/dpkg.log
  printf 'dfix-e2e/%s\n' "$name" > "$t/etc/dfix-e2e-image"
  tar --sort=name --mtime=@0 --numeric-owner -C "$t" -cf "$tar.tmp" . &&
    mv "$tar.tmp" "$tar"
  local rc=$? old
  # Tarballs of this image under an older key are of no more use.
  for old in "$E2E_CACHE/images/$name"-????????????.tar; do
    [ "$old" = "$tar" ] || rm -f "$old"
  done
  rm -rf "$t"
  return "$rc"
}

images_prepare() {
  local name todo=()
  mkdir -p "$E2E_CACHE/images"
  tls_ca || return 1
  for name in "$@"; do
    [ -n "${E2E_IMAGE_PKGS[$name]+set}" ] || { e2e_fail "unknown image $name"; return 1; }
    [ -f "$(e2e__image_tar "$name")" ] || todo+=("$name")
  done
  [ ${#todo[@]} -eq 0 ] && return 0
  e2e__base_prepare || return 1
  # Download every missing package in one go first: one resolver run, one
  # pipelined fetch, then the installs below read only the local cache.
  local pkgs=()
  for name in "${todo[@]}"; do
    # shellcheck disable=SC2206 # a list of package names
    pkgs+=(${E2E_IMAGE_PKGS[$name]})
  done
  if [ ${#pkgs[@]} -gt 0 ]; then
    e2e_log "downloading the packages of images: ${todo[*]}"
    local dl
    dl=$(mktemp -d "$E2E_CACHE/images/download.tree.XXXXXX")
    cp -a "$(e2e__base_tree)/." "$dl/"
    if ! e2e__chroot_apt "$dl" install --download-only "${pkgs[@]}" > "$E2E_CACHE/images/download.log" 2>&1; then
      tail -n 20 "$E2E_CACHE/images/download.log" >&2
      rm -rf "$dl"
      e2e_fail "downloading packages failed"
      return 1
    fi
    rm -rf "$dl"
  fi
  # Two at a time: the machine has two cores.
  local pids=() rc=0 p
  for name in "${todo[@]}"; do
    e2e_log "building image tarball dfix-e2e/$name"
    E2E_APT_NOLOCK=true e2e__image_build "$name" &
    pids+=($!)
    if [ ${#pids[@]} -ge 2 ]; then
      wait "${pids[0]}" || rc=1
      pids=("${pids[@]:1}")
    fi
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  [ "$rc" = 0 ] || e2e_fail "building an image tarball failed"
}

images_import() {
  local name tar key cur changes
  for name in "$@"; do
    tar=$(e2e__image_tar "$name")
    key=$(basename "$tar" .tar)
    cur=$(docker image inspect -f '{{index .Config.Labels "dfix.e2e.key"}}' "dfix-e2e/$name" 2>/dev/null)
    [ "$cur" = "$key" ] && continue
    changes=(--change "LABEL dfix.e2e.key=$key"
             --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
             --change 'CMD ["/bin/sh"]')
    local kv
    for kv in ${E2E_IMAGE_ENV[$name]:-}; do changes+=(--change "ENV $kv"); done
    docker import "${changes[@]}" "$tar" "dfix-e2e/$name" >/dev/null ||
      { e2e_fail "docker import dfix-e2e/$name"; return 1; }
  done
}
