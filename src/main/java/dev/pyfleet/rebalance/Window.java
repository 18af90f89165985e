package dev.pyfleet.rebalance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.Resources;

/**
 * The part of a large fleet a fewest-nodes plan is solved over, small enough for the solver to finish on two cores.
 * Sources are the nodes that may be emptied: those a starting plan empties, then those cheapest to empty (fewest
 * Pods, then lowest CPU share), up to about twice the move budget in Pods. Only their Pods may move: to where the
 * starting plan sends them, or to one of two short lists of nodes that take their kind with the least room to
 * spare, one among the sources and one among the other nodes in use. Every node outside the window keeps what it
 * runs.
 */
final class Window {

    /** Nodes that may be emptied beyond those the starting plan empties. */
    static final int MORE_SOURCES = 200;
    /** Nodes of each of the two lists a kind of Pod may move to. */
    static final int TARGETS_PER_KIND = 16;

    private Window() {
    }

    /** The part of {@code problem} around {@code start}'s emptied nodes, as a problem of its own. */
    static RebalanceProblem around(RebalanceProblem problem, List<Move> start, int budget) {
        Map<String, NodeSnapshot> nodes = new LinkedHashMap<>();
        problem.nodes().forEach(n -> nodes.put(n.name(), n));
        Map<String, List<MovablePod>> onNode = new HashMap<>();
        problem.pods().forEach(p -> onNode.computeIfAbsent(p.node(), n -> new ArrayList<>()).add(p));
        Set<String> sources = sources(problem, start, budget, onNode);

        Map<FleetModel.Shape, List<MovablePod>> shapes = new LinkedHashMap<>();
        sources.forEach(n -> onNode.get(n).forEach(p -> shapes.computeIfAbsent(FleetModel.Shape.of(p),
                s -> new ArrayList<>()).add(p)));
        Map<String, String> targetOf = new HashMap<>();
        start.forEach(m -> targetOf.put(m.pod(), m.to()));
        Set<String> inWindow = new LinkedHashSet<>(sources);
        List<NodeSnapshot> inside = sources.stream().map(nodes::get).toList();
        List<NodeSnapshot> outside = nodes.values().stream().filter(n -> !sources.contains(n.name())).toList();
        List<MovablePod> pods = new ArrayList<>();
        shapes.forEach((shape, members) -> {
            Set<String> allowed = new HashSet<>(targets(members.get(0), inside));
            allowed.addAll(targets(members.get(0), outside));
            members.forEach(p -> allowed.add(targetOf.getOrDefault(p.id(), p.node())));
            if (!shape.onlyOn().isEmpty()) {
                allowed.retainAll(shape.onlyOn());
                members.forEach(p -> allowed.add(p.node()));
            }
            inWindow.addAll(allowed);
            Set<String> onlyOn = Set.copyOf(allowed);
            members.forEach(p -> pods.add(new MovablePod(p.id(), p.request(), p.node(), onlyOn)));
        });
        return new RebalanceProblem(inWindow.stream().map(nodes::get).toList(), pods, problem.objective(), budget,
                problem.timeLimit(), problem.solverMemoryMib());
    }

    private static Set<String> sources(RebalanceProblem problem, List<Move> start, int budget,
            Map<String, List<MovablePod>> onNode) {
        Set<String> sources = new LinkedHashSet<>();
        start.forEach(m -> sources.add(m.from()));
        long pods = sources.stream().mapToLong(n -> onNode.get(n).size()).sum();
        List<NodeSnapshot> cheapest = problem.nodes().stream()
                .filter(n -> emptiable(n, onNode) && !sources.contains(n.name()))
                .sorted(Comparator.comparingLong((NodeSnapshot n) -> n.requested().pods())
                        .thenComparingDouble(GreedyDrain::cpuShare).thenComparing(NodeSnapshot::name))
                .toList();
        int more = 0;
        for (NodeSnapshot node : cheapest) {
            long here = node.requested().pods();
            if (more >= MORE_SOURCES || pods + here > 2L * budget) {
                break;
            }
            sources.add(node.name());
            pods += here;
            more++;
        }
        return sources;
    }

    /** A node in use whose every Pod may move. */
    private static boolean emptiable(NodeSnapshot node, Map<String, List<MovablePod>> onNode) {
        long pods = node.requested().pods();
        return pods > 0 && onNode.getOrDefault(node.name(), List.of()).size() == pods;
    }

    /** The nodes in use that take the Pod now and would have the least room left once it came. */
    private static List<String> targets(MovablePod pod, List<NodeSnapshot> nodes) {
        Resources need = pod.request().request();
        List<NodeSnapshot> fitting = new ArrayList<>();
        for (NodeSnapshot node : nodes) {
            if (node.requested().pods() > 0 && GreedyDrain.takes(pod, node)) {
                fitting.add(node);
            }
        }
        return fitting.stream().sorted(Comparator.comparingDouble((NodeSnapshot n) -> roomLeft(n, need))
                .thenComparing(NodeSnapshot::name)).limit(TARGETS_PER_KIND).map(NodeSnapshot::name).toList();
    }

    /** The smaller of the CPU and memory shares the node would have free with {@code need} placed on it. */
    private static double roomLeft(NodeSnapshot node, Resources need) {
        Resources free = node.free().minus(need);
        double cpu = (double) free.cpuMilli() / Math.max(1, node.allocatable().cpuMilli());
        double memory = (double) free.memoryBytes() / Math.max(1, node.allocatable().memoryBytes());
        return Math.min(cpu, memory);
    }
}
