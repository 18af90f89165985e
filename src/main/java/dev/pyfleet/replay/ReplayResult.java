package dev.pyfleet.replay;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.replay.Trace.TracePod;

/**
 * What one policy made of a trace.
 *
 * @param firstFailure the first pod that fit nowhere, with its requests; null when every pod was placed
 * @param cpuCv coefficient of variation (standard deviation / mean) of the CPU share requested, over used nodes
 * @param gpusStranded free GPUs on used nodes that the trace's GPU pods could not use there, weighted by how common
 *         each pod shape is: a GPU counts fully when no GPU pod of the trace fits beside it (too little CPU or
 *         memory left on its node, or too few GPUs together), and not at all when every one would
 * @param busiestCpu the highest CPU share requested on any node
 * @param gpusAllocated GPUs taken by the placed pods
 * @param microsPerDecision filter and choice, per pod
 * @param placedByGpus pods placed, by how many GPUs each asked for
 */
public record ReplayResult(String policy, int pods, int placed, int failures, String firstFailure, int nodesUsed,
        double cpuCv, double memoryCv, double busiestCpu, long gpusAllocated, double gpusStranded,
        double microsPerDecision, Map<Long, Long> placedByGpus) {

    private static final long MI = 1024L * 1024;

    static ReplayResult of(String policy, Trace trace, List<NodeSnapshot> nodes, Map<String, String> models,
            int placed, List<TracePod> failed, double micros) {
        List<NodeSnapshot> used = nodes.stream().filter(n -> n.requested().pods() > 0).toList();
        String first = failed.isEmpty() ? null : describe(failed.get(0));
        return new ReplayResult(policy, trace.pods().size(), placed, failed.size(), first, used.size(),
                cv(used, true), cv(used, false),
                nodes.stream().mapToDouble(n -> (double) n.requested().cpuMilli() / n.allocatable().cpuMilli()).max()
                        .orElse(0),
                nodes.stream().mapToLong(n -> n.requested().gpus()).sum(), stranded(trace, used, models), micros,
                byGpus(trace, failed));
    }

    private static Map<Long, Long> byGpus(Trace trace, List<TracePod> failed) {
        java.util.Set<TracePod> notPlaced = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        notPlaced.addAll(failed);
        Map<Long, Long> placed = new java.util.TreeMap<>();
        trace.pods().stream().filter(p -> !notPlaced.contains(p)).forEach(p -> placed.merge(p.gpus(), 1L, Long::sum));
        return placed;
    }

    private static String describe(TracePod pod) {
        return pod.name() + " (" + pod.cpuMilli() + "m, " + pod.memoryBytes() / MI + "Mi, " + pod.gpus() + " GPU)";
    }

    private static double cv(List<NodeSnapshot> nodes, boolean cpu) {
        if (nodes.isEmpty()) {
            return 0;
        }
        double[] shares = nodes.stream().mapToDouble(n -> cpu
                ? (double) n.requested().cpuMilli() / n.allocatable().cpuMilli()
                : (double) n.requested().memoryBytes() / n.allocatable().memoryBytes()).toArray();
        double mean = java.util.Arrays.stream(shares).average().orElse(0);
        double variance = java.util.Arrays.stream(shares).map(s -> (s - mean) * (s - mean)).average().orElse(0);
        return mean == 0 ? 0 : Math.sqrt(variance) / mean;
    }

    /** Shapes of the trace's GPU pods, weighted by how often each occurs. */
    private static double stranded(Trace trace, List<NodeSnapshot> used, Map<String, String> models) {
        Map<TracePod, Integer> shapes = new HashMap<>();
        int gpuPods = 0;
        for (TracePod pod : trace.pods()) {
            if (pod.gpus() > 0) {
                shapes.merge(new TracePod("", pod.cpuMilli(), pod.memoryBytes(), pod.gpus(), pod.models(), 0), 1,
                        Integer::sum);
                gpuPods++;
            }
        }
        double stranded = 0;
        for (NodeSnapshot node : used) {
            long freeGpus = node.free().gpus();
            if (freeGpus <= 0 || gpuPods == 0) {
                continue;
            }
            int unusable = 0;
            for (var shape : shapes.entrySet()) {
                TracePod s = shape.getKey();
                boolean fits = s.cpuMilli() <= node.free().cpuMilli() && s.memoryBytes() <= node.free().memoryBytes()
                        && s.gpus() <= freeGpus
                        && (s.models().isEmpty() || s.models().contains(models.get(node.name())));
                if (!fits) {
                    unusable += shape.getValue();
                }
            }
            stranded += freeGpus * (double) unusable / gpuPods;
        }
        return stranded;
    }
}
