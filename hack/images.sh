#!/usr/bin/env bash
# Container images for real nodes, made without a registry and cached outside the repository as docker archives
# ($PYFLEET_CACHE_DIR/images/*.tar) under the exact names the samples and the chart use; hack/real-nodes.sh imports
# every archive there into each node's containerd when it starts. The chart's images (large, and needed only by
# tests that install the chart) go to images/chart/, imported on demand with `hack/real-nodes.sh import`.
#
#   hack/images.sh [all]     build what is missing or out of date: pause, the Python base, the examples
#   hack/images.sh chart     the images the chart runs: the operator (from the project's Dockerfile) and kube-scheduler
#   hack/images.sh list      the images and their archives
#
# Tooling: buildah (Debian package; daemonless, vfs storage, chroot isolation) builds the projects' own Dockerfiles
# unchanged, so what runs here is what `docker build` gives a user. Their base images are ARGs: here the bases
# (Python; JDK 17 with Maven; JRE 17) come from Debian packages (debootstrap), since no registry is reachable.
# The operator's Maven stage reuses the local Maven repository (~/.m2) as a build volume, so it downloads nothing
# that a `mvn` run on this machine already has. The chart's images keep the names helm/pyfleet/values.yaml gives.
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HACK_DIR/.." && pwd)"
CACHE_DIR="${PYFLEET_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pyfleet}"
IMAGES="$CACHE_DIR/images"
DEBIAN_MIRROR="${PYFLEET_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PYTHON_BASE=localhost/pyfleet/python-base:bookworm
BUILD_BASE=localhost/pyfleet/maven-base:bookworm
RUNTIME_BASE=localhost/pyfleet/jre-base:bookworm
VALUES="$REPO/helm/pyfleet/values.yaml"
PACKAGES=(buildah debootstrap gcc libc6-dev uidmap)

say() { echo "images: $*" >&2; }
fail() { echo "images: $*" >&2; exit 1; }
# shellcheck source=lib.sh
source "$HACK_DIR/lib.sh"

bah() {
  buildah --root "$IMAGES/storage" --runroot "$IMAGES/run" --storage-driver vfs "$@"
}

deps() {
  install_debian_packages "${PACKAGES[@]}"
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

# debian_rootfs DIR PACKAGES: a minimal bookworm with PACKAGES (comma-separated) in DIR; downloaded packages are
# kept in the cache for the next base.
debian_rootfs() {
  mkdir -p "$IMAGES/debs"
  debootstrap --variant=minbase --include="$2" --cache-dir="$IMAGES/debs" bookworm "$1" "$DEBIAN_MIRROR" \
    >"$1.log" 2>&1 || { tail -n 20 "$1.log" >&2; fail "debootstrap of $2 failed"; }
}

# commit_rootfs DIR REF KEY NAME CONFIG...: DIR as the single layer of image REF with buildah config CONFIG, and
# KEY recorded under NAME.
commit_rootfs() {
  local dir="$1" ref="$2" key="$3" name="$4" c mnt
  shift 4
  rm -rf "$dir/var/cache/apt/archives/"*.deb "$dir/var/lib/apt/lists/"*
  c="$(bah from scratch)"
  mnt="$(bah mount "$c")"
  cp -a "$dir/." "$mnt/"
  bah umount "$c" >/dev/null
  bah config "$@" "$c"
  bah commit -q --rm "$c" "$ref" >/dev/null
  echo "$key" >"$IMAGES/$name.key"
}

# base_current NAME REF KEY: the base REF exists in local storage and was built from KEY.
base_current() { [[ "$(cat "$IMAGES/$1.key" 2>/dev/null)" == "$3" ]] && bah inspect "$2" >/dev/null 2>&1; }

# Debian's python3 in a minimal bookworm, with a virtual environment first on PATH so that `pip install` in a
# Dockerfile works as it does on the python images.
build_python_base() {
  local key="bookworm-1" work
  base_current python-base "$PYTHON_BASE" "$key" && return 0
  work="$(mktemp -d)"
  say "building $PYTHON_BASE from Debian packages (cold: about 2 minutes)"
  debian_rootfs "$work/rootfs" python3,python3-venv,ca-certificates
  chroot "$work/rootfs" python3 -m venv /opt/python || fail "python3 -m venv failed in the base"
  commit_rootfs "$work/rootfs" "$PYTHON_BASE" "$key" python-base \
    --env PATH=/opt/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env LANG=C.UTF-8 --env PYTHONUNBUFFERED=1 --cmd '["python3"]'
  rm -rf "$work"
}

# The operator Dockerfile's two bases: Debian's OpenJDK 17 with Maven, and its headless JRE 17.
build_java_bases() {
  local key="bookworm-jdk17-1" work
  if ! base_current maven-base "$BUILD_BASE" "$key"; then
    work="$(mktemp -d)"
    say "building $BUILD_BASE from Debian packages (cold: a few minutes)"
    debian_rootfs "$work/rootfs" openjdk-17-jdk-headless,maven,ca-certificates
    commit_rootfs "$work/rootfs" "$BUILD_BASE" "$key" maven-base --env LANG=C.UTF-8 --cmd '["mvn"]'
    rm -rf "$work"
  fi
  if ! base_current jre-base "$RUNTIME_BASE" "$key"; then
    work="$(mktemp -d)"
    say "building $RUNTIME_BASE from Debian packages"
    debian_rootfs "$work/rootfs" openjdk-17-jre-headless,ca-certificates
    commit_rootfs "$work/rootfs" "$RUNTIME_BASE" "$key" jre-base --env LANG=C.UTF-8 --cmd '["java", "-version"]'
    rm -rf "$work"
  fi
}

# value_of BLOCK KEY: a scalar of a top-level block of the chart's values.yaml (e.g. image tag).
value_of() {
  awk -v block="$1:" -v key="$2:" '$0 == block { inside = 1; next } /^[^ #]/ { inside = 0 }
    inside && $1 == key { gsub(/"/, "", $2); print $2; exit }' "$VALUES"
}

# The operator image from the project's Dockerfile, under the name and tag the chart deploys by default.
build_operator() {
  local ref key
  ref="$(value_of image repository):$(value_of image tag)"
  [[ "$ref" != ":" && "$ref" != *": "* ]] || fail "no image.repository/image.tag in $VALUES"
  key="$(cd "$REPO" && find Dockerfile .dockerignore pom.xml src -type f | LC_ALL=C sort | xargs cat |
    cat - "$IMAGES/maven-base.key" "$IMAGES/jre-base.key" | sha256sum | cut -c1-16)"
  up_to_date chart/operator "$key" && return 0
  say "building $ref from the Dockerfile (Maven in the build stage; a few minutes)"
  mkdir -p "$HOME/.m2"
  # What Maven does not find in ~/.m2 it downloads as Maven on this machine does, trusting what this machine trusts
  # (the Debian JDK in the build stage reads its CAs from the same path).
  local trust=()
  [[ -f /etc/ssl/certs/java/cacerts ]] && trust=(--volume /etc/ssl/certs/java/cacerts:/etc/ssl/certs/java/cacerts:ro)
  bah bud --isolation chroot --build-arg "BUILD_IMAGE=$BUILD_BASE" --build-arg "RUNTIME_IMAGE=$RUNTIME_BASE" \
    --volume "$HOME/.m2:/root/.m2" "${trust[@]}" -t "$ref" "$REPO" >"$IMAGES/operator.build.log" 2>&1 ||
    { tail -n 30 "$IMAGES/operator.build.log" >&2; fail "building $ref failed (log: $IMAGES/operator.build.log)"; }
  save chart/operator "$ref" "$key"
}

# The kube-scheduler the chart's pyfleet-scheduler runs: the binary built by hack/build-control-plane.sh (static),
# as the only file of an image named as the chart names it.
build_kube_scheduler() {
  local ref binary key c
  ref="$(value_of scheduler image)"
  # shellcheck source=versions.env
  source "$HACK_DIR/versions.env"
  [[ "$ref" == *":$KUBERNETES_VERSION" ]] ||
    fail "the chart's scheduler.image is $ref; the control plane here is Kubernetes $KUBERNETES_VERSION"
  binary="$CACHE_DIR/kubernetes-$KUBERNETES_VERSION/kube-scheduler"
  [[ -x "$binary" ]] || fail "no $binary; run hack/build-control-plane.sh first"
  key="$(hash_of "$binary")"
  up_to_date chart/kube-scheduler "$key" && return 0
  c="$(bah from scratch)"
  bah copy "$c" "$binary" /usr/local/bin/kube-scheduler >/dev/null
  bah config --env PATH=/usr/local/bin --entrypoint '["/usr/local/bin/kube-scheduler"]' "$c"
  bah commit -q --rm "$c" "$ref" >/dev/null
  save chart/kube-scheduler "$ref" "$key"
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

prepare() {
  [[ "$(id -u)" == 0 ]] || fail "building images needs root (buildah's chroot isolation, debootstrap)"
  deps
  mkdir -p "$IMAGES"
}

cmd_all() {
  prepare
  build_pause
  build_python_base
  build_example hello-wsgi
  build_example hello-asgi
}

cmd_chart() {
  prepare
  mkdir -p "$IMAGES/chart"
  build_java_bases
  build_operator
  build_kube_scheduler
}

case "${1:-all}" in
  all) cmd_all ;;
  chart) cmd_chart ;;
  list) ls -l "$IMAGES"/*.tar 2>/dev/null; bah images 2>/dev/null || true ;;
  *) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
