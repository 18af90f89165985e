#!/usr/bin/env bash
# Checks hack/cluster.sh as a user meets it: `up` gives Ready fake nodes and, where the machine can host one, a
# Ready real node whose Pod and Service addresses cannot leave the machine; `crash` brings a component back with
# what it stored; `down` leaves no process of ours, no bound port, no state and no change to the host's network or
# cgroups behind. Runs in a state directory of its own so it never touches another control plane.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PYFLEET_STATE_DIR="${TMPDIR:-/tmp}/pyfleet-selftest-$$"
CLUSTER="$REPO/hack/cluster.sh"
failures=0
check() { if eval "$2"; then echo "ok   - $1"; else echo "FAIL - $1"; failures=$((failures + 1)); fi; }
trap '"$CLUSTER" down >/dev/null 2>&1 || true' EXIT

REAL=1
if ! why="$("$REPO/hack/real-nodes.sh" check)"; then
  REAL=0
  [[ "${CI:-}" == true ]] && { echo "cluster-selftest: CI=true but no real node is possible: $why" >&2; exit 1; }
  echo "cluster-selftest: real-node checks skipped: $why"
fi
# What the host looked like before: a real node must leave it exactly so.
host_state() {
  ip -o link show | awk -F': ' '{print $2}' | grep -E '^pf[0-9]+' || true
  ip netns list 2>/dev/null | grep pyfleet || true
  ip route show type blackhole || true
  iptables-save 2>/dev/null | grep -i pyfleet || true
  ls -d /sys/fs/cgroup/*/pyfleet-s* 2>/dev/null || true
  sysctl -n net.ipv4.ip_forward
}
before="$(host_state)"

start=$SECONDS
"$CLUSTER" up --nodes 3 --real-nodes "$REAL" >/dev/null
echo "cluster-selftest: up took $((SECONDS - start))s"
ready="$("$CLUSTER" kubectl get nodes -l type=kwok --no-headers | awk '$2 == "Ready"' | wc -l)"
check "up gives 3 Ready fake nodes (got $ready)" '[[ $ready == 3 ]]'
if ((REAL)); then
  real="$("$CLUSTER" kubectl get nodes -l type=real --no-headers | awk '$2 == "Ready"' | wc -l)"
  check "up --real-nodes 1 gives a Ready real node (got $real)" '[[ $real == 1 ]]'
  echo "cluster-selftest: where unused Pod and Service addresses go:"
  check "no unused Pod or Service address routes to the default gateway" \
    '"$REPO/hack/real-nodes.sh" routes | sed "s/^/       /"'
  "$CLUSTER" kubectl run sandbox -n default --image=registry.k8s.io/pause:3.10 --image-pull-policy=Never \
    --overrides='{"spec": {"nodeSelector": {"type": "real"}}}' >/dev/null
  check "a Pod runs on the real node" \
    '"$CLUSTER" kubectl wait -n default --for=condition=Ready pod/sandbox --timeout=60s >/dev/null'
fi
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
shims="$(pgrep -f "containerd-shim-runc-v2 .*$PYFLEET_STATE_DIR" || true)"
ports="$(cat "$PYFLEET_STATE_DIR/ports")"
"$CLUSTER" down >/dev/null 2>&1

alive=0
for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=$((alive + 1)); done
check "down stops every process it started ($(wc -w <<<"$pids") pids, $alive alive)" '[[ $alive == 0 ]]'
if ((REAL)); then
  left=0
  for pid in $shims; do kill -0 "$pid" 2>/dev/null && left=$((left + 1)); done
  check "down stops the real node's Pods ($(wc -w <<<"$shims") shims, $left alive)" '[[ $left == 0 && -n $shims ]]'
  after="$(host_state)"
  check "down leaves the host's links, namespaces, routes, iptables, cgroups and ip_forward as they were" \
    '[[ "$after" == "$before" ]] || { diff <(echo "$before") <(echo "$after") | sed "s/^/       /"; false; }'
fi
bound=0
for port in $ports; do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && bound=$((bound + 1)); done
check "down frees every port it used ($(wc -w <<<"$ports") ports, $bound still bound)" '[[ $bound == 0 ]]'
check "down removes its state directory" '[[ ! -e $PYFLEET_STATE_DIR ]]'
check "status exits non-zero when nothing runs" '! "$CLUSTER" status >/dev/null'

total=$((8 + 5 * REAL))
echo "cluster-selftest: $((total - failures)) passed, $failures failed"
((failures == 0))
