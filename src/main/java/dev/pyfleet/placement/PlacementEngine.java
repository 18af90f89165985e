package dev.pyfleet.placement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Placement as a pure function of a pod and a node snapshot: which nodes can take the pod (with a reason for every
 * other node) and how good each is, from 0 to 10. Each node is judged on its own, except for Spread, which compares
 * a node with the most loaded candidate; nothing depends on the order the nodes come in.
 */
public final class PlacementEngine {

    public static final int MAX_SCORE = 10;

    private PlacementEngine() {
    }

    public static FilterResult filter(PodRequest pod, List<NodeSnapshot> nodes) {
        List<String> fits = new ArrayList<>();
        Map<String, Rejection> rejected = new LinkedHashMap<>();
        for (NodeSnapshot node : nodes) {
            reject(pod, node).ifPresentOrElse(r -> rejected.put(node.name(), r), () -> fits.add(node.name()));
        }
        return new FilterResult(fits, rejected);
    }

    /** The first reason the node cannot take the pod, checked from the cheapest to the most specific. */
    static Optional<Rejection> reject(PodRequest pod, NodeSnapshot node) {
        if (node.unschedulable()) {
            return Optional.of(new Rejection(Rejection.Reason.Unschedulable, "node is cordoned (unschedulable)"));
        }
        for (var wanted : pod.nodeSelector().entrySet()) {
            if (!wanted.getValue().equals(node.labels().get(wanted.getKey()))) {
                return Optional.of(new Rejection(Rejection.Reason.NodeSelector,
                        "node does not have label " + wanted.getKey() + "=" + wanted.getValue()));
            }
        }
        for (Taint taint : node.taints()) {
            if (taint.repels() && pod.tolerations().stream().noneMatch(t -> t.tolerates(taint))) {
                return Optional.of(new Rejection(Rejection.Reason.Taint, "untolerated taint " + taint));
            }
        }
        Resources free = node.free();
        Resources need = pod.request();
        if (free.pods() < 1) {
            return Optional.of(new Rejection(Rejection.Reason.TooManyPods,
                    "too many pods (" + node.allocatable().pods() + " allowed)"));
        }
        if (need.cpuMilli() > free.cpuMilli()) {
            return Optional.of(new Rejection(Rejection.Reason.InsufficientCpu, "insufficient cpu: needs "
                    + need.cpuMilli() + "m, " + Math.max(0, free.cpuMilli()) + "m free of "
                    + node.allocatable().cpuMilli() + "m"));
        }
        if (need.memoryBytes() > free.memoryBytes()) {
            return Optional.of(new Rejection(Rejection.Reason.InsufficientMemory, "insufficient memory: needs "
                    + mebibytes(need.memoryBytes()) + ", " + mebibytes(Math.max(0, free.memoryBytes()))
                    + " free of " + mebibytes(node.allocatable().memoryBytes())));
        }
        if (need.gpus() > free.gpus()) {
            return Optional.of(new Rejection(Rejection.Reason.InsufficientGpu, "insufficient nvidia.com/gpu: needs "
                    + need.gpus() + ", " + Math.max(0, free.gpus()) + " free"));
        }
        if (pod.maxPerNode() > 0 && node.podsOf(pod.app()) >= pod.maxPerNode()) {
            return Optional.of(new Rejection(Rejection.Reason.MaxPerNode, "already runs " + node.podsOf(pod.app())
                    + " pods of " + pod.app() + " (placement.maxPerNode " + pod.maxPerNode() + ")"));
        }
        return Optional.empty();
    }

    /** Scores from 0 to 10 for the given nodes (which should have passed the filter), by the pod's strategy. */
    public static Map<String, Integer> scores(PodRequest pod, List<NodeSnapshot> nodes) {
        int mostOfApp = nodes.stream().mapToInt(n -> n.podsOf(pod.app())).max().orElse(0);
        Map<String, Integer> scores = new LinkedHashMap<>();
        for (NodeSnapshot node : nodes) {
            double score = switch (pod.strategy()) {
                case Balanced -> 1 - Math.abs(cpuAfter(pod, node) - memoryAfter(pod, node));
                case BinPack -> (cpuAfter(pod, node) + memoryAfter(pod, node)) / 2;
                case Spread -> mostOfApp == 0 ? 1 : (mostOfApp - node.podsOf(pod.app())) / (double) mostOfApp;
                case LoadAware -> 1 - loadAfter(pod, node);
            };
            scores.put(node.name(), (int) Math.round(MAX_SCORE * Math.max(0, Math.min(1, score))));
        }
        return scores;
    }

    private static double cpuAfter(PodRequest pod, NodeSnapshot node) {
        return fraction(node.requested().cpuMilli() + pod.request().cpuMilli(), node.allocatable().cpuMilli());
    }

    private static double memoryAfter(PodRequest pod, NodeSnapshot node) {
        return fraction(node.requested().memoryBytes() + pod.request().memoryBytes(),
                node.allocatable().memoryBytes());
    }

    /** Measured usage where known (requests where not), plus the pod; the busier of CPU and memory counts. */
    private static double loadAfter(PodRequest pod, NodeSnapshot node) {
        Resources used = node.usage().orElse(node.requested());
        return Math.max(fraction(used.cpuMilli() + pod.request().cpuMilli(), node.allocatable().cpuMilli()),
                fraction(used.memoryBytes() + pod.request().memoryBytes(), node.allocatable().memoryBytes()));
    }

    private static double fraction(long used, long total) {
        return total <= 0 ? 1 : Math.min(1, (double) used / total);
    }

    private static String mebibytes(long bytes) {
        return (bytes / (1024 * 1024)) + "Mi";
    }
}
