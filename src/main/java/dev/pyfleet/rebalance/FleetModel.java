package dev.pyfleet.rebalance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PlacementEngine;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.placement.Resources;
import dev.pyfleet.placement.Toleration;

/**
 * The numbers a rebalance is planned over, with no solver in sight: the nodes, the movable Pods grouped into kinds
 * (same size, same constraints), how many of each kind run on each node now, and what the Pods out of scope hold on
 * each node. It also turns a solution (Pods of each kind per node) back into moves of named Pods.
 */
final class FleetModel {

    private static final long MIB = 1L << 20;

    /** Interchangeable Pods: the same request and the same placement constraints. */
    static final class Kind {

        private final PodRequest request;
        private final long[] size;
        private final java.util.Set<String> onlyOn;
        private final List<MovablePod> pods = new ArrayList<>();
        private final Map<Integer, List<MovablePod>> byNode = new HashMap<>();

        Kind(PodRequest request, java.util.Set<String> onlyOn) {
            this.request = request;
            this.size = new long[] {need().cpuMilli(), mebibytesUp(need().memoryBytes()), 1, need().gpus(),
                mebibytesUp(need().ephemeralBytes())};
            this.onlyOn = onlyOn;
        }

        PodRequest request() {
            return request;
        }

        /** What one Pod of the kind requests. */
        Resources need() {
            return request.request();
        }

        List<MovablePod> pods() {
            return pods;
        }

        String app() {
            return request.app();
        }

        int maxPerNode() {
            return request.maxPerNode();
        }

        /**
         * What one Pod takes, as the program counts it: CPU millicores, memory in MiB (rounded up), 1 pod, GPUs,
         * ephemeral storage in MiB (rounded up).
         */
        long[] size() {
            return size;
        }
    }

    /** What makes two Pods interchangeable. */
    record Shape(Resources request, String app, int maxPerNode, List<Toleration> tolerations,
            Map<String, String> nodeSelector, java.util.Set<String> onlyOn) {
        static Shape of(MovablePod pod) {
            PodRequest r = pod.request();
            return new Shape(r.request(), r.app(), r.maxPerNode(), r.tolerations(), r.nodeSelector(), pod.onlyOn());
        }
    }

    private final List<NodeSnapshot> nodes;
    private final List<Kind> kinds;
    private final Resources[] fixed;
    private final String invalid;
    private final int podCount;
    private final Map<String, Integer> index;
    private final Map<String, Kind> kindOf;

    private FleetModel(List<NodeSnapshot> nodes, List<Kind> kinds, Resources[] fixed, String invalid,
            int podCount, Map<String, Integer> index, Map<String, Kind> kindOf) {
        this.nodes = nodes;
        this.kinds = kinds;
        this.fixed = fixed;
        this.invalid = invalid;
        this.podCount = podCount;
        this.index = index;
        this.kindOf = kindOf;
    }

    static FleetModel of(RebalanceProblem problem) {
        List<NodeSnapshot> nodes = problem.nodes();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i).name(), i);
        }
        Resources[] fixed = nodes.stream().map(NodeSnapshot::requested).toArray(Resources[]::new);
        Map<Shape, Kind> kinds = new LinkedHashMap<>();
        Map<String, Kind> kindOf = new HashMap<>();
        String invalid = null;
        List<MovablePod> sorted = problem.pods().stream().sorted(java.util.Comparator.comparing(MovablePod::id))
                .toList();
        for (MovablePod pod : sorted) {
            Integer node = index.get(pod.node());
            if (node == null) {
                invalid = invalid != null ? invalid : "Pod %s runs on node %s, which is not among the nodes planned over"
                        .formatted(pod.id(), pod.node());
                continue;
            }
            Kind kind = kinds.computeIfAbsent(Shape.of(pod), s -> new Kind(pod.request(), pod.onlyOn()));
            kind.pods.add(pod);
            kindOf.put(pod.id(), kind);
            kind.byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(pod);
            fixed[node] = fixed[node].minus(pod.request().request());
        }
        return new FleetModel(nodes, List.copyOf(kinds.values()), fixed, invalid, problem.pods().size(), index,
                kindOf);
    }

    /** How many Pods of each kind run on each node once the moves are made (moves of Pods not in the model ignored). */
    Map<Kind, Map<Integer, Long>> after(List<Move> moves) {
        Map<Kind, Map<Integer, Long>> after = new LinkedHashMap<>();
        for (Kind kind : kinds) {
            Map<Integer, Long> counts = new HashMap<>();
            kind.byNode.forEach((node, pods) -> counts.put(node, (long) pods.size()));
            after.put(kind, counts);
        }
        for (Move move : moves) {
            Kind kind = kindOf.get(move.pod());
            Integer to = index.get(move.to());
            if (kind != null && to != null) {
                after.get(kind).merge(index.get(move.from()), -1L, Long::sum);
                after.get(kind).merge(to, 1L, Long::sum);
            }
        }
        return after;
    }

    /** How many (kind, node) pairs the whole program would count Pods over: where a kind runs or may move to. */
    long pairs() {
        long pairs = 0;
        for (Kind kind : kinds) {
            for (int node = 0; node < nodes.size(); node++) {
                if (now(kind, node) > 0 || admits(kind, node)) {
                    pairs++;
                }
            }
        }
        return pairs;
    }

    Optional<String> invalid() {
        return Optional.ofNullable(invalid);
    }

    List<NodeSnapshot> nodes() {
        return nodes;
    }

    List<Kind> kinds() {
        return kinds;
    }

    int podCount() {
        return podCount;
    }

    /** What the Pods out of scope take on the node. */
    Resources fixed(int node) {
        return fixed[node];
    }

    long now(Kind kind, int node) {
        return kind.byNode.getOrDefault(node, List.of()).size();
    }

    /** Whether a Pod of the kind may move to the node: one it may run on, and PyFleet's filter on it emptied. */
    boolean admits(Kind kind, int node) {
        NodeSnapshot snapshot = nodes.get(node);
        return (kind.onlyOn.isEmpty() || kind.onlyOn.contains(snapshot.name()))
                && PlacementEngine.fits(kind.request(), new NodeSnapshot(snapshot.name(), snapshot.allocatable(),
                        Resources.NONE, snapshot.usage(), snapshot.taints(), snapshot.labels(),
                        snapshot.unschedulable(), Map.of()));
    }

    /**
     * What the Pods in scope may take on the node, per resource as {@link Kind#size()} counts: what the others
     * leave, or what the Pods in scope take there now if that is more (a node already over its allocatable keeps
     * its Pods; it takes no more).
     */
    long[] caps(int node) {
        NodeSnapshot snapshot = nodes.get(node);
        Resources room = snapshot.allocatable().minus(fixed[node]);
        long[] caps = {room.cpuMilli(), Math.floorDiv(room.memoryBytes(), MIB), room.pods(), room.gpus(),
            Math.floorDiv(room.ephemeralBytes(), MIB)};
        long[] load = new long[caps.length];
        for (Kind kind : kinds) {
            long count = now(kind, node);
            long[] size = kind.size();
            for (int r = 0; r < load.length; r++) {
                load[r] += count * size[r];
            }
        }
        for (int r = 0; r < caps.length; r++) {
            caps[r] = Math.max(caps[r], load[r]);
        }
        return caps;
    }

    /** The most Pods of the app the node may run: its maxPerNode, less those out of scope, or what runs there now. */
    long maxOfApp(String app, int maxPerNode, int node) {
        long inScope = kinds.stream().filter(k -> app.equals(k.app())).mapToLong(k -> now(k, node)).sum();
        long outOfScope = nodes.get(node).podsOf(app) - inScope;
        return Math.max(maxPerNode - outOfScope, inScope);
    }

    /** Whether the node runs any Pod now (or, with {@code gpus}, any Pod that uses a GPU). */
    boolean inUse(int node, boolean gpus) {
        if (gpus ? fixed[node].gpus() > 0 : fixed[node].pods() > 0) {
            return true;
        }
        return kinds.stream().anyMatch(k -> now(k, node) > 0 && (!gpus || k.need().gpus() > 0));
    }

    /** The busiest node's CPU requests now, in permille of its allocatable. */
    long busiestPermille() {
        long busiest = 0;
        for (int node = 0; node < nodes.size(); node++) {
            long allocatable = nodes.get(node).allocatable().cpuMilli();
            if (allocatable > 0) {
                busiest = Math.max(busiest, -Math.floorDiv(-1000 * nodes.get(node).requested().cpuMilli(), allocatable));
            }
        }
        return busiest;
    }

    /**
     * A value no plan within {@code budget} moves can beat, from two counts that need no solver. Nodes: to free a
     * node every Pod on it must move and nothing out of scope may run there, so the budget frees at most the nodes
     * with the fewest Pods whose counts add up to it; and whatever moves, the nodes in use must together offer what
     * every Pod requests, per resource (the largest nodes first give the fewest that can). GPU nodes: the same over
     * GPU Pods and GPUs. Even load: the busiest node is at least as busy as the fleet's average, and as what the
     * Pods out of scope hold on each node.
     */
    long bound(Objective objective, int budget) {
        return switch (objective) {
            case FewestNodes -> Math.max(objectiveNow(objective) - freeable(budget, false),
                    nodesToHold(new int[] {0, 1, 2, 3}, false));
            case FreeGpuNodes -> Math.max(objectiveNow(objective) - freeable(budget, true),
                    nodesToHold(new int[] {3}, true));
            case EvenLoad -> evenLoadBound();
        };
    }

    /** The most nodes in use (GPU nodes running a GPU Pod, with {@code gpus}) that {@code budget} moves can free. */
    private long freeable(int budget, boolean gpus) {
        List<Long> costs = new ArrayList<>();
        for (int node = 0; node < nodes.size(); node++) {
            if (!inUse(node, gpus) || (gpus ? fixed[node].gpus() > 0 : fixed[node].pods() > 0)) {
                continue;
            }
            int n = node;
            costs.add(kinds.stream().filter(k -> !gpus || k.need().gpus() > 0).mapToLong(k -> now(k, n)).sum());
        }
        costs.sort(null);
        long spent = 0;
        long freed = 0;
        for (long cost : costs) {
            if (spent + cost > budget) {
                break;
            }
            spent += cost;
            freed++;
        }
        return freed;
    }

    /**
     * The fewest nodes that together offer every resource requested on the fleet (only GPU nodes, with
     * {@code gpus}): per resource, the nodes with the most of it first; a node over its allocatable offers what it
     * holds.
     */
    private long nodesToHold(int[] resources, boolean gpus) {
        long fewest = 0;
        for (int resource : resources) {
            long demand = 0;
            List<Long> offers = new ArrayList<>();
            for (int node = 0; node < nodes.size(); node++) {
                if (gpus && nodes.get(node).allocatable().gpus() <= 0) {
                    continue;
                }
                long requested = amount(nodes.get(node).requested(), resource);
                demand += requested;
                offers.add(Math.max(amount(nodes.get(node).allocatable(), resource), requested));
            }
            offers.sort(java.util.Comparator.reverseOrder());
            long count = 0;
            for (long offered = 0; offered < demand && count < offers.size(); count++) {
                offered += offers.get((int) count);
            }
            fewest = Math.max(fewest, count);
        }
        return fewest;
    }

    private static long amount(Resources resources, int resource) {
        return switch (resource) {
            case 0 -> resources.cpuMilli();
            case 1 -> resources.memoryBytes();
            case 2 -> resources.pods();
            case 3 -> resources.gpus();
            default -> resources.ephemeralBytes();
        };
    }

    private long evenLoadBound() {
        long requested = 0;
        long allocatable = 0;
        long busiestFixed = 0;
        for (int node = 0; node < nodes.size(); node++) {
            long cpu = nodes.get(node).allocatable().cpuMilli();
            if (cpu <= 0) {
                continue;
            }
            requested += nodes.get(node).requested().cpuMilli();
            allocatable += cpu;
            busiestFixed = Math.max(busiestFixed, -Math.floorDiv(-1000 * fixed[node].cpuMilli(), cpu));
        }
        long average = allocatable == 0 ? 0 : -Math.floorDiv(-1000 * requested, allocatable);
        return Math.max(average, busiestFixed);
    }

    long objectiveNow(Objective objective) {
        return switch (objective) {
            case FewestNodes -> java.util.stream.IntStream.range(0, nodes.size()).filter(n -> inUse(n, false)).count();
            case FreeGpuNodes -> java.util.stream.IntStream.range(0, nodes.size())
                    .filter(n -> nodes.get(n).allocatable().gpus() > 0 && inUse(n, true)).count();
            case EvenLoad -> busiestPermille();
        };
    }

    /**
     * The moves that take the fleet from now to {@code after} (Pods of each kind per node): on each node that
     * loses Pods of a kind, the first by id go to the nodes that gain them, in node order.
     */
    List<Move> moves(Map<Kind, Map<Integer, Long>> after) {
        List<Move> moves = new ArrayList<>();
        after.forEach((kind, counts) -> {
            List<MovablePod> leaving = new ArrayList<>();
            List<Integer> arriving = new ArrayList<>();
            for (int node = 0; node < nodes.size(); node++) {
                long planned = counts.getOrDefault(node, 0L);
                List<MovablePod> here = kind.byNode.getOrDefault(node, List.of());
                for (long i = planned; i < here.size(); i++) {
                    leaving.add(here.get((int) i));
                }
                for (long i = here.size(); i < planned; i++) {
                    arriving.add(node);
                }
            }
            for (int i = 0; i < leaving.size(); i++) {
                moves.add(new Move(leaving.get(i).id(), leaving.get(i).node(), nodes.get(arriving.get(i)).name()));
            }
        });
        moves.sort(java.util.Comparator.comparing(Move::pod));
        return moves;
    }

    /** Nodes that run Pods in scope now and none after, with no other Pod on them: free for something else. */
    List<String> freed(Map<Kind, Map<Integer, Long>> after) {
        TreeSet<String> freed = new TreeSet<>();
        for (int node = 0; node < nodes.size(); node++) {
            int n = node;
            boolean before = kinds.stream().anyMatch(k -> now(k, n) > 0);
            boolean stillUsed = after.values().stream().anyMatch(c -> c.getOrDefault(n, 0L) > 0);
            if (before && !stillUsed && fixed[node].pods() <= 0) {
                freed.add(nodes.get(node).name());
            }
        }
        return List.copyOf(freed);
    }

    static long mebibytesUp(long bytes) {
        return -Math.floorDiv(-bytes, MIB);
    }
}
