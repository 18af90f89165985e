package dev.pyfleet.rebalance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PlacementEngine;

/**
 * Fewer nodes the way a descheduler's HighNodeUtilization gets there with a bin-packing scheduler behind it: empty
 * the least-requested nodes first (by CPU share), moving each of their Pods to the fullest node in use that takes it
 * and is not being emptied, while the move budget lasts; a node whose Pods cannot all move, or that runs a Pod out
 * of scope, stays as it is. No proof of anything, but fast, and where it goes the planner starts from.
 */
public final class GreedyDrain {

    private GreedyDrain() {
    }

    /** The greedy plan for {@link Objective#FewestNodes}, with the same bound the planner would report. */
    public static RebalancePlan plan(RebalanceProblem problem) {
        FleetModel fleet = FleetModel.of(problem);
        long now = fleet.objectiveNow(Objective.FewestNodes);
        if (fleet.invalid().isPresent()) {
            return RebalancePlan.none(now, fleet.invalid().get());
        }
        int budget = Math.max(0, Math.min(problem.maxMoves(), problem.pods().size()));
        List<Move> moves = moves(problem.nodes(), problem.pods(), budget);
        List<String> freed = freedBy(problem, moves);
        long planned = now - freed.size();
        return new RebalancePlan(RebalancePlan.Outcome.Feasible, now, planned,
                Math.min(planned, fleet.bound(Objective.FewestNodes, budget)), moves, freed,
                "%d moves of at most %d, greedy".formatted(moves.size(), budget));
    }

    static List<Move> moves(List<NodeSnapshot> nodeList, List<MovablePod> pods, int budget) {
        Map<String, NodeSnapshot> nodes = new LinkedHashMap<>();
        nodeList.forEach(n -> nodes.put(n.name(), n));
        Map<String, List<MovablePod>> onNode = new HashMap<>();
        pods.stream().sorted(Comparator.comparing(MovablePod::id))
                .forEach(p -> onNode.computeIfAbsent(p.node(), n -> new ArrayList<>()).add(p));
        Set<String> emptied = new HashSet<>();
        List<Move> moves = new ArrayList<>();
        List<String> candidates = nodeList.stream().filter(n -> n.requested().pods() > 0)
                .sorted(Comparator.comparingDouble(GreedyDrain::cpuShare).thenComparing(NodeSnapshot::name))
                .map(NodeSnapshot::name).toList();
        for (String candidate : candidates) {
            List<MovablePod> leaving = onNode.getOrDefault(candidate, List.of());
            if (leaving.isEmpty() || leaving.size() < nodes.get(candidate).requested().pods()
                    || moves.size() + leaving.size() > budget) {
                continue;
            }
            Map<String, NodeSnapshot> trial = new HashMap<>();
            List<Move> these = new ArrayList<>();
            for (MovablePod pod : leaving) {
                NodeSnapshot target = nodes.values().stream()
                        .filter(n -> !n.name().equals(candidate) && !emptied.contains(n.name()))
                        .map(n -> trial.getOrDefault(n.name(), n))
                        .filter(n -> n.requested().pods() > 0 && takes(pod, n))
                        .max(Comparator.comparingDouble(GreedyDrain::cpuShare).thenComparing(NodeSnapshot::name))
                        .orElse(null);
                if (target == null) {
                    break;
                }
                trial.put(target.name(), target.withPod(pod.request()));
                these.add(new Move(pod.id(), candidate, target.name()));
            }
            if (these.size() == leaving.size()) {
                nodes.putAll(trial);
                emptied.add(candidate);
                moves.addAll(these);
            }
        }
        moves.sort(Comparator.comparing(Move::pod));
        return moves;
    }

    /** Nodes that run a movable Pod now, nothing out of scope, and nothing once the moves are made. */
    static List<String> freedBy(RebalanceProblem problem, List<Move> moves) {
        Map<String, Long> left = new HashMap<>();
        problem.nodes().forEach(n -> left.put(n.name(), n.requested().pods()));
        moves.forEach(m -> {
            left.merge(m.from(), -1L, Long::sum);
            left.merge(m.to(), 1L, Long::sum);
        });
        Set<String> hadMovable = new HashSet<>();
        problem.pods().forEach(p -> hadMovable.add(p.node()));
        return problem.nodes().stream().map(NodeSnapshot::name)
                .filter(n -> hadMovable.contains(n) && left.get(n) <= 0).sorted().toList();
    }

    static boolean takes(MovablePod pod, NodeSnapshot node) {
        return (pod.onlyOn().isEmpty() || pod.onlyOn().contains(node.name()))
                && PlacementEngine.fits(pod.request(), node);
    }

    static double cpuShare(NodeSnapshot node) {
        return (double) node.requested().cpuMilli() / Math.max(1, node.allocatable().cpuMilli());
    }
}
