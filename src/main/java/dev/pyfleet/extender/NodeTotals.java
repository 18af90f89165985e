package dev.pyfleet.extender;

import java.util.HashMap;
import java.util.Map;

import dev.pyfleet.placement.Resources;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * What the pods bound to each node take from it, kept up to date from pod events: each change parses the pod's
 * quantities once and moves its share between nodes, so a scheduling request reads a node's totals without summing
 * its pods. Finished pods (Succeeded, Failed) and pods not bound to a node take nothing.
 */
final class NodeTotals {

    /** What placement counts of one node's bound pods: their requests and how many of each app's run there. */
    record Total(Resources requested, Map<String, Integer> appPods) {

        static final Total NONE = new Total(Resources.NONE, Map.of());

        Total plus(Share share) {
            return new Total(requested.plus(share.request()), count(share.app(), 1));
        }

        Total minus(Share share) {
            return new Total(requested.minus(share.request()), count(share.app(), -1));
        }

        private Map<String, Integer> count(String app, int delta) {
            if (app == null) {
                return appPods;
            }
            Map<String, Integer> counted = new HashMap<>(appPods);
            counted.merge(app, delta, Integer::sum);
            counted.values().removeIf(n -> n == 0);
            return Map.copyOf(counted);
        }

        boolean isEmpty() {
            return requested.equals(Resources.NONE) && appPods.isEmpty();
        }
    }

    /** One pod's part of its node's total. */
    record Share(String node, Resources request, String app) {

        /** The share of a pod as it is now; null where it takes nothing from any node. */
        static Share of(Pod pod) {
            String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if (node == null || "Succeeded".equals(phase) || "Failed".equals(phase)) {
                return null;
            }
            return new Share(node, PodRequests.resources(pod), PodRequests.appKey(pod));
        }
    }

    private final Map<String, Share> byPod = new HashMap<>();
    private final Map<String, Total> byNode = new HashMap<>();

    /** A pod added or changed (bound, rebound, finished, resized): its old share goes, its new one counts. */
    synchronized void put(Pod pod) {
        Share now = Share.of(pod);
        Share before = now == null ? byPod.remove(key(pod)) : byPod.put(key(pod), now);
        if (before != null) {
            subtract(before);
        }
        if (now != null) {
            byNode.merge(now.node(), Total.NONE.plus(now), (total, ignored) -> total.plus(now));
        }
    }

    synchronized void remove(Pod pod) {
        Share before = byPod.remove(key(pod));
        if (before != null) {
            subtract(before);
        }
    }

    synchronized Total of(String node) {
        return byNode.getOrDefault(node, Total.NONE);
    }

    private void subtract(Share share) {
        Total left = byNode.get(share.node()).minus(share);
        if (left.isEmpty()) {
            byNode.remove(share.node());
        } else {
            byNode.put(share.node(), left);
        }
    }

    private static String key(Pod pod) {
        String uid = pod.getMetadata().getUid();
        return uid != null ? uid : pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }
}
