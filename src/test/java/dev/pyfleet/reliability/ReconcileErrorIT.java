package dev.pyfleet.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * A reconcile that keeps failing (a ResourceQuota refuses the app's Pods) is told once: one JSON log line with the
 * app's namespace/name and the API server's reason, however often it is retried, a Degraded condition saying the
 * same, and a line when it recovers.
 */
class ReconcileErrorIT {

    @Test
    void aFailingReconcileIsLoggedOnceAsJsonAndShownInStatus() throws Exception {
        try (ControlPlane cluster = ControlPlane.dedicated("errors", Map.of());
                KubernetesClient client = cluster.newClient();
                OperatorProcess operator = new OperatorProcess(cluster.kubeconfig(), OperatorProcess.freePort(),
                        List.of("-Dpyfleet.log.format=json"))) {
            String ns = "quota";
            TestNamespace.create(client, ns);
            client.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata()
                    .withName("pods").endMetadata().withNewSpec().addToHard("pods", new io.fabric8.kubernetes.api
                            .model.Quantity("1")).endSpec().build()).create();
            operator.awaitReady(Duration.ofSeconds(90));
            Fleet.createApps(client, ns, 1, "1");

            PythonApps.await(client, ns, "app-0", app -> {
                Condition degraded = PythonApps.condition(app, "Degraded");
                return degraded != null && "ReconcileError".equals(degraded.getReason());
            }, 60);
            Condition degraded = PythonApps.condition(
                    client.resources(PythonApp.class).inNamespace(ns).withName("app-0").get(), "Degraded");
            assertThat(degraded.getStatus()).isEqualTo("True");
            assertThat(degraded.getMessage()).startsWith("HTTP 403: ").contains("exceeded quota");
            // Let the SDK retry a few times (2 s, then 1.5x longer each).
            Thread.sleep(8000);

            List<Map<String, Object>> records = jsonRecords(client, operator.log());
            List<Map<String, Object>> failures = records.stream()
                    .filter(r -> String.valueOf(r.get("message")).contains("reconcile failed")).toList();
            assertThat(failures).as("log lines about the failure, however many retries").hasSize(1);
            assertThat(failures.get(0)).containsEntry("level", "ERROR");
            assertThat((String) failures.get(0).get("message")).startsWith("PythonApp quota/app-0: reconcile failed")
                    .contains("HTTP 403", "exceeded quota");
            assertThat(operator.log()).doesNotContain("Uncaught error during event processing");
            assertThat(client.v1().events().inNamespace(ns).list().getItems())
                    .filteredOn(e -> "ReconcileError".equals(e.getReason())).hasSize(1);
            // Each retry still counts in the SDK's metrics, which the README points at.
            String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + operator.managementPort() + "/q/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics.lines().filter(l -> l.startsWith("operator_sdk_reconciliations_failed_total"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum())
                    .as("operator_sdk_reconciliations_failed_total").isGreaterThanOrEqualTo(2);
            // Counted per controller, not per app (pyfleet.metrics.per-resource is off by default).
            assertThat(metrics.lines().filter(l -> l.startsWith("operator_sdk_")))
                    .as("SDK meters naming one app").noneMatch(l -> l.contains("name=\"app-0\""));

            // The quota is raised and the app touched: it recovers, and says so once.
            client.resourceQuotas().inNamespace(ns).withName("pods").patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\": {\"hard\": {\"pods\": \"10\"}}}");
            client.resources(PythonApp.class).inNamespace(ns).withName("app-0").patch(
                    PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"touched\":\"1\"}}}");
            PythonApps.await(client, ns, "app-0", PythonApps.conditionIs("Ready", "True"), 60);
            assertThat(PythonApps.condition(client.resources(PythonApp.class).inNamespace(ns).withName("app-0")
                    .get(), "Degraded").getStatus()).isEqualTo("False");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> jsonRecords(client, operator.log()).stream()
                    .anyMatch(r -> "PythonApp quota/app-0: reconciled again after failing".equals(r.get("message"))));
        }
    }

    /** The log's JSON records; the boot's first lines, before the switch, are text and skipped. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> jsonRecords(KubernetesClient client, String log) {
        List<String> lines = log.lines().filter(l -> l.startsWith("{")).toList();
        assertThat(lines).as("JSON lines in the operator's log").isNotEmpty();
        return lines.stream().map(l -> (Map<String, Object>) client.getKubernetesSerialization()
                .unmarshal(l, Map.class)).toList();
    }
}
