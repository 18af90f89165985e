package dev.pyfleet.extender;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.pyfleet.placement.FilterResult;
import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PlacementEngine;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.placement.RankedNode;
import dev.pyfleet.placement.Rejection;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * The two extender verbs over the cluster view: convert the scheduler's arguments, ask the placement engine, convert
 * back. Pods that are not PyFleet's pass through untouched.
 */
public final class Extender {

    /** Rejections that preemption cannot cure; the scheduler then does not try it on those nodes. */
    static final Set<Rejection.Reason> UNRESOLVABLE = Set.of(Rejection.Reason.Unschedulable,
            Rejection.Reason.NodeSelector, Rejection.Reason.Taint);

    static final String NOT_SYNCED = "the extender has not yet read the cluster's Pods (the operator is starting)";

    private final NodeSource view;
    private final ExtenderMetrics metrics;

    public Extender(NodeSource view, ExtenderMetrics metrics) {
        this.view = view;
        this.metrics = metrics;
    }

    public ExtenderProtocol.FilterResult filter(ExtenderProtocol.Args args) {
        Pod pod = requirePod(args);
        List<String> names = nodeNames(args);
        if (!PodRequests.isPyFleets(pod)) {
            metrics.decision("none", "passthrough");
            return result(args, names, Map.of(), Map.of());
        }
        if (!view.synced()) {
            // Nodes that look emptier than they are would be overfilled, so the extender steps aside: as PyFleet
            // configures it (ignorable), the scheduler then places the Pod by its own filters alone; a
            // configuration that is not ignorable retries the Pod after a backoff instead.
            metrics.decision("none", "notSynced");
            return new ExtenderProtocol.FilterResult(null, null, Map.of(), Map.of(), NOT_SYNCED);
        }
        PodRequest request = PodRequests.of(pod);
        List<NodeSnapshot> snapshots = view.snapshot(names);
        FilterResult result = PlacementEngine.filter(request, snapshots);
        Map<String, String> failed = new LinkedHashMap<>();
        Map<String, String> unresolvable = new LinkedHashMap<>();
        result.rejected().forEach((node, rejection) -> {
            metrics.rejection(rejection.reason());
            (UNRESOLVABLE.contains(rejection.reason()) ? unresolvable : failed).put(node, rejection.message());
        });
        Set<String> known = snapshots.stream().map(NodeSnapshot::name).collect(Collectors.toSet());
        names.stream().filter(n -> !known.contains(n))
                .forEach(n -> failed.put(n, "node is not in the extender's cache yet"));
        metrics.decision(request.strategy().name(), result.fits().isEmpty() ? "unschedulable" : "filtered");
        if (result.fits().size() == 1) {
            // With one feasible node the scheduler skips prioritize and binds there: count the pod on it now.
            view.assume(pod.getMetadata().getUid(), request, result.fits().get(0));
        }
        return result(args, result.fits(), failed, unresolvable);
    }

    /**
     * Ranks the nodes and gives the engine's choice the single top score, so the scheduler's choice is known here
     * and the pod can be counted on that node before it is bound.
     */
    public List<ExtenderProtocol.HostPriority> prioritize(ExtenderProtocol.Args args) {
        Pod pod = requirePod(args);
        List<String> names = nodeNames(args);
        if (!PodRequests.isPyFleets(pod)) {
            return names.stream().map(n -> new ExtenderProtocol.HostPriority(n, 0)).toList();
        }
        if (!view.synced()) {
            // An error gives these nodes no score from the extender, rather than one ranked on a view without Pods.
            throw new NotSyncedException(NOT_SYNCED);
        }
        PodRequest request = PodRequests.of(pod);
        List<RankedNode> engine = PlacementEngine.rank(request, view.snapshot(names));
        if (engine.isEmpty()) {
            return List.of();
        }
        // The replacement of a Pod a rebalance evicted goes where the plan put it, if that node takes it.
        List<RankedNode> ranking = view.plannedNode(request.app()).map(node -> PlannedMoves.first(engine, node))
                .orElse(engine);
        view.assume(pod.getMetadata().getUid(), request, ranking.get(0).node());
        metrics.decision(request.strategy().name(), "placed");
        return WireScores.of(ranking);
    }

    private static Pod requirePod(ExtenderProtocol.Args args) {
        if (args == null || args.pod() == null || args.pod().getMetadata() == null) {
            throw new MalformedRequestException("ExtenderArgs.Pod is missing");
        }
        if (args.nodeNames() == null && args.nodes() == null) {
            throw new MalformedRequestException("ExtenderArgs has neither NodeNames nor Nodes");
        }
        return args.pod();
    }

    private static List<String> nodeNames(ExtenderProtocol.Args args) {
        if (args.nodeNames() != null) {
            return args.nodeNames();
        }
        return args.nodes().getItems().stream().map(n -> n.getMetadata().getName()).toList();
    }

    /** Answers in the form the scheduler asked in: names for a node-cache-capable call, whole Nodes otherwise. */
    private static ExtenderProtocol.FilterResult result(ExtenderProtocol.Args args, List<String> fits,
            Map<String, String> failed, Map<String, String> unresolvable) {
        if (args.nodeNames() != null) {
            return new ExtenderProtocol.FilterResult(null, fits, failed, unresolvable, "");
        }
        Set<String> keep = Set.copyOf(fits);
        List<Node> nodes = args.nodes().getItems().stream().filter(n -> keep.contains(n.getMetadata().getName()))
                .toList();
        return new ExtenderProtocol.FilterResult(new NodeList("v1", nodes, "NodeList", null), null, failed,
                unresolvable, "");
    }

    /** The extender has not read the cluster's Pods yet; answered with HTTP 503 and this message. */
    public static final class NotSyncedException extends RuntimeException {
        NotSyncedException(String message) {
            super(message);
        }
    }

    /** The request cannot be understood; answered with HTTP 400 and this message. */
    public static final class MalformedRequestException extends RuntimeException {
        MalformedRequestException(String message) {
            super(message);
        }
    }
}
