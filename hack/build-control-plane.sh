#!/usr/bin/env bash
# Builds the local control plane (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd, kwok) and
# what real nodes need (kubelet, kube-proxy, coredns) from the Go module proxy into a cache outside the repository, keyed by
# version. A warm cache makes this a no-op; a binary missing from it is built on its own.
#
# Usage: hack/build-control-plane.sh            build what is missing, print the bin directory
# Env:   PYFLEET_CACHE_DIR  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pyfleet)
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$HACK_DIR/versions.env"

CACHE_DIR="${PYFLEET_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pyfleet}"
K8S_BIN="$CACHE_DIR/kubernetes-$KUBERNETES_VERSION"
ETCD_BIN="$CACHE_DIR/etcd-$ETCD_VERSION"
KWOK_BIN="$CACHE_DIR/kwok-$KWOK_VERSION"
COREDNS_BIN="$CACHE_DIR/coredns-$COREDNS_VERSION"

fail() { echo "build-control-plane: $*" >&2; exit 1; }
step() { echo "build-control-plane: $*" >&2; }

# Runs a build step with its output in a log; on failure shows the tail and names the step.
run_logged() {
  local name="$1" log="$2"; shift 2
  if ! "$@" >"$log" 2>&1; then
    echo "build-control-plane: step '$name' failed; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
}

require_go() {
  command -v go >/dev/null 2>&1 ||
    fail "Go is required to build the control plane (https://go.dev/doc/install); 'go' is not on PATH"
  local have
  have="$(go env GOVERSION | sed 's/^go//')"
  [[ "$(printf '%s\n%s\n' 1.24 "$have" | sort -V | head -n1)" == "1.24" ]] ||
    fail "Go 1.24 or newer is required to build Kubernetes ${KUBERNETES_VERSION}; found go${have}"
}

# The staging modules that k8s.io/kubernetes replaces with local paths; we point them at their published versions.
STAGING_MODULES=(api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
  cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api cri-client
  csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator
  kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils pod-security-admission
  sample-apiserver sample-cli-plugin sample-controller)

K8S_COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy)

build_kubernetes() {
  local bins=() b
  for b in "${K8S_COMMANDS[@]}"; do [[ -x "$K8S_BIN/$b" ]] || bins+=("$b"); done
  ((${#bins[@]})) || return 0

  local work staging_version minor
  work="$(mktemp -d)"
  staging_version="v0.${KUBERNETES_VERSION#v1.}"
  minor="$(cut -d. -f2 <<<"$KUBERNETES_VERSION")"
  step "building ${bins[*]} of Kubernetes $KUBERNETES_VERSION (cold: about 10 minutes on 2 cores) in $work"
  {
    echo "module pyfleet.dev/hack/kubernetes-build"
    echo
    echo "go 1.24"
    echo
    echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
    echo
    echo "replace ("
    for m in "${STAGING_MODULES[@]}"; do echo "	k8s.io/$m => k8s.io/$m $staging_version"; done
    echo ")"
  } >"$work/go.mod"
  (
    cd "$work"
    export GOFLAGS="-mod=mod -buildvcs=false"
    local packages=()
    for b in "${bins[@]}"; do packages+=("k8s.io/kubernetes/cmd/$b@$KUBERNETES_VERSION"); done
    run_logged "resolve k8s.io/kubernetes $KUBERNETES_VERSION modules" "$work/get.log" go get "${packages[@]}"
    local date ldflags pkg
    date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    ldflags="-s -w"
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
      ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date -X $pkg.gitCommit=$KUBERNETES_VERSION"
    done
    mkdir -p "$K8S_BIN.partial"
    for b in "${bins[@]}"; do
      step "  go build $b"
      run_logged "build $b" "$work/build-$b.log" \
        env CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$K8S_BIN.partial/$b" "k8s.io/kubernetes/cmd/$b"
    done
  )
  mkdir -p "$K8S_BIN" && mv "$K8S_BIN.partial"/* "$K8S_BIN"/ && rmdir "$K8S_BIN.partial"
  rm -rf "$work"
}

build_etcd() {
  [[ -x "$ETCD_BIN/etcd" ]] && return 0
  local work
  work="$(mktemp -d)"
  step "building etcd $ETCD_VERSION in $work"
  (
    cd "$work"
    export GOFLAGS="-mod=mod -buildvcs=false"
    run_logged "init etcd build module" "$work/init.log" go mod init pyfleet.dev/hack/etcd-build
    run_logged "resolve etcd $ETCD_VERSION" "$work/get.log" go get -tool "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    mkdir -p "$ETCD_BIN.partial"
    run_logged "build etcd" "$work/build.log" \
      env CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$ETCD_BIN.partial/etcd" go.etcd.io/etcd/server/v3
  )
  rm -rf "$ETCD_BIN" && mv "$ETCD_BIN.partial" "$ETCD_BIN"
  rm -rf "$work"
}

# go_install NAME DIR PACKAGE@VERSION: a module's command built into DIR (cached: nothing to do when DIR/NAME exists).
go_install() {
  local name="$1" dir="$2" package="$3" work
  [[ -x "$dir/$name" ]] && return 0
  work="$(mktemp -d)"
  step "building $name ${package##*@}"
  mkdir -p "$dir.partial"
  run_logged "build $name" "$work/build.log" \
    env CGO_ENABLED=0 GOBIN="$dir.partial" GOFLAGS=-buildvcs=false go install -trimpath -ldflags "-s -w" "$package"
  rm -rf "$dir" && mv "$dir.partial" "$dir"
  rm -rf "$work"
}

main() {
  local need=0
  local b
  for b in "${K8S_COMMANDS[@]}"; do [[ -x "$K8S_BIN/$b" ]] || need=1; done
  [[ -x "$ETCD_BIN/etcd" && -x "$KWOK_BIN/kwok" && -x "$COREDNS_BIN/coredns" ]] || need=1
  if [[ $need == 1 ]]; then
    require_go
    mkdir -p "$CACHE_DIR"
    build_etcd
    go_install kwok "$KWOK_BIN" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
    go_install coredns "$COREDNS_BIN" "github.com/coredns/coredns@$COREDNS_VERSION"
    build_kubernetes
  fi
  echo "K8S_BIN=$K8S_BIN"
  echo "ETCD_BIN=$ETCD_BIN"
  echo "KWOK_BIN=$KWOK_BIN"
  echo "COREDNS_BIN=$COREDNS_BIN"
}

main "$@"
