package dev.pyfleet.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.Inputs;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Apps and pools deleted while no operator runs: once one starts again, everything they owned is gone and stays
 * gone. Nothing waits on the operator (no finalizer), and the operator does not bring back what it finds orphaned.
 */
class DeleteWhileDownIT {

    static final String POOL = """
            apiVersion: pyfleet.dev/v1alpha1
            kind: VMPool
            metadata: {name: vms}
            spec:
              replicas: 2
              vm:
                cpu: 1
                memory: 1Gi
                image: quay.io/containerdisks/debian:12
                python: {version: "3.12", packages: ["gunicorn==23.0.0"]}
            """;
    static final String ON_POOL = """
            metadata: {name: on-pool}
            spec:
              image: ghcr.io/acme/shop:1.0.0
              python: "3.12"
              process: {type: wsgi, module: "shop.wsgi:application"}
              runtime: {type: VMPool, poolRef: {name: vms}}
            """;
    @Test
    void whatDeletedAppsAndPoolsOwnedIsGoneOnceTheOperatorIsBack() throws Exception {
        try (ControlPlane cluster = ControlPlane.dedicated("deletes", Map.of());
                KubernetesClient client = cluster.newClient()) {
            Inputs.require(cluster.installKubeVirt(),
                    "KubeVirt CRDs are not installed: " + ControlPlane.kubeVirtFixtures() + " is absent");
            String ns = "deletes";
            TestNamespace.create(client, ns);
            try (OperatorProcess operator = new OperatorProcess(cluster.kubeconfig())) {
                operator.awaitReady(Duration.ofSeconds(90));
                List<String> apps = Fleet.createApps(client, ns, 5, "1");
                client.resource(client.getKubernetesSerialization().unmarshal(POOL, VMPool.class)).inNamespace(ns)
                        .create();
                PythonApps.create(client, ns, ON_POOL);
                apps.forEach(app -> PythonApps.await(client, ns, app, PythonApps.conditionIs("Ready", "True"), 90));
                Awaitility.await("the pool's VMs and the Service of the app on it").atMost(Duration.ofSeconds(60))
                        .until(() -> owned(client, ns).stream().filter(o -> o instanceof VirtualMachine).count() == 2
                                && client.services().inNamespace(ns).withName("on-pool").get() != null);
            }
            int before = owned(client, ns).size();
            client.resources(PythonApp.class).inNamespace(ns).delete();
            client.resources(VMPool.class).inNamespace(ns).delete();

            try (OperatorProcess operator = new OperatorProcess(cluster.kubeconfig())) {
                operator.awaitReady(Duration.ofSeconds(90));
                Awaitility.await("everything the deleted apps and pools owned is gone")
                        .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> owned(client, ns).isEmpty());
                // And it stays gone while the operator runs: nothing is recreated from a stale view.
                Awaitility.await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                        .until(() -> owned(client, ns).isEmpty());
                assertThat(client.resources(PythonApp.class).inNamespace(ns).list().getItems()).isEmpty();
                assertThat(client.resources(VMPool.class).inNamespace(ns).list().getItems()).isEmpty();
                assertThat(operator.isAlive()).isTrue();
            }
            assertThat(before).as("Pods, Services, budgets and VMs there were to delete").isGreaterThan(15);
        }
    }

    /** Everything in the namespace that carries PyFleet's managed-by label. */
    private static List<HasMetadata> owned(KubernetesClient client, String ns) {
        List<HasMetadata> owned = new java.util.ArrayList<>();
        owned.addAll(client.pods().inNamespace(ns).withLabel("app.kubernetes.io/managed-by", "pyfleet").list()
                .getItems());
        owned.addAll(client.services().inNamespace(ns).withLabel("app.kubernetes.io/managed-by", "pyfleet").list()
                .getItems());
        owned.addAll(client.policy().v1().podDisruptionBudget().inNamespace(ns)
                .withLabel("app.kubernetes.io/managed-by", "pyfleet").list().getItems());
        owned.addAll(client.resources(VirtualMachine.class).inNamespace(ns)
                .withLabel("app.kubernetes.io/managed-by", "pyfleet").list().getItems());
        return owned;
    }
}
