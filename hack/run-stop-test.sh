#!/usr/bin/env bash
# Tests that Ctrl-C on `make run` leaves nothing of ours behind, the way a person meets it: `make run` in a
# pseudo-terminal (tmux), Ctrl-C typed into it once the operator is ready, then a search for any process, port,
# state directory, network namespace, link, route or iptables chain that the run left.
#
# Usage: hack/run-stop-test.sh        (PYFLEET_REAL_NODES=0 for fake nodes only; the default is make run's own)
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HACK_DIR/.." && pwd)"
say() { echo "run-stop-test: $*" >&2; }
fail() { echo "run-stop-test: $*" >&2; exit 1; }
# shellcheck source=lib.sh
source "$HACK_DIR/lib.sh"

command -v tmux >/dev/null || install_debian_packages tmux

work="$(mktemp -d)"
STATE_DIR="$work/cluster"
SOCKET="pyfleet-run-test-$$"
port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 10000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
HTTP_PORT="$(port)" MANAGEMENT_PORT="$(port)"

# What the host has before the run: the run must leave exactly this.
host_state() {
  { ip netns list 2>/dev/null | awk '{print "netns " $1}'
    ip -o link show 2>/dev/null | awk -F': ' '{print "link " $2}' | sed 's/@.*//'
    ip route show table all 2>/dev/null | sed 's/^/route /'
    iptables-save 2>/dev/null | grep '^:' | awk '{print "chain " $1}'
    sysctl -n net.ipv4.ip_forward 2>/dev/null | sed 's/^/ip_forward /'
  } | sort
}
before="$(host_state)"

cleanup() {
  tmux -L "$SOCKET" kill-server 2>/dev/null || true
  [[ -d "$STATE_DIR" ]] && PYFLEET_STATE_DIR="$STATE_DIR" "$HACK_DIR/cluster.sh" down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

say "make run in a pseudo-terminal (state in $STATE_DIR, operator on :$HTTP_PORT and :$MANAGEMENT_PORT)"
# make is the pane's own process (exec), as the foreground job of a terminal is: Ctrl-C reaches it and everything
# it started in its process group, and the pane stays to tell how it ended.
tmux -L "$SOCKET" new-session -d -s run -x 200 -y 50 \
  "cd '$REPO' && export PYFLEET_STATE_DIR='$STATE_DIR' PYFLEET_HTTP_PORT=$HTTP_PORT \
   PYFLEET_MANAGEMENT_PORT=$MANAGEMENT_PORT && exec make run >'$work/run.log' 2>&1" \; \
  set-option -t run remain-on-exit on
ended() { [[ "$(tmux -L "$SOCKET" display-message -p -t run '#{pane_dead}' 2>/dev/null)" == 1 ]]; }

deadline=$((SECONDS + 900))
until curl -sf "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" >/dev/null 2>&1; do
  if ended || ((SECONDS > deadline)); then
    tail -n 40 "$work/run.log" >&2
    fail "make run did not bring the operator up"
  fi
  sleep 2
done
say "operator ready after ${SECONDS}s; what runs now:"
# Every component (pid files), the operator, and all their descendants: container shims and the apps in Pods.
roots=()
for f in "$STATE_DIR"/*.pid; do roots+=("$(cat "$f")"); done
operator="$(pgrep -f "quarkus.management.port=$MANAGEMENT_PORT" | head -n 1)"
[[ -n "$operator" ]] || fail "no operator process found"
roots+=("$operator")
mapfile -t pids < <(ps -eo pid=,ppid= | awk -v roots="${roots[*]}" '
  BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) keep[r[i]] = 1 }
  { parent[$1] = $2 }
  END { do { grew = 0; for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; grew = 1 } } while (grew)
        for (p in keep) print p }')
api_port="$(grep -o 'https://127.0.0.1:[0-9]*' "$STATE_DIR/kubeconfig" | head -n 1 | cut -d: -f3)"
ports=("$HTTP_PORT" "$MANAGEMENT_PORT" "$api_port")
during="$(host_state)"
say "  ${#pids[@]} processes, ports ${ports[*]}, $(comm -13 <(echo "$before") <(echo "$during") | wc -l) host changes"

tmux -L "$SOCKET" send-keys -t run C-c
deadline=$((SECONDS + 120))
until ended; do
  ((SECONDS < deadline)) || { tail -n 40 "$work/run.log" >&2; fail "make run still runs 120 s after Ctrl-C"; }
  sleep 1
done
say "make run ended ($(tmux -L "$SOCKET" display-message -p -t run \
  '#{?pane_dead_status,exit status #{pane_dead_status},ended by a signal}')) after Ctrl-C; looking for leftovers"
grep '^cluster: \|^real-nodes: ' "$work/run.log" | tail -n 30 | sed 's/^/  /' >&2

passed=0 failed=0
check() {
  if [[ -z "$2" ]]; then passed=$((passed + 1)); say "ok: $1"; else failed=$((failed + 1)); say "FAIL: $1: $2"; fi
}
alive=""
for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+="$pid($(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-60)) "; done
check "every process the run started has ended" "$alive"
check "no process names the run's state" "$(pgrep -af -- "$STATE_DIR" | grep -v "pgrep\|tmux -L $SOCKET" || true)"
held=""
for p in "${ports[@]}"; do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && held+="$p "; done
check "no port of the run is listened on" "$held"
check "the state directory is gone" "$([[ -e "$STATE_DIR" ]] && ls "$STATE_DIR" | head -n 5 | tr '\n' ' ')"
check "the host's namespaces, links, routes, chains and forwarding are as before" \
  "$(diff <(echo "$before") <(host_state) | grep '^[<>]' | head -n 10 | tr '\n' ';' || true)"
echo "$passed passed, $failed failed"
((failed == 0))
