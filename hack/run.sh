#!/usr/bin/env bash
# make run: a local control plane with 3 fake nodes, PyFleet's CRDs and samples, and the operator in the foreground.
# Ctrl-C stops the operator and then the control plane; nothing of ours keeps running or holds a port.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLUSTER="$REPO/hack/cluster.sh"
HTTP_PORT="${PYFLEET_HTTP_PORT:-8080}"

"$CLUSTER" up --nodes "${PYFLEET_NODES:-3}"
trap '"$CLUSTER" down' EXIT
KUBECONFIG_PATH="$("$CLUSTER" kubeconfig)"
eval "$("$CLUSTER" env)"

echo "run: building the operator (mvn package)" >&2
mvn -B -q -ntp -f "$REPO/pom.xml" package -DskipTests

shopt -s nullglob
crds=("$REPO"/crds/*.yaml)
if ((${#crds[@]})); then
  kubectl apply --server-side -f "$REPO/crds" >/dev/null
  kubectl wait --for=condition=Established crd --all --timeout=60s >/dev/null
fi

cat >&2 <<EOM

  PyFleet is starting against a local Kubernetes $(kubectl version -o json | grep -m1 -o '"gitVersion": "[^"]*"' | cut -d'"' -f4).

  In another shell:
    export KUBECONFIG=$KUBECONFIG_PATH
    export PATH=$(dirname "$(command -v kubectl)"):\$PATH   # kubectl of the same version
    kubectl get nodes                       # 3 fake nodes, Ready (KWOK)
    kubectl get pyfleet -A                  # PythonApps and VMPools
    curl -s localhost:$HTTP_PORT/q/health/ready   # the operator's readiness
    curl -s localhost:$HTTP_PORT/q/metrics | head # Prometheus metrics
    hack/cluster.sh status                  # what runs, and where its logs are

  Ctrl-C stops the operator and the control plane.

EOM

java -Dkubeconfig="$KUBECONFIG_PATH" -Dquarkus.http.port="$HTTP_PORT" -jar "$REPO/target/quarkus-app/quarkus-run.jar"
