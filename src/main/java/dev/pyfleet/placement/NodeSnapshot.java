package dev.pyfleet.placement;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node as placement sees it: what it offers, what bound and assumed pods already take, what is measured in use
 * (when metrics.k8s.io serves it), taints, labels, and how many pods of each app run on it.
 *
 * @param appPods pods per app key (see {@link PodRequest#app()}), bound and assumed
 */
public record NodeSnapshot(String name, Resources allocatable, Resources requested, Optional<Resources> usage,
        List<Taint> taints, Map<String, String> labels, boolean unschedulable, Map<String, Integer> appPods) {

    public Resources free() {
        return allocatable.minus(requested);
    }

    /** The same node with the pod placed on it: its request counted, and one more pod of its app. */
    public NodeSnapshot withPod(PodRequest pod) {
        Map<String, Integer> pods = appPods;
        if (pod.app() != null) {
            pods = new java.util.HashMap<>(appPods);
            pods.merge(pod.app(), 1, Integer::sum);
        }
        return new NodeSnapshot(name, allocatable, requested.plus(pod.request()), usage, taints, labels, unschedulable,
                pods);
    }

    public int podsOf(String app) {
        return app == null ? 0 : appPods.getOrDefault(app, 0);
    }
}
