# Shell functions shared by the hack/ scripts: the processes cluster.sh and real-nodes.sh start, tracked by pid
# files in $STATE_DIR so that status, crash and down find them again, and installing Debian packages.

pid_of() { [[ -f "$STATE_DIR/$1.pid" ]] && cat "$STATE_DIR/$1.pid"; }

# True when the pid file names a live process that runs the binary we started (guards against pid reuse).
is_running() {
  local pid exe
  pid="$(pid_of "$1")" || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
  [[ -z "$exe" || "$exe" == "$(cat "$STATE_DIR/$1.exe" 2>/dev/null)" ]]
}

# start_component NAME BINARY ARGS...: in the background, output to logs/NAME.log. With NETNS set, inside that
# network namespace (nsenter execs the binary, so the pid is the binary's own). In a session of its own, so that a
# Ctrl-C meant for whoever started it (make run) does not reach it: components stop in order, through `down`.
start_component() {
  local name="$1" binary="$2" pid exe _; shift 2
  exe="$(readlink -f "$binary")"
  printf '%s\0' "$binary" "$@" >"$STATE_DIR/$name.cmd"
  if [[ -n "${NETNS:-}" ]]; then
    setsid nsenter --net="/run/netns/$NETNS" -- "$binary" "$@" >"$STATE_DIR/logs/$name.log" 2>&1 &
  else
    setsid "$binary" "$@" >"$STATE_DIR/logs/$name.log" 2>&1 &
  fi
  pid=$!
  echo "$pid" >"$STATE_DIR/$name.pid"
  echo "$exe" >"$STATE_DIR/$name.exe"
  # Until the forked shell has exec'd the binary, /proc/<pid>/exe still names bash: wait for the exec.
  for _ in $(seq 1 100); do
    [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == "$exe" ]] || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.02
  done
}

# stop_component NAME: TERM, up to 5 s to exit, then KILL.
stop_component() {
  local pid
  is_running "$1" || return 0
  pid="$(pid_of "$1")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

# install_debian_packages PKG...: those of them not installed yet, with apt-get (updating its lists once if the
# install fails on stale ones); the caller's `fail` on error.
install_debian_packages() {
  local missing=() p log="${TMPDIR:-/tmp}/pyfleet-apt.log"
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  command -v apt-get >/dev/null || fail "missing ${missing[*]}, and no apt-get to install them with"
  say "installing ${missing[*]} (Debian packages)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1 ||
      { tail -n 20 "$log" >&2; fail "apt-get install ${missing[*]} failed"; }
  fi
}
