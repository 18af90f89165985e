package dev.pyfleet.placement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Placement as a pure function of a pod and a node snapshot: which nodes can take the pod (with a reason for every
 * other node) and their ranking, best first, in full precision. Nothing depends on the order the nodes come in; the
 * 0-10 scores of the scheduler's wire format are derived from the ranking at the HTTP edge, not here.
 */
public final class PlacementEngine {

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

    /** Whether the node can take the pod: {@link #filter} for one node, without building the reason. */
    public static boolean fits(PodRequest pod, NodeSnapshot node) {
        return reason(pod, node) == null;
    }

    /** The first reason the node cannot take the pod, checked from the cheapest to the most specific. */
    static Optional<Rejection> reject(PodRequest pod, NodeSnapshot node) {
        Rejection.Reason reason = reason(pod, node);
        return reason == null ? Optional.empty() : Optional.of(new Rejection(reason, message(reason, pod, node)));
    }

    private static Rejection.Reason reason(PodRequest pod, NodeSnapshot node) {
        if (node.unschedulable()) {
            return Rejection.Reason.Unschedulable;
        }
        for (var wanted : pod.nodeSelector().entrySet()) {
            if (!wanted.getValue().equals(node.labels().get(wanted.getKey()))) {
                return Rejection.Reason.NodeSelector;
            }
        }
        if (untolerated(pod, node) != null) {
            return Rejection.Reason.Taint;
        }
        Resources free = node.free();
        Resources need = pod.request();
        if (free.pods() < 1) {
            return Rejection.Reason.TooManyPods;
        }
        if (need.cpuMilli() > free.cpuMilli()) {
            return Rejection.Reason.InsufficientCpu;
        }
        if (need.memoryBytes() > free.memoryBytes()) {
            return Rejection.Reason.InsufficientMemory;
        }
        if (need.gpus() > free.gpus()) {
            return Rejection.Reason.InsufficientGpu;
        }
        // As kube-scheduler counts it: only a pod that asks for ephemeral storage can be refused for the lack of it.
        if (need.ephemeralBytes() > 0 && need.ephemeralBytes() > free.ephemeralBytes()) {
            return Rejection.Reason.InsufficientEphemeralStorage;
        }
        if (pod.maxPerNode() > 0 && node.podsOf(pod.app()) >= pod.maxPerNode()) {
            return Rejection.Reason.MaxPerNode;
        }
        return null;
    }

    private static Taint untolerated(PodRequest pod, NodeSnapshot node) {
        for (Taint taint : node.taints()) {
            if (taint.repels() && pod.tolerations().stream().noneMatch(t -> t.tolerates(taint))) {
                return taint;
            }
        }
        return null;
    }

    private static String message(Rejection.Reason reason, PodRequest pod, NodeSnapshot node) {
        Resources free = node.free();
        Resources need = pod.request();
        return switch (reason) {
            case Unschedulable -> "node is cordoned (unschedulable)";
            case NodeSelector -> pod.nodeSelector().entrySet().stream()
                    .filter(w -> !w.getValue().equals(node.labels().get(w.getKey())))
                    .map(w -> "node does not have label " + w.getKey() + "=" + w.getValue()).findFirst().orElseThrow();
            case Taint -> "untolerated taint " + untolerated(pod, node);
            case TooManyPods -> "too many pods (" + node.allocatable().pods() + " allowed)";
            case InsufficientCpu -> "insufficient cpu: needs " + need.cpuMilli() + "m, "
                    + Math.max(0, free.cpuMilli()) + "m free of " + node.allocatable().cpuMilli() + "m";
            case InsufficientMemory -> "insufficient memory: needs " + mebibytes(need.memoryBytes()) + ", "
                    + mebibytes(Math.max(0, free.memoryBytes())) + " free of "
                    + mebibytes(node.allocatable().memoryBytes());
            case InsufficientGpu -> "insufficient nvidia.com/gpu: needs " + need.gpus() + ", "
                    + Math.max(0, free.gpus()) + " free";
            case InsufficientEphemeralStorage -> "insufficient ephemeral-storage: needs "
                    + mebibytes(need.ephemeralBytes()) + ", " + mebibytes(Math.max(0, free.ephemeralBytes()))
                    + " free of " + mebibytes(node.allocatable().ephemeralBytes());
            case MaxPerNode -> "already runs " + node.podsOf(pod.app()) + " pods of " + pod.app()
                    + " (placement.maxPerNode " + pod.maxPerNode() + ")";
        };
    }

    /**
     * The given nodes (which should have passed the filter), best first, ranked in full precision by the pod's
     * strategy; equal nodes are ordered by {@link TieBreak}, never by name or by the order they came in.
     */
    public static List<RankedNode> rank(PodRequest pod, List<NodeSnapshot> nodes) {
        Candidates candidates = Candidates.of(pod, nodes);
        NodeScorer scorer = scorer(pod.strategy());
        List<RankedNode> ranking = new ArrayList<>(nodes.size());
        long seed = TieBreak.seed(pod);
        for (NodeSnapshot node : nodes) {
            ranking.add(new RankedNode(node.name(), scorer.keys(pod, node, candidates),
                    TieBreak.of(seed, node.name())));
        }
        ranking.sort(RankedNode.BEST_FIRST);
        return ranking;
    }

    /** The first node of {@link #rank}, found without sorting: what a scheduler needs when it places one pod. */
    public static String best(PodRequest pod, List<NodeSnapshot> nodes) {
        Candidates candidates = Candidates.of(pod, nodes);
        NodeScorer scorer = scorer(pod.strategy());
        RankedNode best = null;
        long seed = TieBreak.seed(pod);
        for (NodeSnapshot node : nodes) {
            RankedNode ranked = new RankedNode(node.name(), scorer.keys(pod, node, candidates),
                    TieBreak.of(seed, node.name()));
            if (best == null || RankedNode.BEST_FIRST.compare(ranked, best) < 0) {
                best = ranked;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no nodes to choose from");
        }
        return best.node();
    }

    /** For people: what the pod's strategy sees in each of the given nodes, e.g. "in use, cpu 82% after placing". */
    public static Map<String, String> explain(PodRequest pod, List<NodeSnapshot> nodes) {
        Candidates candidates = Candidates.of(pod, nodes);
        NodeScorer scorer = scorer(pod.strategy());
        Map<String, String> why = new LinkedHashMap<>();
        for (NodeSnapshot node : nodes) {
            String gpu = candidates.wastesGpus(pod, node) ? "kept for pods that need GPUs; " : "";
            why.put(node.name(), gpu + scorer.why(pod, node, candidates));
        }
        return why;
    }

    static NodeScorer scorer(Strategy strategy) {
        return switch (strategy) {
            case Balanced -> BALANCED;
            case BinPack -> BIN_PACK;
            case Spread -> SPREAD;
            case LoadAware -> LOAD_AWARE;
        };
    }

    private static final NodeScorer BALANCED = new BalancedScorer();
    private static final NodeScorer BIN_PACK = new BinPackScorer();
    private static final NodeScorer SPREAD = new SpreadScorer();
    private static final NodeScorer LOAD_AWARE = new LoadAwareScorer();

    private static String mebibytes(long bytes) {
        return (bytes / (1024 * 1024)) + "Mi";
    }
}
