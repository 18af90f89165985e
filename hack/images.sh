#!/usr/bin/env bash
# Container images for real nodes, made without a registry and cached outside the repository as docker archives
# ($PYFLEET_CACHE_DIR/images/*.tar) under the exact names the samples and the chart use; hack/real-nodes.sh imports
# every archive there into each node's containerd.
#
#   hack/images.sh [all]     build what is missing or out of date: pause, the Python base, the examples
#   hack/images.sh list      the images and their archives
#
# Tooling: buildah (Debian package; daemonless, vfs storage, chroot isolation) builds the projects' own Dockerfiles
# unchanged, so what runs here is what `docker build` gives a user. Their base images are ARGs: here the Python
# base comes from Debian packages (debootstrap), since no registry is reachable.
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HACK_DIR/.." && pwd)"
CACHE_DIR="${PYFLEET_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pyfleet}"
IMAGES="$CACHE_DIR/images"
DEBIAN_MIRROR="${PYFLEET_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PYTHON_BASE=localhost/pyfleet/python-base:bookworm
PACKAGES=(buildah debootstrap gcc libc6-dev uidmap)

say() { echo "images: $*" >&2; }
fail() { echo "images: $*" >&2; exit 1; }

bah() {
  buildah --root "$IMAGES/storage" --runroot "$IMAGES/run" --storage-driver vfs "$@"
}

deps() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  say "installing ${missing[*]} (Debian packages)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  } || fail "apt-get install ${missing[*]} failed"
}

# up_to_date NAME KEY: true when NAME's archive was built from inputs whose hash is KEY.
up_to_date() { [[ -f "$IMAGES/$1.tar" && "$(cat "$IMAGES/$1.key" 2>/dev/null)" == "$2" ]]; }

# save NAME REF KEY: the image REF as a docker archive that keeps its full name, and the key it was built from.
save() {
  rm -f "$IMAGES/$1.tar.partial"
  bah push -q "$2" "docker-archive:$IMAGES/$1.tar.partial:$2" >/dev/null
  mv "$IMAGES/$1.tar.partial" "$IMAGES/$1.tar"
  echo "$3" >"$IMAGES/$1.key"
  say "$2 -> $IMAGES/$1.tar"
}

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

build_pause() {
  local key work c
  key="$(hash_of "$HACK_DIR/images/pause.c")"
  up_to_date pause "$key" && return 0
  work="$(mktemp -d)"
  gcc -static -Os -s -o "$work/pause" "$HACK_DIR/images/pause.c" || fail "compiling pause.c failed"
  c="$(bah from scratch)"
  bah copy "$c" "$work/pause" /pause >/dev/null
  bah config --entrypoint '["/pause"]' --user 65535:65535 "$c"
  bah commit -q --rm "$c" registry.k8s.io/pause:3.10 >/dev/null
  save pause registry.k8s.io/pause:3.10 "$key"
  rm -rf "$work"
}

# Debian's python3 in a minimal bookworm, with a virtual environment first on PATH so that `pip install` in a
# Dockerfile works as it does on the python images.
build_python_base() {
  local key="bookworm-1" work c mnt
  if [[ "$(cat "$IMAGES/python-base.key" 2>/dev/null)" == "$key" ]] && bah inspect "$PYTHON_BASE" >/dev/null 2>&1; then
    return 0
  fi
  work="$(mktemp -d)"
  say "building $PYTHON_BASE from Debian packages (cold: about 2 minutes)"
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$work/rootfs" \
    "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 || { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap failed"; }
  chroot "$work/rootfs" python3 -m venv /opt/python || fail "python3 -m venv failed in the base"
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  c="$(bah from scratch)"
  mnt="$(bah mount "$c")"
  cp -a "$work/rootfs/." "$mnt/"
  bah umount "$c" >/dev/null
  bah config --env PATH=/opt/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env LANG=C.UTF-8 --env PYTHONUNBUFFERED=1 --cmd '["python3"]' "$c"
  bah commit -q --rm "$c" "$PYTHON_BASE" >/dev/null
  echo "$key" >"$IMAGES/python-base.key"
  rm -rf "$work"
}

# An example app from its own Dockerfile, on the local Python base.
build_example() {
  local name="$1" ref="ghcr.io/pyfleet/examples/$1:1.0.0" dir="$REPO/examples/$1" key
  key="$(hash_of "$dir"/* "$IMAGES/python-base.key")"
  up_to_date "$name" "$key" && return 0
  say "building $ref from examples/$name/Dockerfile"
  bah bud -q --isolation chroot --build-arg "PYTHON_BASE=$PYTHON_BASE" \
    --volume /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro \
    -t "$ref" "$dir" >"$IMAGES/$name.build.log" 2>&1 ||
    { tail -n 20 "$IMAGES/$name.build.log" >&2; fail "building $ref failed (log: $IMAGES/$name.build.log)"; }
  save "$name" "$ref" "$key"
}

cmd_all() {
  [[ "$(id -u)" == 0 ]] || fail "building images needs root (buildah's chroot isolation, debootstrap)"
  deps
  mkdir -p "$IMAGES"
  build_pause
  build_python_base
  build_example hello-wsgi
  build_example hello-asgi
}

case "${1:-all}" in
  all) cmd_all ;;
  list) ls -l "$IMAGES"/*.tar 2>/dev/null; bah images 2>/dev/null || true ;;
  *) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
