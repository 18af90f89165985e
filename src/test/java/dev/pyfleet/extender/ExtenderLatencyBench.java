package dev.pyfleet.extender;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pyfleet.bench.BenchReport;
import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.placement.Resources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * (a) Extender latency for filter + prioritize at 100, 1,000 and 5,000 nodes: the JSON request parsed, the engine
 * run over in-memory snapshots, the JSON answer written; network and the informer cache are not included.
 */
class ExtenderLatencyBench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long GI = 1024L * 1024 * 1024;

    @Test
    void filterAndPrioritizeLatency() throws Exception {
        StringBuilder table = new StringBuilder("""
                | nodes | filter+prioritize p50 | p99 | requests |
                |---:|---:|---:|---:|
                """);
        StringBuilder raw = new StringBuilder("# nodes, then each request's filter+prioritize time in microseconds, sorted\n");
        for (int nodes : new int[] {100, 1000, 5000}) {
            long[] micros = measure(nodes, nodes >= 5000 ? 300 : 1000);
            raw.append(nodes).append(": ").append(Arrays.toString(micros)).append('\n');
            table.append("| ").append(nodes).append(" | ").append(millis(percentile(micros, 50))).append(" | ")
                    .append(millis(percentile(micros, 99))).append(" | ").append(micros.length).append(" |\n");
        }
        BenchReport.write("extender-latency", "(a) Extender latency: filter + prioritize", "make bench",
                table + "\nIn-process: JSON in, placement engine over N in-memory node snapshots (each with 10 "
                        + "pods, 0 to 3 of them of the app being placed), JSON out; one filter and one prioritize "
                        + "call per request, after a warm-up of 1,000 requests. kube-scheduler's own HTTP round trip "
                        + "is not included. Not a comparison, so one run.", raw.toString());
    }

    private static long[] measure(int nodeCount, int requests) throws Exception {
        List<String> names = new ArrayList<>();
        List<NodeSnapshot> snapshots = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            names.add("node-" + i);
            snapshots.add(new NodeSnapshot("node-" + i, new Resources(64_000, 256 * GI, 110, 8),
                    new Resources(1000L * (i % 60), GI * (i % 200), 10, i % 8), Optional.empty(), List.of(),
                    Map.of("zone", "z" + (i % 3)), false, Map.of("bench/app", i % 4)));
        }
        NodeSource source = new NodeSource() {
            @Override
            public List<NodeSnapshot> snapshot(Collection<String> wanted) {
                return snapshots;
            }

            @Override
            public void assume(String podUid, PodRequest pod, String node) {
            }
        };
        Extender extender = new Extender(source, new ExtenderMetrics(new SimpleMeterRegistry()));
        String request = JSON.writeValueAsString(Map.of(
                "Pod", Map.of("metadata", Map.of("name", "p", "namespace", "bench", "uid", "u",
                        "labels", Map.of("app.kubernetes.io/managed-by", "pyfleet", "pyfleet.dev/app", "app"),
                        "annotations", Map.of("pyfleet.dev/placement-strategy", "Spread")),
                        "spec", Map.of("containers", List.of(Map.of("name", "app", "image", "i",
                                "resources", Map.of("requests", Map.of("cpu", "500m", "memory", "1Gi")))))),
                "NodeNames", names));
        for (int i = 0; i < 1000; i++) {
            once(extender, request);
        }
        long[] micros = new long[requests];
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            once(extender, request);
            micros[i] = (System.nanoTime() - start) / 1000;
        }
        Arrays.sort(micros);
        return micros;
    }

    private static void once(Extender extender, String request) throws Exception {
        ExtenderProtocol.Args args = JSON.readValue(request, ExtenderProtocol.Args.class);
        JSON.writeValueAsString(extender.filter(args));
        JSON.writeValueAsString(extender.prioritize(args));
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static String millis(long micros) {
        return String.format("%.2f ms", micros / 1000.0);
    }
}
