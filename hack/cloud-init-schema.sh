#!/usr/bin/env bash
# Validates #cloud-config files with the real cloud-init: Debian's package, unpacked into the cache (never
# installed on this machine), its Python dependencies in a virtualenv beside it.
#
# Usage: hack/cloud-init-schema.sh FILE...
# Exit:  0 every file is valid; 1 a file is invalid; 3 the tool cannot be had here (no apt-get, no python3)
set -euo pipefail

CACHE_DIR="${PYFLEET_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pyfleet}/cloud-init"
unavailable() { echo "cloud-init-schema: $*" >&2; exit 3; }

install_tool() {
  command -v apt-get >/dev/null || unavailable "needs apt-get to fetch Debian's cloud-init package"
  command -v python3 >/dev/null || unavailable "needs python3"
  local work
  work="$(mktemp -d)"
  (cd "$work" && apt-get download cloud-init >/dev/null 2>&1) ||
    { [[ $(id -u) == 0 ]] && apt-get update -qq >/dev/null 2>&1 && (cd "$work" && apt-get download cloud-init >/dev/null 2>&1); } ||
    unavailable "apt-get download cloud-init failed"
  rm -rf "$CACHE_DIR.partial" && mkdir -p "$CACHE_DIR.partial"
  dpkg -x "$work"/cloud-init_*.deb "$CACHE_DIR.partial/root"
  python3 -m venv "$CACHE_DIR.partial/venv"
  "$CACHE_DIR.partial/venv/bin/pip" install -q pyyaml jsonschema jinja2 configobj jsonpatch requests >/dev/null ||
    unavailable "installing cloud-init's Python dependencies failed"
  rm -rf "$CACHE_DIR" && mv "$CACHE_DIR.partial" "$CACHE_DIR"
  rm -rf "$work"
}

[[ $# -gt 0 ]] || { echo "usage: $0 FILE..." >&2; exit 2; }
[[ -x "$CACHE_DIR/venv/bin/python" ]] || install_tool
status=0
for file in "$@"; do
  PYTHONPATH="$CACHE_DIR/root/usr/lib/python3/dist-packages" \
    "$CACHE_DIR/venv/bin/python" -m cloudinit.cmd.main schema --config-file "$file" || status=1
done
exit $status
