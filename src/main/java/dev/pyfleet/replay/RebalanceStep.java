package dev.pyfleet.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PlacementEngine;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.rebalance.MovablePod;
import dev.pyfleet.rebalance.Objective;
import dev.pyfleet.rebalance.RebalancePlan;
import dev.pyfleet.rebalance.RebalancePlanner;
import dev.pyfleet.rebalance.RebalanceProblem;
import dev.pyfleet.replay.Trace.TracePod;

/**
 * What a rebalance would make of the cluster a replay leaves: every placed pod may move, a GPU pod only to nodes of
 * a model it may use. Beside the planner, the greedy way a descheduler's HighNodeUtilization works, for comparison.
 */
public final class RebalanceStep {

    private RebalanceStep() {
    }

    public static RebalancePlan plan(Trace trace, Replay.Placed placed, Objective objective, int maxMoves,
            Duration timeLimit) {
        return RebalancePlanner.plan(new RebalanceProblem(placed.nodes(), movable(trace, placed), objective,
                maxMoves, timeLimit));
    }

    /** Nodes in use after a greedy drain, and the moves it made. */
    public record Greedy(long nodesUsed, int moves) {
    }

    /**
     * Empties the least-requested nodes first (by CPU share), moving each of their pods to the fullest node that
     * takes it and is not being emptied, while the move budget lasts; a node whose pods cannot all move stays as it
     * is. This is the idea of the descheduler's HighNodeUtilization with a bin-packing scheduler behind it.
     */
    public static Greedy greedyDrain(Trace trace, Replay.Placed placed, int maxMoves) {
        List<MovablePod> pods = movable(trace, placed);
        Map<String, NodeSnapshot> nodes = new HashMap<>();
        placed.nodes().forEach(n -> nodes.put(n.name(), n));
        Map<String, List<MovablePod>> onNode = new HashMap<>();
        pods.forEach(p -> onNode.computeIfAbsent(p.node(), n -> new ArrayList<>()).add(p));
        Set<String> emptied = new HashSet<>();
        int moves = 0;
        List<String> candidates = placed.nodes().stream().filter(n -> n.requested().pods() > 0)
                .sorted(Comparator.comparingDouble(RebalanceStep::cpuShare).thenComparing(NodeSnapshot::name))
                .map(NodeSnapshot::name).toList();
        for (String candidate : candidates) {
            List<MovablePod> leaving = onNode.getOrDefault(candidate, List.of());
            if (leaving.isEmpty() || moves + leaving.size() > maxMoves) {
                continue;
            }
            Map<String, NodeSnapshot> trial = new HashMap<>();
            boolean all = true;
            for (MovablePod pod : leaving) {
                NodeSnapshot target = nodes.values().stream()
                        .filter(n -> !n.name().equals(candidate) && !emptied.contains(n.name()))
                        .map(n -> trial.getOrDefault(n.name(), n))
                        .filter(n -> n.requested().pods() > 0 && takes(pod, n))
                        .max(Comparator.comparingDouble(RebalanceStep::cpuShare).thenComparing(NodeSnapshot::name))
                        .orElse(null);
                if (target == null) {
                    all = false;
                    break;
                }
                trial.put(target.name(), target.withPod(pod.request()));
            }
            if (all) {
                nodes.putAll(trial);
                emptied.add(candidate);
                moves += leaving.size();
            }
        }
        long used = placed.nodes().stream().filter(n -> n.requested().pods() > 0 && !emptied.contains(n.name()))
                .count();
        return new Greedy(used, moves);
    }

    private static boolean takes(MovablePod pod, NodeSnapshot node) {
        return (pod.onlyOn().isEmpty() || pod.onlyOn().contains(node.name()))
                && PlacementEngine.fits(pod.request(), node);
    }

    private static double cpuShare(NodeSnapshot node) {
        return (double) node.requested().cpuMilli() / Math.max(1, node.allocatable().cpuMilli());
    }

    /** Every placed pod of the trace, with the nodes of the GPU models it names (one shared set per list). */
    static List<MovablePod> movable(Trace trace, Replay.Placed placed) {
        Map<List<String>, Set<String>> nodesOfModels = new HashMap<>();
        List<MovablePod> pods = new ArrayList<>();
        for (TracePod pod : trace.pods()) {
            String node = placed.nodeOf().get(pod.name());
            if (node == null) {
                continue;
            }
            Set<String> onlyOn = pod.models().isEmpty() ? Set.of() : nodesOfModels.computeIfAbsent(pod.models(),
                    models -> Set.copyOf(placed.models().entrySet().stream()
                            .filter(e -> models.contains(e.getValue())).map(Map.Entry::getKey).toList()));
            PodRequest request = Replay.requestOf(pod);
            pods.add(new MovablePod(pod.name(), request, node, onlyOn));
        }
        return pods;
    }
}
