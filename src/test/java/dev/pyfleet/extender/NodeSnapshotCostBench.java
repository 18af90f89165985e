package dev.pyfleet.extender;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pyfleet.bench.BenchReport;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * What one extender request spends on node snapshots, side by side in one run: summing every pod on every candidate
 * node (as the extender did) against reading the totals NodeTotals keeps from pod events, at 100, 1,000 and 5,000
 * candidate nodes with 30 pods each.
 */
class NodeSnapshotCostBench {

    static final int PODS_PER_NODE = 30;

    @Test
    void snapshotsFromKeptTotalsAgainstSummingPods() {
        StringBuilder table = new StringBuilder("""
                | candidate nodes | summing pods p50 | p99 | kept totals p50 | p99 | ratio (p50) |
                |---:|---:|---:|---:|---:|---:|
                """);
        StringBuilder raw = new StringBuilder("# nodes: summing p50/p99 us, totals p50/p99 us\n");
        for (int count : new int[] {100, 1000, 5000}) {
            List<Node> nodes = new ArrayList<>();
            List<List<Pod>> pods = new ArrayList<>();
            NodeTotals totals = new NodeTotals();
            for (int n = 0; n < count; n++) {
                nodes.add(new NodeBuilder().withNewMetadata().withName("node-" + n).endMetadata().withNewStatus()
                        .addToAllocatable("cpu", new Quantity("64")).addToAllocatable("memory", new Quantity("256Gi"))
                        .addToAllocatable("pods", new Quantity("110")).endStatus().build());
                List<Pod> here = new ArrayList<>();
                for (int p = 0; p < PODS_PER_NODE; p++) {
                    Pod pod = new PodBuilder().withNewMetadata().withName("p-" + n + "-" + p).withNamespace("demo")
                            .withUid(n + "-" + p).addToLabels("app.kubernetes.io/managed-by", "pyfleet")
                            .addToLabels("pyfleet.dev/app", "app-" + (p % 7)).endMetadata()
                            .withNewSpec().withNodeName("node-" + n).addNewContainer().withName("c")
                            .withNewResources().addToRequests("cpu", new Quantity((100 + p) + "m"))
                            .addToRequests("memory", new Quantity((64 + p) + "Mi")).endResources().endContainer()
                            .endSpec().withNewStatus().withPhase("Running").endStatus().build();
                    here.add(pod);
                    totals.put(pod);
                }
                pods.add(here);
            }
            int requests = count >= 5000 ? 40 : 200;
            long[] summing = measure(requests, () -> {
                for (int n = 0; n < count; n++) {
                    NodeSnapshots.of(nodes.get(n), pods.get(n), List.of(), Optional.empty());
                }
            });
            long[] kept = measure(requests, () -> {
                for (int n = 0; n < count; n++) {
                    NodeSnapshots.of(nodes.get(n), totals.of("node-" + n), List.of(), Optional.empty());
                }
            });
            table.append("| %d | %s | %s | %s | %s | %.1fx |%n".formatted(count, ms(summing, 50), ms(summing, 99),
                    ms(kept, 50), ms(kept, 99), (double) pct(summing, 50) / Math.max(1, pct(kept, 50))));
            raw.append("%d: %d/%d, %d/%d%n".formatted(count, pct(summing, 50), pct(summing, 99), pct(kept, 50),
                    pct(kept, 99)));
        }
        BenchReport.write("node-snapshot-cost", "Extender: node snapshots per request, summed pods vs kept totals",
                "make bench", table + "\nIn-process, one request = a snapshot of every candidate node (" + PODS_PER_NODE
                        + " Running pods each, 7 apps), after a warm-up; the same nodes and pods for both columns, "
                        + "in one run. The totals are what the pod informer's events keep (NodeTotals); the "
                        + "extender's HTTP and the placement engine are not included.", raw.toString());
    }

    private static long[] measure(int requests, Runnable request) {
        for (int i = 0; i < Math.max(20, requests / 5); i++) {
            request.run();
        }
        long[] micros = new long[requests];
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            request.run();
            micros[i] = (System.nanoTime() - start) / 1000;
        }
        Arrays.sort(micros);
        return micros;
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static String ms(long[] sorted, int p) {
        return "%.2f ms".formatted(pct(sorted, p) / 1000.0);
    }
}
