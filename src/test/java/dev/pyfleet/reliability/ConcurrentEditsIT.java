package dev.pyfleet.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * A second client edits the apps' specs as fast as it can while the operator writes their status. The operator
 * writes only the status subresource, so every edit lands (the generation counts them all), and once the edits stop
 * the status describes the last one: its generation, its replica count, Pods that run its environment.
 */
class ConcurrentEditsIT {

    static final int EDITS = Chaos.pick(60, 600);
    static final List<String> APPS = List.of("app-0", "app-1", "app-2");

    @Test
    void specEditsRacingStatusWritesAreNeverLostAndStatusEndsRight() throws Exception {
        Random random = Chaos.random("ConcurrentEditsIT");
        try (ControlPlane cluster = ControlPlane.dedicated("edits", Map.of());
                KubernetesClient client = cluster.newClient();
                OperatorProcess operator = new OperatorProcess(cluster.kubeconfig())) {
            String ns = "edits";
            TestNamespace.create(client, ns);
            operator.awaitReady(Duration.ofSeconds(90));
            Fleet.createApps(client, ns, APPS.size(), "1");

            Map<String, Integer> edits = new HashMap<>();
            Map<String, Integer> lastReplicas = new HashMap<>();
            Map<String, String> lastValue = new HashMap<>();
            for (int i = 0; i < EDITS; i++) {
                String app = APPS.get(random.nextInt(APPS.size()));
                int replicas = 1 + random.nextInt(4);
                String patch = "{\"spec\":{\"replicas\":%d,\"env\":[{\"name\":\"EDIT\",\"value\":\"%d\"}]}}"
                        .formatted(replicas, i);
                client.resources(PythonApp.class).inNamespace(ns).withName(app)
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
                edits.merge(app, 1, Integer::sum);
                lastReplicas.put(app, replicas);
                lastValue.put(app, Integer.toString(i));
                if (random.nextInt(10) == 0) {
                    Thread.sleep(random.nextInt(300));
                }
            }

            for (String app : edits.keySet()) {
                PythonApp ready = PythonApps.await(client, ns, app, a -> PythonApps.conditionIs("Ready", "True")
                        .test(a) && a.getSpec().replicas().equals(a.getStatus().replicas()), 120);
                assertThat(ready.getMetadata().getGeneration()).as("generation of %s: one per edit", app)
                        .isEqualTo(1L + edits.get(app));
                assertThat(ready.getSpec().replicas()).as(app).isEqualTo(lastReplicas.get(app));
                assertThat(ready.getSpec().env()).as(app).extracting(EnvVar::getValue)
                        .containsExactly(lastValue.get(app));
                assertThat(ready.getStatus().updatedReplicas()).isEqualTo(lastReplicas.get(app));
                Awaitility.await("Pods of " + app + " run the last edit").atMost(Duration.ofSeconds(60))
                        .until(() -> PythonApps.pods(client, ns, app).stream()
                                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                                .map(ConcurrentEditsIT::editOf).toList(),
                                values -> values.size() == lastReplicas.get(app)
                                        && values.stream().allMatch(lastValue.get(app)::equals));
            }
            Fleet.assertConvergedAndNothingOrphaned(client, ns);
        }
    }

    private static String editOf(Pod pod) {
        return pod.getSpec().getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals("EDIT"))
                .map(EnvVar::getValue).findFirst().orElse(null);
    }
}
