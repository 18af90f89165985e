package dev.pyfleet.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The Argo CD health check shipped in deploy/argocd/, run by a Lua interpreter against fixture objects. */
class ArgoCdHealthTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final String KEY = "resource.customizations.health.pyfleet.dev_*";

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
    void healthFollowsTheStatus(String kind, String situation, String status, String message) throws IOException {
        LuaTable health = run(kind, object(kind, situation));
        assertThat(health.get("status").tojstring()).isEqualTo(status);
        assertThat(health.get("message").tojstring()).contains(message);
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

    private static LuaTable run(String kind, Map<String, Object> object) throws IOException {
        Path configMap = Path.of(System.getProperty("pyfleet.repo", "."))
                .resolve("deploy/argocd/argocd-cm-pyfleet.yaml");
        @SuppressWarnings("unchecked")
        Map<String, String> data = (Map<String, String>) YAML.readValue(Files.readString(configMap), Map.class)
                .get("data");
        assertThat(data).containsKey(KEY);
        Globals globals = JsePlatform.standardGlobals();
        globals.set("obj", toLua(object));
        return globals.load(data.get(KEY), kind + "-health").call().checktable();
    }

    @SuppressWarnings("unchecked")
    private static LuaValue toLua(Object value) {
        if (value instanceof Map<?, ?> map) {
            LuaTable table = new LuaTable();
            ((Map<String, Object>) map).forEach((k, v) -> table.set(k, toLua(v)));
            return table;
        }
        if (value instanceof List<?> list) {
            LuaTable table = new LuaTable();
            for (int i = 0; i < list.size(); i++) {
                table.set(i + 1, toLua(list.get(i)));
            }
            return table;
        }
        if (value instanceof Integer number) {
            return LuaValue.valueOf(number);
        }
        return value == null ? LuaValue.NIL : LuaValue.valueOf(value.toString());
    }
}
