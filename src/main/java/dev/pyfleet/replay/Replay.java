package dev.pyfleet.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PlacementEngine;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.placement.Resources;
import dev.pyfleet.placement.Strategy;
import dev.pyfleet.replay.Trace.TraceNode;
import dev.pyfleet.replay.Trace.TracePod;

/**
 * Places a trace's pods one by one, in arrival order, on its nodes under one policy, as a scheduler would: a pod
 * that fits nowhere fails and the replay goes on, as a Pending pod would leave the cluster as it is. Nothing
 * departs. Every policy sees the same feasible nodes (PyFleet's filter, and a pod's GPU models); only the choice
 * among them differs.
 */
public final class Replay {

    /** Pods per node, as a kubelet's default. */
    static final long PODS_PER_NODE = 110;

    private Replay() {
    }

    public static ReplayResult run(Trace trace, Policy policy) {
        return place(trace, policy).result();
    }

    /**
     * The cluster a replay leaves: the nodes with what they hold, and the node each placed pod went to.
     *
     * @param models each node's GPU model ("" for none)
     */
    public record Placed(ReplayResult result, List<NodeSnapshot> nodes, Map<String, String> nodeOf,
            Map<String, String> models) {
    }

    /** {@link #run}, keeping where each pod went, for what comes after (a rebalance). */
    public static Placed place(Trace trace, Policy policy) {
        List<NodeSnapshot> nodes = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        Map<String, String> models = new HashMap<>();
        for (TraceNode n : trace.nodes()) {
            index.put(n.name(), nodes.size());
            models.put(n.name(), n.model());
            nodes.add(new NodeSnapshot(n.name(), new Resources(n.cpuMilli(), n.memoryBytes(), PODS_PER_NODE,
                    n.gpus()), Resources.NONE, Optional.empty(), List.of(), Map.of(), false, Map.of()));
        }
        int placed = 0;
        Map<String, String> nodeOf = new HashMap<>();
        List<TracePod> failed = new ArrayList<>();
        long nanos = 0;
        List<NodeSnapshot> fits = new ArrayList<>(nodes.size());
        for (TracePod pod : trace.pods()) {
            PodRequest request = request(pod);
            long start = System.nanoTime();
            fits.clear();
            for (NodeSnapshot node : nodes) {
                if ((pod.models().isEmpty() || pod.models().contains(models.get(node.name())))
                        && PlacementEngine.fits(request, node)) {
                    fits.add(node);
                }
            }
            String chosen = fits.isEmpty() ? null : policy.choose(request, fits);
            nanos += System.nanoTime() - start;
            if (chosen == null) {
                failed.add(pod);
                continue;
            }
            int at = index.get(chosen);
            nodes.set(at, nodes.get(at).withPod(request));
            nodeOf.put(pod.name(), chosen);
            placed++;
        }
        return new Placed(ReplayResult.of(policy.name(), trace, nodes, models, placed, failed,
                trace.pods().isEmpty() ? 0 : nanos / 1000.0 / trace.pods().size()), List.copyOf(nodes),
                Map.copyOf(nodeOf), Map.copyOf(models));
    }

    /** A trace pod as placement sees it. */
    public static PodRequest requestOf(TracePod pod) {
        return request(pod);
    }

    /** Trace pods belong to no app; the strategy is the policy's to set (see {@link Policy#engine}). */
    private static PodRequest request(TracePod pod) {
        return new PodRequest("replay", pod.name(), new Resources(pod.cpuMilli(), pod.memoryBytes(), 1, pod.gpus()),
                null, Strategy.Balanced, 0, List.of(), Map.of());
    }
}
