#!/usr/bin/env bash
# Builds and runs the Go tools in hack/tools/: argocd-health (Argo CD's health checks run by gopher-lua, as Argo CD
# runs them) and kstatus (the verdict of kstatus-based tools such as Flux). The binaries are cached outside the
# repository, keyed by a hash of hack/tools/, so a warm cache makes `build` a no-op.
#
# Usage: hack/tools.sh build         build what is missing, print the directory of the binaries
#        hack/tools.sh argocd-test   the tools' own Go tests, then every health_test.yaml in deploy/argocd/
#        hack/tools.sh argocd-cm     regenerate deploy/argocd/argocd-cm-pyfleet.yaml from the health.lua files
# Env:   PYFLEET_CACHE_DIR  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/pyfleet)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CUSTOMIZATIONS=deploy/argocd/resource_customizations
CONFIG_MAP=deploy/argocd/argocd-cm-pyfleet.yaml

fail() { echo "tools: $*" >&2; exit 1; }

require_go() {
  command -v go >/dev/null 2>&1 ||
    fail "Go 1.24 or newer is required to build hack/tools (https://go.dev/doc/install); 'go' is not on PATH"
}

build() {
  local hash dir tmp
  hash="$(cd hack/tools && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  dir="${PYFLEET_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pyfleet}/tools-$hash"
  if [[ ! -x "$dir/argocd-health" || ! -x "$dir/kstatus" ]]; then
    require_go
    mkdir -p "$(dirname "$dir")"
    # Built aside and renamed into place: a concurrent run never sees half-written binaries.
    tmp="$(mktemp -d "$dir.XXXXXX")"
    (cd hack/tools && go build -trimpath -o "$tmp/" ./cmd/...) || { rm -rf "$tmp"; fail "go build failed"; }
    mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
  fi
  echo "$dir"
}

case "${1:-}" in
  build) build ;;
  argocd-test)
    bin="$(build)"
    (cd hack/tools && go test ./...)
    "$bin/argocd-health" test "$CUSTOMIZATIONS"
    ;;
  argocd-cm)
    bin="$(build)"
    "$bin/argocd-health" argocd-cm "$CUSTOMIZATIONS" >"$CONFIG_MAP.tmp"
    mv "$CONFIG_MAP.tmp" "$CONFIG_MAP"
    ;;
  *) fail "usage: hack/tools.sh build|argocd-test|argocd-cm" ;;
esac
