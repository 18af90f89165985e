package dev.pyfleet.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pyfleet.testing.ArgoCdHealth;

/**
 * The Argo CD health check shipped in deploy/argocd/, run by a Lua interpreter against every situation, written out
 * by hand. ArgoCdHealthIT runs the same script on status the controllers wrote.
 */
class ArgoCdHealthTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            PythonApp | ready                      | Healthy     | 3 of 3 Pods available
            PythonApp | rolling out                | Progressing | 2 of 3 Pods available, 1 updated
            PythonApp | progress deadline exceeded | Degraded    | did not become available within rollout.progressDeadlineSeconds
            PythonApp | scaled to zero             | Suspended   | replicas is 0
            PythonApp | stale generation           | Progressing | waiting for the operator to observe generation 5
            PythonApp | being deleted              | Progressing | being deleted
            PythonApp | no status yet              | Progressing | waiting for the operator to observe generation 5
            VMPool    | ready                      | Healthy     | 3 of 3 Pods available
            VMPool    | without KubeVirt           | Degraded    | KubeVirt's VirtualMachine CRD
            VMPool    | scaled to zero             | Suspended   | replicas is 0
            VMPool    | being deleted              | Progressing | being deleted
            """)
    void healthFollowsTheStatus(String kind, String situation, String status, String message) {
        ArgoCdHealth.Verdict health = ArgoCdHealth.of(object(kind, situation));
        assertThat(health.status()).isEqualTo(status);
        assertThat(health.message()).contains(message);
    }

    @Test
    void generationsReachTheScriptAsNumbersAsArgoCdPassesThem() {
        // As text, "9" < "10" is false: a harness that passed numbers as strings would call generation 9 of 10
        // current and hide a stale status.
        Map<String, Object> app = Map.of("kind", "PythonApp", "metadata", Map.of("name", "x", "generation", 10L),
                "spec", Map.of("replicas", 1), "status", Map.of("observedGeneration", 9L));
        assertThat(ArgoCdHealth.of(app).message()).contains("generation 10");
        Map<String, Object> observed = Map.of("kind", "PythonApp", "metadata", Map.of("name", "x", "generation", 9L),
                "spec", Map.of("replicas", 1), "status", Map.of("observedGeneration", 10L, "conditions", List.of(
                        Map.of("type", "Ready", "status", "True", "message", "1 of 1 Pods available"))));
        assertThat(ArgoCdHealth.of(observed).status()).isEqualTo("Healthy");
    }

    private static Map<String, Object> object(String kind, String situation) {
        var ready = Map.of("type", "Ready", "status", "True", "message", "3 of 3 Pods available");
        var notReady = Map.of("type", "Ready", "status", "False", "message", "2 of 3 Pods available, 1 updated");
        var notDegraded = Map.of("type", "Degraded", "status", "False", "reason", "AsExpected");
        Map<String, Object> status = switch (situation) {
            case "ready", "scaled to zero", "being deleted" -> Map.of("observedGeneration", 5,
                    "conditions", List.of(ready, notDegraded));
            case "rolling out" -> Map.of("observedGeneration", 5, "conditions", List.of(notReady, notDegraded));
            case "progress deadline exceeded" -> Map.of("observedGeneration", 5, "conditions", List.of(notReady,
                    Map.of("type", "Degraded", "status", "True", "reason", "ProgressDeadlineExceeded",
                            "message", "revision abc did not become available within "
                                    + "rollout.progressDeadlineSeconds (600s)")));
            case "stale generation" -> Map.of("observedGeneration", 4, "conditions", List.of(ready, notDegraded));
            case "without KubeVirt" -> Map.of("observedGeneration", 5, "conditions", List.of(
                    Map.of("type", "KubeVirtAvailable", "status", "False", "message",
                            "KubeVirt's VirtualMachine CRD (virtualmachines.kubevirt.io) is not installed"),
                    notDegraded, Map.of("type", "Ready", "status", "False")));
            default -> null;
        };
        Map<String, Object> metadata = situation.equals("being deleted")
                ? Map.of("name", "x", "generation", 5, "deletionTimestamp", "2026-01-01T00:00:00Z")
                : Map.of("name", "x", "generation", 5);
        Map<String, Object> spec = Map.of("replicas", situation.equals("scaled to zero") ? 0 : 3);
        return status == null ? Map.of("kind", kind, "metadata", metadata, "spec", spec)
                : Map.of("kind", kind, "metadata", metadata, "spec", spec, "status", status);
    }
}
