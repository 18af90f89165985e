package dev.pyfleet.extender;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.placement.Resources;
import dev.pyfleet.placement.Taint;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetrics;

/** A Node and the pods on it, as placement sees them; pure, shared by the extender's cache and the what-if tool. */
public final class NodeSnapshots {

    private NodeSnapshots() {
    }

    /**
     * @param pods the pods bound to the node (finished ones are skipped)
     * @param assumed pods placed on the node but not yet seen bound there
     * @param usage measured usage, when metrics.k8s.io serves it
     */
    public static NodeSnapshot of(Node node, Iterable<Pod> pods, List<PodRequest> assumed,
            Optional<Resources> usage) {
        Resources requested = Resources.NONE;
        Map<String, Integer> appPods = new HashMap<>();
        for (Pod pod : pods) {
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
                continue;
            }
            requested = requested.plus(PodRequests.resources(pod));
            String app = PodRequests.appKey(pod);
            if (app != null) {
                appPods.merge(app, 1, Integer::sum);
            }
        }
        return of(node, new NodeTotals.Total(requested, appPods), assumed, usage);
    }

    /** As {@link #of(Node, Iterable, List, Optional)}, from the bound pods' totals kept by {@link NodeTotals}. */
    static NodeSnapshot of(Node node, NodeTotals.Total bound, List<PodRequest> assumed, Optional<Resources> usage) {
        return of(Shape.of(node), bound, assumed, usage);
    }

    /** As {@link #of(Node, NodeTotals.Total, List, Optional)}, from a node's shape read once when it changed. */
    static NodeSnapshot of(Shape node, NodeTotals.Total bound, List<PodRequest> assumed, Optional<Resources> usage) {
        Resources requested = bound.requested();
        Map<String, Integer> appPods = bound.appPods();
        if (!assumed.isEmpty()) {
            appPods = new HashMap<>(appPods);
            for (PodRequest pod : assumed) {
                requested = requested.plus(pod.request());
                if (pod.app() != null) {
                    appPods.merge(pod.app(), 1, Integer::sum);
                }
            }
        }
        return new NodeSnapshot(node.name(), node.allocatable(), requested, usage, node.taints(), node.labels(),
                node.unschedulable(), appPods);
    }

    /**
     * What placement reads of a Node itself, its quantities parsed: the extender keeps one per node, made when the
     * node changes, so a request does not parse every candidate's allocatable again.
     */
    record Shape(String name, Resources allocatable, List<Taint> taints, Map<String, String> labels,
            boolean unschedulable) {

        static Shape of(Node node) {
            Map<String, Quantity> allocatable = node.getStatus() == null || node.getStatus().getAllocatable() == null
                    ? Map.of() : node.getStatus().getAllocatable();
            Resources offers = new Resources(PodRequests.milli(allocatable.get("cpu")),
                    PodRequests.bytes(allocatable.get("memory")), PodRequests.bytes(allocatable.get("pods")),
                    PodRequests.bytes(allocatable.get(PodRequests.GPU)),
                    PodRequests.bytes(allocatable.get(PodRequests.EPHEMERAL_STORAGE)));
            List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
                    : node.getSpec().getTaints().stream().map(t -> new Taint(t.getKey(), t.getValue(), t.getEffect()))
                            .toList();
            boolean unschedulable = node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
            return new Shape(node.getMetadata().getName(), offers, taints,
                    node.getMetadata().getLabels() == null ? Map.of() : Map.copyOf(node.getMetadata().getLabels()),
                    unschedulable);
        }
    }

    /** A node's measured usage from metrics.k8s.io. */
    public static Resources usage(NodeMetrics metrics) {
        return new Resources(PodRequests.milli(metrics.getUsage().get("cpu")),
                PodRequests.bytes(metrics.getUsage().get("memory")), 0, 0);
    }
}
