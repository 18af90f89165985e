#!/usr/bin/env bash
# Real nodes beside the fake ones: each runs containerd (runc, CNI bridge), a kubelet and kube-proxy (iptables mode)
# inside a network namespace of its own, with all its state under the cluster's state directory. hack/cluster.sh
# calls this for `up --real-nodes N` and `down`; it also runs on its own:
#
#   hack/real-nodes.sh check                 can this machine host a real node? If not, one line why, exit 1
#   hack/real-nodes.sh deps                  install the Debian packages a node needs, where missing
#   hack/real-nodes.sh up N API_PORT         start real-node-0 .. real-node-N-1 for the control plane in STATE_DIR
#   hack/real-nodes.sh down                  stop them; undo every change to the host (routes, bridge, iptables)
#   hack/real-nodes.sh routes                where unused pod and service addresses go; fails unless all stay local
#   hack/real-nodes.sh exec NODE CMD...      run CMD in a node's network namespace (e.g. curl a ClusterIP)
#   hack/real-nodes.sh import TAR...         import image archives into every running node
#
# Addresses. A cluster takes a free slot K (0-15). Its nodes sit on the host bridge pf<K>br, 10.250.K.0/24 (host
# .1, node I at .10+I); node I's Pods get 10.245.(16K+I).0/24. The host routes each node's Pod range to the node
# and blackholes the rest of 10.244.0.0/16 (KWOK's fake Pods), 10.245.0.0/16 and the Service range 10.96.0.0/16, so
# no packet to a Pod or Service address can take the default route off the machine. Nodes reach kube-apiserver
# (which stays on 127.0.0.1) at 10.250.K.1:6443 through a DNAT rule on the bridge, and the cluster DNS (coredns,
# cluster.local only) at 10.250.K.1:53. The host never forwards: a packet from a Pod to anything but the host itself
# is dropped there.
#
# Env: PYFLEET_STATE_DIR, PYFLEET_CACHE_DIR as for hack/cluster.sh.
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE_DIR="${PYFLEET_STATE_DIR:-${TMPDIR:-/tmp}/pyfleet-cluster-$(id -u)}"
CACHE_DIR="${PYFLEET_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pyfleet}"
NODES_DIR="$STATE_DIR/real-nodes"
SLOTS_DIR=/run/pyfleet-real-nodes
CNI_BIN=/usr/lib/cni
SERVICE_RANGE=10.96.0.0/16
BLACKHOLES=(10.244.0.0/16 10.245.0.0/16 "$SERVICE_RANGE")
PACKAGES=(containerd runc containernetworking-plugins iptables)
PAUSE_IMAGE=registry.k8s.io/pause:3.10

say() { echo "real-nodes: $*" >&2; }
fail() { echo "real-nodes: $*" >&2; exit 1; }
# shellcheck source=lib.sh
source "$HACK_DIR/lib.sh"

# Why this machine cannot host a real node, or nothing.
why_not() {
  [[ "$(uname -s)" == Linux ]] || { echo "real nodes need Linux (this is $(uname -s))"; return; }
  [[ "$(id -u)" == 0 ]] || { echo "real nodes need root (containerd, network namespaces, cgroups)"; return; }
  [[ -d /sys/fs/cgroup/memory || -f /sys/fs/cgroup/cgroup.controllers ]] ||
    { echo "real nodes need cgroups with the memory controller; none is mounted"; return; }
  command -v ip >/dev/null && command -v nsenter >/dev/null ||
    { echo "real nodes need ip (iproute2) and nsenter (util-linux)"; return; }
}

cmd_check() {
  local why
  why="$(why_not)"
  [[ -z "$why" ]] || { echo "$why"; exit 1; }
}

cmd_deps() {
  install_debian_packages "${PACKAGES[@]}"
}

slot() { cat "$NODES_DIR/slot"; }
bridge() { echo "pf$(slot)br"; }
gateway() { echo "10.250.$(slot).1"; }
node_ip() { echo "10.250.$(slot).$((10 + $1))"; }
pod_cidr() { echo "10.245.$((16 * $(slot) + $1)).0/24"; }
netns() { echo "pyfleet-s$(slot)-n$1"; }
cgroup_root() { echo "pyfleet-s$(slot)-n$1"; }

# The lowest slot no other cluster holds; a slot whose cluster's state is gone is taken over.
take_slot() {
  local k owner
  mkdir -p "$SLOTS_DIR"
  for k in $(seq 0 15); do
    owner="$(cat "$SLOTS_DIR/$k" 2>/dev/null || true)"
    if [[ -z "$owner" || ! -d "$owner/real-nodes" ]]; then
      echo "$STATE_DIR" >"$SLOTS_DIR/$k"
      echo "$k" >"$NODES_DIR/slot"
      return 0
    fi
  done
  fail "all 16 real-node slots are taken (see $SLOTS_DIR)"
}

host_network_up() {
  local api_port="$1" br range
  br="$(bridge)"
  ip link show "$br" >/dev/null 2>&1 && ip link del "$br"
  ip link add "$br" type bridge
  ip addr add "$(gateway)/24" dev "$br"
  ip link set "$br" up
  # Lets the DNAT below send packets that arrived on the bridge to kube-apiserver on 127.0.0.1.
  sysctl -qw "net.ipv4.conf.$br.route_localnet=1"
  for range in "${BLACKHOLES[@]}"; do
    ip route show type blackhole "$range" | grep -q . || ip route add blackhole "$range"
  done
  local chain="PYFLEET-S$(slot)"
  iptables -t nat -N "$chain" 2>/dev/null || iptables -t nat -F "$chain"
  iptables -t nat -A "$chain" -i "$br" -d "$(gateway)" -p tcp --dport 6443 -j DNAT \
    --to-destination "127.0.0.1:$api_port"
  iptables -t nat -C PREROUTING -j "$chain" 2>/dev/null || iptables -t nat -I PREROUTING -j "$chain"
  # The host is no router for Pods: whatever else the bridge hands it is dropped, whatever ip_forward says.
  iptables -N "$chain" 2>/dev/null || iptables -F "$chain"
  iptables -A "$chain" -i "$br" -j DROP
  iptables -A "$chain" -o "$br" -j DROP
  iptables -C FORWARD -j "$chain" 2>/dev/null || iptables -I FORWARD -j "$chain"
  start_dns
}

# In-cluster clients (the chart's operator and scheduler) reach kube-apiserver through the Service default/kubernetes.
# kube-apiserver listens on loopback only and runs with --endpoint-reconciler-type=none, so its endpoint for Pods is
# published here: the bridge gateway, whose port 6443 the DNAT rule above forwards to it.
publish_api_endpoint() {
  "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_PATH" apply --server-side --field-manager=pyfleet-real-nodes \
    -f - >/dev/null <<EOF || fail "publishing the API server's endpoint failed"
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kubernetes
  namespace: default
  labels:
    kubernetes.io/service-name: kubernetes
    endpointslice.kubernetes.io/managed-by: pyfleet-real-nodes
addressType: IPv4
endpoints:
  - addresses: ["$(gateway)"]
    conditions: {ready: true}
ports:
  - {name: https, port: 6443, protocol: TCP}
EOF
}

# Cluster DNS for the nodes' Pods, on the bridge address: it answers for cluster.local and refuses everything else,
# so a Pod's lookup of an outside name goes nowhere.
start_dns() {
  [[ -n "${COREDNS_BIN:-}" && -n "${KUBECONFIG_PATH:-}" ]] || fail "COREDNS_BIN and KUBECONFIG_PATH must be set"
  cat >"$NODES_DIR/Corefile" <<EOF
cluster.local:53 {
    bind $(gateway)
    errors
    kubernetes cluster.local {
        kubeconfig $KUBECONFIG_PATH
    }
}
EOF
  start_component real-nodes.coredns "$COREDNS_BIN/coredns" -conf "$NODES_DIR/Corefile"
  local deadline=$((SECONDS + 30))
  until (exec 3<>"/dev/tcp/$(gateway)/53") 2>/dev/null; do
    is_running real-nodes.coredns && ((SECONDS < deadline)) ||
      { tail -n 20 "$STATE_DIR/logs/real-nodes.coredns.log" >&2; fail "coredns did not start"; }
    sleep 0.2
  done
}

node_certs() {
  local i="$1" dir="$2" pki="$STATE_DIR/pki"
  (
    cd "$dir"
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:nodes/CN=system:node:real-node-$i" \
      -keyout kubelet.key -out kubelet.csr 2>/dev/null
    openssl x509 -req -in kubelet.csr -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 30 \
      -out kubelet.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=system:kube-proxy" -keyout kube-proxy.key -out kube-proxy.csr \
      2>/dev/null
    openssl x509 -req -in kube-proxy.csr -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 30 \
      -out kube-proxy.crt 2>/dev/null
  ) || fail "generating node certificates failed"
}

node_kubeconfig() {
  local user="$1" dir="$2" b64="base64 -w0"
  cat <<EOF
apiVersion: v1
kind: Config
clusters:
- name: pyfleet-local
  cluster:
    server: https://$(gateway):6443
    certificate-authority-data: $($b64 <"$STATE_DIR/pki/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $($b64 <"$dir/$user.crt")
    client-key-data: $($b64 <"$dir/$user.key")
contexts:
- name: pyfleet-local
  context: {cluster: pyfleet-local, user: $user}
current-context: pyfleet-local
EOF
}

write_node_configs() {
  local i="$1" dir="$2"
  mkdir -p "$dir/cni" "$dir/kubelet" "$dir/pod-logs" "$dir/containerd"
  cat >"$dir/containerd.toml" <<EOF
version = 2
root = "$dir/containerd/root"
state = "$dir/containerd/state"
[grpc]
  address = "$dir/containerd.sock"
[ttrpc]
  address = "$dir/containerd-ttrpc.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN"
    conf_dir = "$dir/cni"
EOF
  cat >"$dir/cni/10-pyfleet.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "pyfleet",
 "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$(pod_cidr "$i")"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "$dir/cni-ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
EOF
  : >"$dir/resolv.conf" # none of the host's nameservers: a Pod asks the cluster DNS only
  node_kubeconfig kubelet "$dir" >"$dir/kubelet.kubeconfig"
  node_kubeconfig kube-proxy "$dir" >"$dir/kube-proxy.kubeconfig"
  cat >"$dir/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $(node_ip "$i")
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication: {anonymous: {enabled: false}, webhook: {enabled: false}, x509: {clientCAFile: "$STATE_DIR/pki/ca.crt"}}
authorization: {mode: AlwaysAllow}
containerRuntimeEndpoint: unix://$dir/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: /$(cgroup_root "$i")
failCgroupV1: false
failSwapOn: false
oomScoreAdj: 0
podCIDR: $(pod_cidr "$i")
podLogsDir: $dir/pod-logs
resolvConf: $dir/resolv.conf
clusterDomain: cluster.local
clusterDNS: ["$(gateway)"]
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 50Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
serializeImagePulls: false
maxPods: 110
EOF
  cat >"$dir/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$dir/kube-proxy.kubeconfig"}
mode: iptables
hostnameOverride: real-node-$i
clusterCIDR: 10.245.0.0/16
bindAddress: $(node_ip "$i")
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: ["$(node_ip "$i")/32"]
iptables: {localhostNodePorts: false}
conntrack: {maxPerCore: 0}
EOF
}

# The node's cgroup in every v1 hierarchy (cpuset inherits its parent's CPUs and memory nodes first).
make_cgroups() {
  local root="$1" h
  for h in /sys/fs/cgroup/*/; do
    [[ -f "$h/cgroup.procs" ]] || continue
    mkdir -p "$h$root"
    if [[ -f "$h/cpuset.cpus" ]]; then
      cat "$h/cpuset.cpus" >"$h$root/cpuset.cpus"
      cat "$h/cpuset.mems" >"$h$root/cpuset.mems"
    fi
  done
}

node_up() {
  local i="$1" dir="$NODES_DIR/real-node-$1" ns veth
  ns="$(netns "$i")" veth="pf$(slot)n$i"
  mkdir -p "$dir"
  ip netns add "$ns"
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" master "$(bridge)" up
  nsenter --net="/run/netns/$ns" ip addr add "$(node_ip "$i")/24" dev eth0
  nsenter --net="/run/netns/$ns" ip link set eth0 up
  nsenter --net="/run/netns/$ns" ip link set lo up
  nsenter --net="/run/netns/$ns" ip route add default via "$(gateway)"
  nsenter --net="/run/netns/$ns" sysctl -qw net.ipv4.ip_forward=1
  ip route add "$(pod_cidr "$i")" via "$(node_ip "$i")" dev "$(bridge)"
  node_certs "$i" "$dir"
  write_node_configs "$i" "$dir"
  make_cgroups "$(cgroup_root "$i")"

  NETNS="$ns" start_component "real-node-$i.containerd" "$(command -v containerd)" --config "$dir/containerd.toml"
  local deadline=$((SECONDS + 30))
  until ctr --address "$dir/containerd.sock" version >/dev/null 2>&1; do
    is_running "real-node-$i.containerd" && ((SECONDS < deadline)) ||
      { tail -n 20 "$STATE_DIR/logs/real-node-$i.containerd.log" >&2; fail "containerd of real-node-$i did not start"; }
    sleep 0.2
  done
  import_images "$dir" "$CACHE_DIR"/images/*.tar
  NETNS="$ns" start_component "real-node-$i.kubelet" "$K8S_BIN/kubelet" --config="$dir/kubelet.yaml" \
    --kubeconfig="$dir/kubelet.kubeconfig" --root-dir="$dir/kubelet" --hostname-override="real-node-$i" \
    --node-ip="$(node_ip "$i")" --node-labels=type=real
  NETNS="$ns" start_component "real-node-$i.kube-proxy" "$K8S_BIN/kube-proxy" --config="$dir/kube-proxy.yaml"
}

import_images() {
  local dir="$1" tar; shift
  for tar in "$@"; do
    [[ -f "$tar" ]] || continue
    ctr --address "$dir/containerd.sock" -n k8s.io images import --no-unpack=false "$tar" >/dev/null ||
      fail "importing $tar into $(basename "$dir") failed"
  done
}

cmd_up() {
  local n="$1" api_port="$2" i
  [[ -z "$(why_not)" ]] || fail "$(why_not)"
  cmd_deps
  [[ -n "${K8S_BIN:-}" ]] || fail "K8S_BIN (the kubelet's directory) is not set; run through hack/cluster.sh"
  [[ -f "$CACHE_DIR/images/pause.tar" ]] || fail "no pause image in $CACHE_DIR/images; run hack/images.sh first"
  mkdir -p "$NODES_DIR" "$STATE_DIR/logs"
  take_slot
  host_network_up "$api_port"
  publish_api_endpoint
  for ((i = 0; i < n; i++)); do node_up "$i"; done
  echo "$n" >"$NODES_DIR/count"
}

# Every process in a cgroup subtree, killed, then the subtree removed (deepest first).
remove_cgroups() {
  local root="$1" h pid d
  for h in /sys/fs/cgroup/*/; do
    [[ -d "$h$root" ]] || continue
    for pid in $(cat $(find "$h$root" -name cgroup.procs) 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
  done
  for h in /sys/fs/cgroup/*/; do
    [[ -d "$h$root" ]] || continue
    for _ in $(seq 1 50); do
      find "$h$root" -depth -type d -exec rmdir {} + 2>/dev/null || true
      [[ -d "$h$root" ]] || break
      sleep 0.1
    done
  done
}

node_down() {
  local i="$1" dir="$NODES_DIR/real-node-$1" ns pid m
  ns="$(netns "$i")"
  stop_component "real-node-$i.kubelet"
  stop_component "real-node-$i.kube-proxy"
  # Containers and their shims outlive containerd: kill the Pods' processes by cgroup, then the shims.
  remove_cgroups "$(cgroup_root "$i")"
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $dir/containerd.sock" || true); do
    kill -9 "$pid" 2>/dev/null || true
  done
  stop_component "real-node-$i.containerd"
  remove_cgroups "$(cgroup_root "$i")"
  # Overlay, shm and network-namespace mounts under the node's state, deepest first.
  for m in $(awk -v d="$dir/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  ip route del "$(pod_cidr "$i")" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
}

cmd_down() {
  [[ -f "$NODES_DIR/slot" ]] || return 0
  local n i br chain k other=0
  n="$(cat "$NODES_DIR/count" 2>/dev/null || echo 16)"
  for ((i = 0; i < n; i++)); do
    [[ -d "$NODES_DIR/real-node-$i" ]] && node_down "$i"
  done
  br="$(bridge)" chain="PYFLEET-S$(slot)"
  stop_component real-nodes.coredns
  ip link del "$br" 2>/dev/null || true
  iptables -t nat -D PREROUTING -j "$chain" 2>/dev/null || true
  iptables -t nat -F "$chain" 2>/dev/null && iptables -t nat -X "$chain"
  iptables -D FORWARD -j "$chain" 2>/dev/null || true
  iptables -F "$chain" 2>/dev/null && iptables -X "$chain"
  rm -f "$SLOTS_DIR/$(slot)"
  for k in "$SLOTS_DIR"/*; do [[ -e "$k" ]] && other=1; done
  if ((other == 0)); then
    for range in "${BLACKHOLES[@]}"; do ip route del blackhole "$range" 2>/dev/null || true; done
  fi
  rm -rf "$NODES_DIR"
}

# The route the host would take to an address: the most specific of those that match it (a blackhole included,
# which `ip route get` only answers with an error).
route_to() {
  ip route show to match "$1" | awk '{
    dst = ($1 == "blackhole" || $1 == "unreachable" || $1 == "prohibit") ? $2 : $1
    len = (dst == "default") ? 0 : (index(dst, "/") ? substr(dst, index(dst, "/") + 1) : 32)
    if (len + 0 >= best) { best = len + 0; line = $0 }
  } END { print line }'
}

# Addresses no Pod or Service has: each must end at a node of ours or in a blackhole, never at the default gateway.
cmd_routes() {
  local address route bad=0 k
  k="$(slot 2>/dev/null || echo 0)"
  for address in 10.96.255.254 10.244.255.254 10.245.255.254 "10.245.$((16 * k)).254"; do
    route="$(route_to "$address")"
    echo "$address: $route"
    [[ "$route" == blackhole* || "$route" == *" dev pf${k}br"* ]] || bad=1
  done
  ((bad == 0)) || fail "a Pod or Service address would leave the machine"
}

cmd_exec() {
  local i="${1#real-node-}"; shift
  exec nsenter --net="/run/netns/$(netns "$i")" -- "$@"
}

cmd_import() {
  local n i
  n="$(cat "$NODES_DIR/count" 2>/dev/null)" || fail "no real nodes run in $STATE_DIR"
  for ((i = 0; i < n; i++)); do import_images "$NODES_DIR/real-node-$i" "$@"; done
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    check) cmd_check ;;
    deps) cmd_deps ;;
    up) cmd_up "$@" ;;
    down) cmd_down ;;
    routes) cmd_routes ;;
    exec) cmd_exec "$@" ;;
    import) cmd_import "$@" ;;
    *) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
}

main "$@"
