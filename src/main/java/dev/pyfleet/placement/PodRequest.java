package dev.pyfleet.placement;

import java.util.List;
import java.util.Map;

/**
 * A pod to place: what it needs (for a VM launcher pod, the guest's size), the app it belongs to, and its
 * placement preferences.
 *
 * @param app key shared by the replicas of one app or pool (e.g. {@code demo/shop}); null for none
 * @param maxPerNode at most this many pods of the app per node; 0 for no limit
 * @param spreadKey for Spread, the node label whose values are the topology domains the replicas spread over
 *         (e.g. {@code topology.kubernetes.io/zone}); null or empty to spread over nodes only
 */
public record PodRequest(String namespace, String name, Resources request, String app, Strategy strategy,
        int maxPerNode, List<Toleration> tolerations, Map<String, String> nodeSelector, String spreadKey) {

    public PodRequest(String namespace, String name, Resources request, String app, Strategy strategy,
            int maxPerNode, List<Toleration> tolerations, Map<String, String> nodeSelector) {
        this(namespace, name, request, app, strategy, maxPerNode, tolerations, nodeSelector, null);
    }

    public PodRequest withStrategy(Strategy other) {
        return new PodRequest(namespace, name, request, app, other, maxPerNode, tolerations, nodeSelector, spreadKey);
    }
}
