package dev.pyfleet.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.RandomAppSpecs;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Random specs from inside the schema, sent to the real API server and reconciled by the packaged operator: the
 * API server accepts every one, the reconciler never fails on any, and each settles with a status that says why:
 * Ready, Degraded with a message, or waiting for the VM pool it names (which does not exist here).
 */
class SpecFuzzIT {

    static final int SPECS = Chaos.pick(30, 300);

    @Test
    void specsTheSchemaAcceptsNeverFailTheReconcilerAndEachSettlesWithAReason() throws Exception {
        Random random = Chaos.random("SpecFuzzIT");
        RandomAppSpecs specs = new RandomAppSpecs(random);
        try (ControlPlane cluster = ControlPlane.dedicated("fuzz", Map.of(), "--nodes", "4", "--pods", "250");
                KubernetesClient client = cluster.newClient();
                OperatorProcess operator = new OperatorProcess(cluster.kubeconfig())) {
            String ns = "fuzz";
            Fleet.createNamespace(client, ns);
            operator.awaitReady(Duration.ofSeconds(90));
            List<String> rejected = new ArrayList<>();
            for (String name : RandomAppSpecs.names(SPECS)) {
                Map<String, Object> spec = new LinkedHashMap<>(specs.next(name));
                // Apps waiting on others are covered by PythonAppIT; here every app must settle on its own.
                spec.remove("dependsOn");
                // A rollout that cannot finish (a Pod too big for any node) turns Degraded after this long.
                @SuppressWarnings("unchecked")
                Map<String, Object> rollout = new LinkedHashMap<>((Map<String, Object>) spec.getOrDefault("rollout",
                        Map.of()));
                rollout.put("progressDeadlineSeconds", 15);
                spec.put("rollout", rollout);
                GenericKubernetesResource app = new GenericKubernetesResource();
                app.setApiVersion("pyfleet.dev/v1alpha1");
                app.setKind("PythonApp");
                app.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
                app.setAdditionalProperty("spec", spec);
                try {
                    client.genericKubernetesResources("pyfleet.dev/v1alpha1", "PythonApp").inNamespace(ns)
                            .resource(app).create();
                } catch (KubernetesClientException e) {
                    rejected.add(name + ": " + e.getStatus().getMessage() + "\n  spec: " + spec);
                }
            }
            assertThat(rejected).as("specs from inside the schema that the API server refused").isEmpty();

            Awaitility.await("every app settled").atMost(Duration.ofSeconds(Chaos.pick(120, 600)))
                    .pollInterval(Duration.ofSeconds(2)).until(() -> unsettled(client, ns).isEmpty());
            List<PythonApp> apps = client.resources(PythonApp.class).inNamespace(ns).list().getItems();
            assertThat(apps).hasSize(SPECS).allSatisfy(app -> assertThat(PythonApps.condition(app, "Degraded"))
                    .as("%s", app.getMetadata().getName())
                    .satisfies(d -> assertThat(d.getReason()).isNotEqualTo("ReconcileError")));
            assertThat(operator.log()).doesNotContain("reconcile failed");
            System.out.printf("[chaos] %d random apps: %d Ready, %d Degraded, %d waiting for their pool%n", SPECS,
                    apps.stream().filter(a -> is(a, "Ready")).count(),
                    apps.stream().filter(a -> is(a, "Degraded")).count(),
                    apps.stream().filter(a -> "Waiting".equals(a.getStatus().phase())).count());
        }
    }

    private static List<String> unsettled(KubernetesClient client, String ns) {
        return client.resources(PythonApp.class).inNamespace(ns).list().getItems().stream()
                .filter(app -> !settled(app)).map(app -> app.getMetadata().getName()).toList();
    }

    /** Ready; or Degraded with a message; or waiting for a VM pool that does not exist, saying so. */
    static boolean settled(PythonApp app) {
        if (app.getStatus() == null
                || !app.getMetadata().getGeneration().equals(app.getStatus().observedGeneration())) {
            return false;
        }
        Condition ready = PythonApps.condition(app, "Ready");
        Condition degraded = PythonApps.condition(app, "Degraded");
        if (ready == null || degraded == null) {
            return false;
        }
        boolean waitingForPool = "PoolNotFound".equals(ready.getReason()) && ready.getMessage() != null
                && ready.getMessage().contains(app.getSpec().runtime().poolRef().name());
        return "True".equals(ready.getStatus()) || waitingForPool
                || ("True".equals(degraded.getStatus()) && degraded.getMessage() != null
                        && !degraded.getMessage().isBlank());
    }

    private static boolean is(PythonApp app, String condition) {
        Condition c = PythonApps.condition(app, condition);
        return c != null && "True".equals(c.getStatus());
    }
}
