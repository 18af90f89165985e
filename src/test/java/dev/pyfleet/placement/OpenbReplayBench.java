package dev.pyfleet.placement;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pyfleet.bench.BenchReport;

/**
 * (c) Placement quality on the openb production trace: its pods, in creation order, placed on its 1,523 nodes by
 * the engine under each strategy, and under an emulation of kube-scheduler's default scoring (NodeResourcesFit
 * LeastAllocated + NodeResourcesBalancedAllocation, equal weights), until the first pod that fits nowhere.
 */
class OpenbReplayBench {

    static final long MI = 1024L * 1024;

    record TracePod(String name, long cpu, long memory, long gpus, long created) {
    }

    @Test
    void replayTheTraceUnderEachStrategy() throws IOException {
        Path trace = Path.of(System.getProperty("pyfleet.repo", ".")).toAbsolutePath().resolveSibling("shared")
                .resolve("fixtures/traces/openb");
        assumeTrue(Files.isDirectory(trace), "the openb trace is absent: " + trace);
        List<NodeSnapshot> nodes = readNodes(trace.resolve("openb_node_list_all_node.csv"));
        List<TracePod> pods = readPods(trace.resolve("openb_pod_list_default.csv"));

        StringBuilder table = new StringBuilder("""
                | scoring | pods placed before the first failure | nodes used | fragmentation: free CPU / free GPUs \
                on partly used nodes | first pod that fit nowhere (cpu, mem, gpu) |
                |---|---:|---:|---:|---|
                """);
        for (String scoring : List.of("kube-scheduler default", "Balanced", "BinPack", "Spread", "LoadAware")) {
            table.append(replay(scoring, nodes, pods)).append('\n');
        }
        BenchReport.write("openb", "(c) Placement quality on the openb trace (engine replay)", "make bench",
                table + "\n" + nodes.size() + " nodes, " + pods.size() + " pods in creation order, no departures. "
                        + "A pod's GPUs are its num_gpu (a shared-GPU pod counts one whole GPU). Ties go to the "
                        + "first node name, as the extender breaks them. Fragmentation is the share of the cluster's "
                        + "free CPU (and free GPUs) that sits on nodes already partly used when the first pod fails: "
                        + "lower means free capacity is kept whole, on empty nodes.");
    }

    private static String replay(String scoring, List<NodeSnapshot> initial, List<TracePod> pods) {
        List<NodeSnapshot> nodes = new ArrayList<>(initial);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i).name(), i);
        }
        int placed = 0;
        TracePod failed = null;
        for (TracePod pod : pods) {
            PodRequest request = new PodRequest("openb", pod.name(), new Resources(pod.cpu(), pod.memory(), 1,
                    pod.gpus()), null, scoring.startsWith("kube") ? Strategy.Balanced : Strategy.valueOf(scoring), 0,
                    List.of(), Map.of());
            List<String> fits = PlacementEngine.filter(request, nodes).fits();
            if (fits.isEmpty()) {
                failed = pod;
                break;
            }
            List<NodeSnapshot> candidates = fits.stream().map(n -> nodes.get(index.get(n))).toList();
            Map<String, Double> scores = scoring.startsWith("kube") ? defaultScores(request, candidates)
                    : toDouble(PlacementEngine.scores(request, candidates));
            String best = scores.entrySet().stream().max(Map.Entry.<String, Double>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()))).orElseThrow().getKey();
            int i = index.get(best);
            NodeSnapshot node = nodes.get(i);
            nodes.set(i, new NodeSnapshot(node.name(), node.allocatable(), node.requested().plus(request.request()),
                    Optional.empty(), List.of(), Map.of(), false, Map.of()));
            placed++;
        }
        long used = nodes.stream().filter(n -> n.requested().pods() > 0).count();
        String failure = "none: every pod placed";
        if (failed != null) {
            failure = failed.name() + " (" + failed.cpu() + "m, " + failed.memory() / MI + "Mi, " + failed.gpus()
                    + ")";
        }
        List<NodeSnapshot> partlyUsed = nodes.stream().filter(n -> n.requested().pods() > 0).toList();
        String fragmentation = percent(partlyUsed.stream().mapToLong(n -> n.free().cpuMilli()).sum(),
                nodes.stream().mapToLong(n -> n.free().cpuMilli()).sum()) + " / "
                + percent(partlyUsed.stream().mapToLong(n -> n.free().gpus()).sum(),
                        nodes.stream().mapToLong(n -> n.free().gpus()).sum());
        return "| " + scoring + " | " + placed + " | " + used + " | " + fragmentation + " | " + failure + " |";
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "-" : String.format("%.1f%%", 100.0 * part / whole);
    }

    /** kube-scheduler's defaults: LeastAllocated (free share after placing) + BalancedAllocation (1 - std dev). */
    static Map<String, Double> defaultScores(PodRequest pod, List<NodeSnapshot> nodes) {
        Map<String, Double> scores = new HashMap<>();
        for (NodeSnapshot node : nodes) {
            double cpu = share(node.requested().cpuMilli() + pod.request().cpuMilli(), node.allocatable().cpuMilli());
            double memory = share(node.requested().memoryBytes() + pod.request().memoryBytes(),
                    node.allocatable().memoryBytes());
            double leastAllocated = ((1 - cpu) + (1 - memory)) / 2;
            double balanced = 1 - Math.abs(cpu - memory) / 2;
            scores.put(node.name(), 100 * leastAllocated + 100 * balanced);
        }
        return scores;
    }

    private static double share(long used, long total) {
        return total <= 0 ? 1 : Math.min(1, (double) used / total);
    }

    private static Map<String, Double> toDouble(Map<String, Integer> scores) {
        Map<String, Double> result = new HashMap<>();
        scores.forEach((k, v) -> result.put(k, v.doubleValue()));
        return result;
    }

    static List<NodeSnapshot> readNodes(Path csv) throws IOException {
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
            String[] f = line.split(",", -1);
            nodes.add(new NodeSnapshot(f[0], new Resources(Long.parseLong(f[1]), Long.parseLong(f[2]) * MI, 110,
                    Long.parseLong(f[3])), Resources.NONE, Optional.empty(), List.of(), Map.of(), false, Map.of()));
        }
        return nodes;
    }

    static List<TracePod> readPods(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<TracePod> pods = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            pods.add(new TracePod(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]) * MI, Long.parseLong(f[3]),
                    Long.parseLong(f[8])));
        }
        pods.sort(Comparator.comparingLong(TracePod::created).thenComparing(TracePod::name));
        return pods;
    }
}
