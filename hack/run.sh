#!/usr/bin/env bash
# make run: a local control plane with 3 fake nodes and a real one, PyFleet's CRDs and samples, and the operator in
# the foreground. Ctrl-C stops the operator and then the control plane; nothing of ours keeps running or holds a
# port. Where the machine cannot host a real node, cluster.sh says why and the samples run on fake nodes only.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLUSTER="$REPO/hack/cluster.sh"
HTTP_PORT="${PYFLEET_HTTP_PORT:-8080}"
MANAGEMENT_PORT="${PYFLEET_MANAGEMENT_PORT:-9000}"

# pyfleet-scheduler calls the operator's extender; until the operator listens, ignorable lets it schedule alone.
export PYFLEET_SCHEDULER_CONFIG="${PYFLEET_SCHEDULER_CONFIG:-$REPO/hack/pyfleet-scheduler-extender.yaml}"
export PYFLEET_EXTENDER_URL="http://127.0.0.1:$HTTP_PORT/scheduler"
"$CLUSTER" up --nodes "${PYFLEET_NODES:-3}" --real-nodes "${PYFLEET_REAL_NODES:-1}"
trap '"$CLUSTER" down' EXIT
KUBECONFIG_PATH="$("$CLUSTER" kubeconfig)"
eval "$("$CLUSTER" env)"

REAL=$(kubectl get nodes -l type=real -o name | wc -l)
if ((REAL > 0)); then
  # The samples are to answer HTTP, so they go where processes really run: the fake nodes take only Pods that
  # tolerate kwok.x-k8s.io/node=fake (add the toleration to an app's placement to see it spread over them).
  kubectl taint nodes -l type=kwok kwok.x-k8s.io/node=fake:NoSchedule --overwrite >/dev/null
fi

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
    kubectl get nodes                       # fake nodes (KWOK) and, where the machine allows, real-node-0
    kubectl get pyfleet                     # hello-wsgi, hello-asgi (once hello-wsgi is Ready), legacy-vms
$(if ((REAL > 0)); then cat <<EOT
    # The samples answer through their Services, from inside the real node (where kube-proxy's rules are):
    hack/real-nodes.sh exec real-node-0 curl -s http://\$(kubectl get svc hello-wsgi -o jsonpath='{.spec.clusterIP}')
    hack/real-nodes.sh exec real-node-0 curl -s http://\$(kubectl get svc hello-asgi -o jsonpath='{.spec.clusterIP}')
    kubectl logs -l pyfleet.dev/app=hello-wsgi --prefix   # gunicorn's own log
EOT
fi)
    kubectl describe vmpool/legacy-vms      # KubeVirtAvailable=False: this control plane has no KubeVirt
    kubectl get pods,svc,pdb -l app.kubernetes.io/managed-by=pyfleet
    kubectl scale pythonapp/hello-wsgi --replicas=5
    kubectl patch pythonapp/hello-wsgi --type=merge -p '{"spec":{"image":"ghcr.io/pyfleet/examples/hello-wsgi:1.1.0"}}'
                                            # any change to the Pod template rolls the Pods
    kubectl describe pythonapp/hello-asgi   # conditions and Events
    curl -s localhost:$MANAGEMENT_PORT/q/health/ready   # the operator's readiness
    curl -s localhost:$MANAGEMENT_PORT/q/metrics | head # Prometheus metrics
    hack/cluster.sh status                  # what runs, and where its logs are

  Ctrl-C stops the operator and the control plane.

EOM

# In the background so that a signal to this script reaches the operator too, whatever started the script.
java -Dkubeconfig="$KUBECONFIG_PATH" -Dquarkus.http.port="$HTTP_PORT" -Dquarkus.management.port="$MANAGEMENT_PORT" -jar "$REPO/target/quarkus-app/quarkus-run.jar" &
operator=$!
trap 'kill -TERM "$operator" 2>/dev/null; wait "$operator"; exit 130' INT TERM
wait "$operator"
