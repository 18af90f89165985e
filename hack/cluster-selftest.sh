#!/usr/bin/env bash
# Checks hack/cluster.sh as a user meets it: `up` gives Ready fake nodes; `crash` brings a component back with what
# it stored; `down` leaves no process of ours, no bound port and no state behind. Runs in a state directory of its
# own so it never touches another control plane.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PYFLEET_STATE_DIR="${TMPDIR:-/tmp}/pyfleet-selftest-$$"
CLUSTER="$REPO/hack/cluster.sh"
failures=0
check() { if eval "$2"; then echo "ok   - $1"; else echo "FAIL - $1"; failures=$((failures + 1)); fi; }
trap '"$CLUSTER" down >/dev/null 2>&1 || true' EXIT

start=$SECONDS
"$CLUSTER" up --nodes 3 >/dev/null
echo "cluster-selftest: up took $((SECONDS - start))s"
ready="$("$CLUSTER" kubectl get nodes --no-headers | awk '$2 == "Ready"' | wc -l)"
check "up gives 3 Ready fake nodes (got $ready)" '[[ $ready == 3 ]]'
check "status exits 0 while up" '"$CLUSTER" status >/dev/null'
check "a second up reuses the running control plane" '"$CLUSTER" up 2>&1 | grep -q "already running"'
"$CLUSTER" kubectl create configmap kept -n default >/dev/null
old_etcd="$(cat "$PYFLEET_STATE_DIR/etcd.pid")"
old_apiserver="$(cat "$PYFLEET_STATE_DIR/kube-apiserver.pid")"
"$CLUSTER" crash etcd 2>/dev/null && "$CLUSTER" crash kube-apiserver 2>/dev/null
check "crash restarts etcd and kube-apiserver (both with new pids), and what was written survives" \
  '[[ $(cat "$PYFLEET_STATE_DIR/etcd.pid") != "$old_etcd" ]] \
   && [[ $(cat "$PYFLEET_STATE_DIR/kube-apiserver.pid") != "$old_apiserver" ]] \
   && "$CLUSTER" kubectl get configmap kept -n default >/dev/null'

pids="$(cat "$PYFLEET_STATE_DIR"/*.pid)"
ports="$(cat "$PYFLEET_STATE_DIR/ports")"
"$CLUSTER" down >/dev/null 2>&1

alive=0
for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=$((alive + 1)); done
check "down stops every process it started ($(wc -w <<<"$pids") pids, $alive alive)" '[[ $alive == 0 ]]'
bound=0
for port in $ports; do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && bound=$((bound + 1)); done
check "down frees every port it used ($(wc -w <<<"$ports") ports, $bound still bound)" '[[ $bound == 0 ]]'
check "down removes its state directory" '[[ ! -e $PYFLEET_STATE_DIR ]]'
check "status exits non-zero when nothing runs" '! "$CLUSTER" status >/dev/null'

echo "cluster-selftest: $((8 - failures)) passed, $failures failed"
((failures == 0))
