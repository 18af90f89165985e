#!/usr/bin/env bash
# A real, local Kubernetes control plane on 127.0.0.1: etcd, kube-apiserver, kube-controller-manager, the default
# kube-scheduler, a second kube-scheduler whose only profile is pyfleet-scheduler, and KWOK keeping fake nodes alive.
#
#   hack/cluster.sh up [--nodes N] [--cpu C] [--memory M] [--pods P] [--gpus G] [--audit] [--real-nodes R]
#                      [--no-pyfleet-scheduler] [--client-qps Q --client-burst B]
#   hack/cluster.sh down | status | kubeconfig | env
#   hack/cluster.sh add-nodes N [--prefix P] [--cpu C] [--memory M] [--pods P] [--gpus G]
#   hack/cluster.sh restart-scheduler      re-read PYFLEET_SCHEDULER_CONFIG and restart pyfleet-scheduler
#   hack/cluster.sh crash COMPONENT        kill -9 etcd, kube-apiserver, ... and start it again as it was started
#   hack/cluster.sh kubectl ARGS...        the control plane's own kubectl against its kubeconfig
#
# `up --audit` also has kube-apiserver log every write (Metadata level) to logs/audit.log in the state directory.
# `up --real-nodes R` adds R real nodes (kubelet, kube-proxy, containerd: hack/real-nodes.sh) running the images
# hack/images.sh builds; where the machine cannot host one, it says why in one line and goes on with fake nodes.
# `up --no-pyfleet-scheduler` leaves pyfleet-scheduler out, for a cluster where the chart runs its own in a Pod.
# `up --client-qps Q --client-burst B` sets the client rate limit of kube-controller-manager and of both schedulers
# (their defaults: 20/30 and 50/100), so benchmarks can compare controllers and schedulers on equal terms.
#
# Env: PYFLEET_STATE_DIR        runtime state: certs, data, logs, pids (default /tmp/pyfleet-cluster-$UID)
#      PYFLEET_CACHE_DIR        where the built binaries are cached (see hack/build-control-plane.sh)
#      PYFLEET_SCHEDULER_CONFIG KubeSchedulerConfiguration template for pyfleet-scheduler (default
#                               hack/pyfleet-scheduler.yaml); @KUBECONFIG@ is replaced by the kubeconfig path,
#                               @EXTENDER_URL@ by PYFLEET_EXTENDER_URL (hack/pyfleet-scheduler-extender.yaml uses it)
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE_DIR="${PYFLEET_STATE_DIR:-${TMPDIR:-/tmp}/pyfleet-cluster-$(id -u)}"
KUBECONFIG_PATH="$STATE_DIR/kubeconfig"
SCHEDULER_TEMPLATE="${PYFLEET_SCHEDULER_CONFIG:-$HACK_DIR/pyfleet-scheduler.yaml}"
EXTENDER_URL="${PYFLEET_EXTENDER_URL:-http://127.0.0.1:8080/scheduler}"
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler pyfleet-scheduler kwok)

NODES=3 NODE_CPU=8 NODE_MEMORY=32Gi NODE_PODS=110 NODE_GPUS=0 NODE_PREFIX=kwok-node AUDIT=0 REAL_NODES=0
PYFLEET_SCHEDULER=1 CLIENT_QPS="" CLIENT_BURST=""

say() { echo "cluster: $*" >&2; }
fail() { echo "cluster: $*" >&2; exit 1; }
# shellcheck source=lib.sh
source "$HACK_DIR/lib.sh"

load_binaries() {
  local line
  while IFS= read -r line; do
    case "$line" in K8S_BIN=* | ETCD_BIN=* | KWOK_BIN=* | COREDNS_BIN=*) export "${line?}" ;; esac
  done < <("$HACK_DIR/build-control-plane.sh") || fail "building the control plane failed (see above)"
  [[ -n "${K8S_BIN:-}" ]] || fail "building the control plane failed (see above)"
  KUBECTL="$K8S_BIN/kubectl"
}

kctl() { "$KUBECTL" --kubeconfig "$KUBECONFIG_PATH" "$@"; }

# A port nobody listens on, probed with bash's /dev/tcp. It is taken below the kernel's ephemeral range: a port
# there can be the local end of some open connection, which a probe does not see but a bind fails on.
free_port() {
  local port _ low=10000 high
  high="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  ((high > low + 2000)) || { low=20000; high=32000; }
  for _ in $(seq 1 200); do
    port=$((low + RANDOM % (high - low)))
    grep -qx "$port" "$STATE_DIR/ports" 2>/dev/null && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port" >>"$STATE_DIR/ports"
      echo "$port"
      return 0
    fi
  done
  fail "no free port found on 127.0.0.1"
}

# Waits until a health URL answers 200, or fails naming the component and showing its log's tail.
wait_healthy() {
  local name="$1" url="$2" seconds="${3:-60}"; shift 3 || true
  local deadline=$((SECONDS + seconds))
  printf '%s\0' "$url" "$@" >"$STATE_DIR/$name.health"
  until curl -fsS --max-time 2 "$@" "$url" >/dev/null 2>&1; do
    if ! is_running "$name"; then
      echo "cluster: $name exited during startup; last lines of $STATE_DIR/logs/$name.log:" >&2
      tail -n 25 "$STATE_DIR/logs/$name.log" >&2
      stop_all quiet
      exit 1
    fi
    if ((SECONDS > deadline)); then
      echo "cluster: $name did not become healthy at $url within ${seconds}s; last lines of its log:" >&2
      tail -n 25 "$STATE_DIR/logs/$name.log" >&2
      stop_all quiet
      exit 1
    fi
    sleep 0.3
  done
}

generate_certs() {
  local pki="$STATE_DIR/pki"
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=pyfleet-local-ca" \
      -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout apiserver.key -out apiserver.csr 2>/dev/null
    # Real nodes reach the API server at the gateway of their cluster's slot (10.250.K.1, see hack/real-nodes.sh),
    # Pods at the kubernetes Service's address.
    printf 'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc%s\n' \
      "$(for k in $(seq 0 15); do printf ',IP:10.250.%d.1' "$k"; done)" >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
      -extfile apiserver.ext -out apiserver.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=pyfleet-admin" \
      -keyout admin.key -out admin.csr 2>/dev/null
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -out admin.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  ) || fail "generating certificates with openssl failed"
}

write_kubeconfig() {
  local pki="$STATE_DIR/pki" b64="base64 -w0"
  cat >"$KUBECONFIG_PATH" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: pyfleet-local
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $($b64 <"$pki/ca.crt")
users:
- name: pyfleet-admin
  user:
    client-certificate-data: $($b64 <"$pki/admin.crt")
    client-key-data: $($b64 <"$pki/admin.key")
contexts:
- name: pyfleet-local
  context: {cluster: pyfleet-local, user: pyfleet-admin}
current-context: pyfleet-local
EOF
  chmod 600 "$KUBECONFIG_PATH"
}

write_scheduler_configs() {
  cat >"$STATE_DIR/default-scheduler.yaml" <<EOF
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: "$KUBECONFIG_PATH"
leaderElection:
  leaderElect: false
EOF
  [[ -f "$SCHEDULER_TEMPLATE" ]] || fail "scheduler configuration $SCHEDULER_TEMPLATE does not exist"
  sed -e "s|@KUBECONFIG@|$KUBECONFIG_PATH|g" -e "s|@EXTENDER_URL@|$EXTENDER_URL|g" "$SCHEDULER_TEMPLATE" \
    >"$STATE_DIR/pyfleet-scheduler.yaml"
  # A limit set at `up` holds for a restarted scheduler too.
  [[ -n "$CLIENT_QPS" ]] && echo "$CLIENT_QPS $CLIENT_BURST" >"$STATE_DIR/client-limits"
  if [[ -f "$STATE_DIR/client-limits" ]]; then
    local qps burst file
    read -r qps burst <"$STATE_DIR/client-limits"
    for file in "$STATE_DIR/default-scheduler.yaml" "$STATE_DIR/pyfleet-scheduler.yaml"; do
      sed -i -e "/^clientConnection:/a\\  qps: $qps\\n  burst: $burst" "$file"
    done
  fi
}

start_pyfleet_scheduler() {
  local port
  port="$(free_port)"
  start_component pyfleet-scheduler "$K8S_BIN/kube-scheduler" --config="$STATE_DIR/pyfleet-scheduler.yaml" \
    --bind-address=127.0.0.1 --secure-port="$port"
  wait_healthy pyfleet-scheduler "https://127.0.0.1:$port/healthz" 60 -k
  echo "$port" >"$STATE_DIR/pyfleet-scheduler.port"
}

# Fake nodes: KWOK manages nodes annotated kwok.x-k8s.io/node=fake, keeps them Ready and runs their Pods.
create_nodes() {
  local count="$1" first="${2:-0}" i resources
  resources="cpu: \"$NODE_CPU\", memory: $NODE_MEMORY, pods: \"$NODE_PODS\", ephemeral-storage: 100Gi"
  ((NODE_GPUS > 0)) && resources+=", nvidia.com/gpu: \"$NODE_GPUS\""
  for ((i = first; i < first + count; i++)); do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $NODE_PREFIX-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: $NODE_PREFIX-$i
    type: kwok
status:
  allocatable: {$resources}
  capacity: {$resources}
EOF
  done | kctl apply -f - >/dev/null || fail "creating fake nodes failed"
}

cmd_up() {
  parse_node_flags "$@"
  [[ -z "$CLIENT_QPS" || -n "$CLIENT_BURST" ]] || fail "--client-qps needs --client-burst"
  if is_running kube-apiserver; then
    say "already running; kubeconfig: $KUBECONFIG_PATH"
    return 0
  fi
  [[ -d "$STATE_DIR" ]] && stop_all quiet
  command -v openssl >/dev/null || fail "openssl is required to generate the control plane's certificates"
  command -v curl >/dev/null || fail "curl is required to check the control plane's health"
  load_binaries
  mkdir -p "$STATE_DIR/logs" "$STATE_DIR/etcd"
  : >"$STATE_DIR/ports"
  rm -f "$STATE_DIR/client-limits"

  say "starting etcd"
  local etcd_port etcd_peer
  etcd_port="$(free_port)" etcd_peer="$(free_port)"
  start_component etcd "$ETCD_BIN/etcd" --name=pyfleet --data-dir="$STATE_DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer" \
    --initial-cluster="pyfleet=http://127.0.0.1:$etcd_peer" --unsafe-no-fsync --quota-backend-bytes=4294967296
  wait_healthy etcd "http://127.0.0.1:$etcd_port/health" 60

  say "starting kube-apiserver"
  generate_certs
  API_PORT="$(free_port)"
  local pki="$STATE_DIR/pki" audit_flags=()
  if ((AUDIT)); then
    write_audit_policy
    audit_flags=(--audit-policy-file="$STATE_DIR/audit-policy.yaml" --audit-log-path="$STATE_DIR/logs/audit.log"
      --audit-log-format=json --audit-log-mode=blocking)
  fi
  start_component kube-apiserver "$K8S_BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$etcd_port" --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
    --secure-port="$API_PORT" --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" --service-account-key-file="$pki/sa.pub" \
    --service-account-signing-key-file="$pki/sa.key" --service-account-issuer=https://kubernetes.default.svc \
    --service-cluster-ip-range=10.96.0.0/16 --authorization-mode=Node,RBAC --allow-privileged=true \
    --endpoint-reconciler-type=none --enable-priority-and-fairness=false \
    --enable-admission-plugins=OwnerReferencesPermissionEnforcement \
    --kubelet-client-certificate="$pki/admin.crt" --kubelet-client-key="$pki/admin.key" \
    --kubelet-preferred-address-types=InternalIP "${audit_flags[@]}"
  wait_healthy kube-apiserver "https://127.0.0.1:$API_PORT/readyz" 90 --cacert "$pki/ca.crt" \
    --cert "$pki/admin.crt" --key "$pki/admin.key"
  write_kubeconfig

  say "starting kube-controller-manager, kube-scheduler$( ((PYFLEET_SCHEDULER)) && echo ", pyfleet-scheduler") and kwok"
  local kcm_port sched_port kwok_port
  kcm_port="$(free_port)" sched_port="$(free_port)" kwok_port="$(free_port)"
  start_component kube-controller-manager "$K8S_BIN/kube-controller-manager" --kubeconfig="$KUBECONFIG_PATH" \
    --authentication-kubeconfig="$KUBECONFIG_PATH" --authorization-kubeconfig="$KUBECONFIG_PATH" \
    --bind-address=127.0.0.1 --secure-port="$kcm_port" --leader-elect=false \
    --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
    --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
    --controllers='*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller' \
    ${CLIENT_QPS:+--kube-api-qps="$CLIENT_QPS" --kube-api-burst="$CLIENT_BURST"}
  write_scheduler_configs
  start_component kube-scheduler "$K8S_BIN/kube-scheduler" --config="$STATE_DIR/default-scheduler.yaml" \
    --bind-address=127.0.0.1 --secure-port="$sched_port"
  start_component kwok "$KWOK_BIN/kwok" --kubeconfig="$KUBECONFIG_PATH" --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake --manage-nodes-with-label-selector= \
    --manage-single-node= --cidr=10.244.0.0/16 --node-ip=10.0.0.1 --node-lease-duration-seconds=40 \
    --server-address="127.0.0.1:$kwok_port"
  wait_healthy kube-controller-manager "https://127.0.0.1:$kcm_port/healthz" 60 -k
  wait_healthy kube-scheduler "https://127.0.0.1:$sched_port/healthz" 60 -k
  wait_healthy kwok "http://127.0.0.1:$kwok_port/healthz" 60
  ((PYFLEET_SCHEDULER)) && start_pyfleet_scheduler

  if ((NODES > 0)); then
    say "creating $NODES fake nodes"
    create_nodes "$NODES"
    # KWOK made about six nodes Ready a second on a busy 2-core machine: a thousand take minutes.
    kctl wait --for=condition=Ready node -l type=kwok --timeout="$((90 + NODES / 4))s" >/dev/null ||
      { tail -n 25 "$STATE_DIR/logs/kwok.log" >&2; fail "fake nodes did not become Ready (kwok log above)"; }
  fi
  local deadline=$((SECONDS + 60))
  until kctl get serviceaccount default -n default >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "kube-controller-manager created no default ServiceAccount within 60s"
    sleep 0.5
  done
  local real="" why
  if ((REAL_NODES > 0)); then
    if why="$("$HACK_DIR/real-nodes.sh" check)"; then
      start_real_nodes
      real=" and $REAL_NODES real"
    else
      say "no real nodes: $why"
    fi
  fi
  say "up: Kubernetes $(kctl get --raw /version | grep -o '"gitVersion": "[^"]*"' | cut -d\" -f4) with $NODES fake$real nodes"
  echo "$KUBECONFIG_PATH"
}

start_real_nodes() {
  say "starting $REAL_NODES real nodes"
  "$HACK_DIR/images.sh" all || { stop_all quiet; fail "building the images for real nodes failed"; }
  K8S_BIN="$K8S_BIN" COREDNS_BIN="$COREDNS_BIN" KUBECONFIG_PATH="$KUBECONFIG_PATH" \
    "$HACK_DIR/real-nodes.sh" up "$REAL_NODES" "$API_PORT" ||
    { stop_all quiet; fail "starting real nodes failed (logs in $STATE_DIR/logs)"; }
  local deadline=$((SECONDS + 120))
  until [[ "$(kctl get nodes -l type=real -o name 2>/dev/null | wc -l)" == "$REAL_NODES" ]] &&
    kctl wait --for=condition=Ready node -l type=real --timeout=2s >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then
      tail -n 25 "$STATE_DIR/logs/real-node-0.kubelet.log" >&2
      stop_all quiet
      fail "real nodes did not register and become Ready within 120s (kubelet log above)"
    fi
    sleep 1
  done
}

stop_all() {
  local quiet="${1:-}" name pid i
  [[ -d "$STATE_DIR/real-nodes" ]] && "$HACK_DIR/real-nodes.sh" down
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    name="${COMPONENTS[$i]}"
    if is_running "$name"; then
      pid="$(pid_of "$name")"
      stop_component "$name"
      [[ -n "$quiet" ]] || say "stopped $name (pid $pid)"
    fi
  done
  rm -rf "$STATE_DIR"
}

cmd_down() {
  [[ -d "$STATE_DIR" ]] || { say "not running"; return 0; }
  stop_all
  say "down; removed $STATE_DIR"
}

cmd_status() {
  local name any=0
  for name in "${COMPONENTS[@]}"; do
    if is_running "$name"; then
      printf '%-24s running  pid %s\n' "$name" "$(pid_of "$name")"
      any=1
    else
      printf '%-24s stopped\n' "$name"
    fi
  done
  if [[ $any == 1 ]]; then echo "kubeconfig: $KUBECONFIG_PATH"; else return 1; fi
}

# Every write at Metadata level (who, what, when), nothing else: enough to tell which client changed what, in order.
write_audit_policy() {
  cat >"$STATE_DIR/audit-policy.yaml" <<EOF
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  verbs: [create, update, patch, delete, deletecollection]
- level: None
EOF
}

# A crash and a restart: SIGKILL, then the same command line again, healthy before it returns.
cmd_crash() {
  local name="${1:-}" pid args=() health=()
  [[ -f "$STATE_DIR/$name.cmd" ]] || fail "no component named '$name' was started here"
  if is_running "$name"; then
    pid="$(pid_of "$name")"
    kill -9 "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  fi
  mapfile -d '' args <"$STATE_DIR/$name.cmd"
  mapfile -d '' health <"$STATE_DIR/$name.health"
  mv "$STATE_DIR/logs/$name.log" "$STATE_DIR/logs/$name.log.$(date +%s%N)"
  start_component "$name" "${args[@]}"
  wait_healthy "$name" "${health[0]}" 90 "${health[@]:1}"
  if [[ "$name" != kube-apiserver ]]; then
    # Done when clients can use the control plane again: kube-apiserver ready (its readyz checks etcd too).
    mapfile -d '' health <"$STATE_DIR/kube-apiserver.health"
    wait_healthy kube-apiserver "${health[0]}" 90 "${health[@]:1}"
  fi
  say "$name killed and started again (pid $(pid_of "$name"))"
}

cmd_restart_scheduler() {
  is_running kube-apiserver || fail "the control plane is not up"
  load_binaries
  local pid
  if is_running pyfleet-scheduler; then
    pid="$(pid_of pyfleet-scheduler)"
    kill "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  write_scheduler_configs
  start_pyfleet_scheduler
  say "pyfleet-scheduler restarted with $SCHEDULER_TEMPLATE"
}

parse_node_flags() {
  while (($#)); do
    case "$1" in
      --nodes) NODES="$2" ;;
      --cpu) NODE_CPU="$2" ;;
      --memory) NODE_MEMORY="$2" ;;
      --pods) NODE_PODS="$2" ;;
      --gpus) NODE_GPUS="$2" ;;
      --prefix) NODE_PREFIX="$2" ;;
      --audit) AUDIT=1; shift; continue ;;
      --real-nodes) REAL_NODES="$2" ;;
      --no-pyfleet-scheduler) PYFLEET_SCHEDULER=0; shift; continue ;;
      --client-qps) CLIENT_QPS="$2" ;;
      --client-burst) CLIENT_BURST="$2" ;;
      *) fail "unknown option $1" ;;
    esac
    shift 2
  done
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down ;;
    status) cmd_status ;;
    kubeconfig) [[ -f "$KUBECONFIG_PATH" ]] || fail "not running"; echo "$KUBECONFIG_PATH" ;;
    env) load_binaries >/dev/null; echo "export KUBECONFIG=$KUBECONFIG_PATH PATH=$K8S_BIN:\$PATH" ;;
    add-nodes)
      local n="$1"; shift
      parse_node_flags "$@"
      load_binaries
      create_nodes "$n" "$(kctl get nodes -o name | grep -c "/$NODE_PREFIX-" || true)"
      ;;
    restart-scheduler) cmd_restart_scheduler ;;
    crash) cmd_crash "$@" ;;
    kubectl) load_binaries; kctl "$@" ;;
    *) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
}

main "$@"
