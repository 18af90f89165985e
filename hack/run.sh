#!/usr/bin/env bash
# make run: a local control plane with 3 fake nodes, PyFleet's CRDs and samples, and the operator in the foreground.
# Ctrl-C stops the operator and then the control plane; nothing of ours keeps running or holds a port.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLUSTER="$REPO/hack/cluster.sh"
HTTP_PORT="${PYFLEET_HTTP_PORT:-8080}"

# pyfleet-scheduler calls the operator's extender; until the operator listens, ignorable lets it schedule alone.
export PYFLEET_SCHEDULER_CONFIG="${PYFLEET_SCHEDULER_CONFIG:-$REPO/hack/pyfleet-scheduler-extender.yaml}"
export PYFLEET_EXTENDER_URL="http://127.0.0.1:$HTTP_PORT/scheduler"
"$CLUSTER" up --nodes "${PYFLEET_NODES:-3}"
trap '"$CLUSTER" down' EXIT
KUBECONFIG_PATH="$("$CLUSTER" kubeconfig)"
eval "$("$CLUSTER" env)"

echo "run: building the operator (mvn package)" >&2
mvn -B -q -ntp -f "$REPO/pom.xml" package -DskipTests

kubectl apply --server-side -f "$REPO/crds" >/dev/null
kubectl wait --for=condition=Established crd --all --timeout=60s >/dev/null
kubectl apply -f "$REPO/deploy/samples/" >/dev/null

cat >&2 <<EOM

  PyFleet is starting against a local Kubernetes $(kubectl get --raw /version | grep -o '"gitVersion": "[^"]*"' | cut -d'"' -f4).

  In another shell:
    export KUBECONFIG=$KUBECONFIG_PATH
    export PATH=$(dirname "$(command -v kubectl)"):\$PATH   # kubectl of the same version
    kubectl get nodes                       # 3 fake nodes, Ready (KWOK)
    kubectl get pyfleet                     # hello-wsgi, hello-asgi (once hello-wsgi is Ready), legacy-vms
    kubectl describe vmpool/legacy-vms      # KubeVirtAvailable=False: this control plane has no KubeVirt
    kubectl get pods,svc,pdb -l app.kubernetes.io/managed-by=pyfleet
    kubectl scale pythonapp/hello-wsgi --replicas=5
    kubectl patch pythonapp/hello-wsgi --type=merge -p '{"spec":{"image":"ghcr.io/pyfleet/examples/hello-wsgi:1.1.0"}}'
                                            # any change to the Pod template rolls the Pods
    kubectl describe pythonapp/hello-asgi   # conditions and Events
    curl -s localhost:$HTTP_PORT/q/health/ready   # the operator's readiness
    curl -s localhost:$HTTP_PORT/q/metrics | head # Prometheus metrics
    hack/cluster.sh status                  # what runs, and where its logs are

  Ctrl-C stops the operator and the control plane.

EOM

# In the background so that a signal to this script reaches the operator too, whatever started the script.
java -Dkubeconfig="$KUBECONFIG_PATH" -Dquarkus.http.port="$HTTP_PORT" -jar "$REPO/target/quarkus-app/quarkus-run.jar" &
operator=$!
trap 'kill -TERM "$operator" 2>/dev/null; wait "$operator"; exit 130' INT TERM
wait "$operator"
