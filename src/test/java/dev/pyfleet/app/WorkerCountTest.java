package dev.pyfleet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

class WorkerCountTest {

    @ParameterizedTest(name = "workers {0}, requests cpu {1} memory {2}, limits cpu {3} memory {4} -> {5}")
    @CsvSource(nullValues = "-", value = {
            "4, -, -, -, -, 4",          // explicit count wins
            "0, -, -, -, -, 3",          // nothing declared: one core assumed
            "0, 500m, -, -, -, 2",       // 2 x 0.5 + 1
            "0, 2, -, -, -, 5",
            "0, 1750m, -, -, -, 4",      // 4.5 rounds down
            "0, 4, 383Mi, -, -, 2",      // 383Mi holds two whole 128Mi (binary) workers, not three
            "0, 1, -, 4, -, 9",          // the limit counts before the request
            "0, 4, 256Mi, -, -, 2",      // memory caps: 256Mi / 128Mi
            "0, 4, -, -, 1Gi, 8",
            "0, 100m, 64Mi, -, -, 1",    // never below one
            "0, 32, 64Gi, -, -, 16"})    // never above sixteen
    void workersFollowTheDocumentedRule(int requested, String cpuRequest, String memoryRequest, String cpuLimit,
            String memoryLimit, int expected) {
        var resources = new ResourceRequirements(null, quantities(cpuLimit, memoryLimit),
                quantities(cpuRequest, memoryRequest));
        assertThat(WorkerCount.of(requested, resources)).isEqualTo(expected);
    }

    private static Map<String, Quantity> quantities(String cpu, String memory) {
        Map<String, Quantity> map = new HashMap<>();
        if (cpu != null) {
            map.put("cpu", new Quantity(cpu));
        }
        if (memory != null) {
            map.put("memory", new Quantity(memory));
        }
        return map;
    }
}
