package dev.pyfleet.extender;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyfleet.placement.PodRequest;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Pods the extender placed on a node and has not yet seen bound there ("assumed"): counted on that node until the
 * Pod cache shows them bound or deleted, or {@link #ASSUME_FOR} passes, so that a burst cannot fill a node twice.
 *
 * <p>Only a real pending PyFleet Pod is assumed, at its size as the API server has it: whoever can reach the extender
 * may send any pod, and a made-up one must change nothing. The scheduler and the Pod cache watch separately, so the
 * scheduler can ask about a Pod the cache does not hold yet; such a Pod is read from the API server instead, since a
 * placed Pod left uncounted lets the next one onto a full node.
 */
final class AssumedPods {

    static final Duration ASSUME_FOR = Duration.ofSeconds(30);

    /** Finds a Pod by namespace and name. */
    interface Lookup {
        Optional<Pod> get(String namespace, String name);
    }

    private record Assumed(String node, PodRequest pod, Instant until) {
    }

    private final Lookup cache;
    private final Lookup apiServer;
    private final Clock clock;
    private final Map<String, Assumed> byUid = new ConcurrentHashMap<>();

    AssumedPods(Lookup cache, Lookup apiServer, Clock clock) {
        this.cache = cache;
        this.apiServer = apiServer;
        this.clock = clock;
    }

    /** Counts the Pod named in {@code placed} on {@code node} if it is a pending PyFleet Pod with this uid. */
    void assume(String podUid, PodRequest placed, String node) {
        if (podUid == null) {
            return;
        }
        Optional<Pod> known = cache.get(placed.namespace(), placed.name()).filter(p -> hasUid(p, podUid))
                .or(() -> apiServer.get(placed.namespace(), placed.name()).filter(p -> hasUid(p, podUid)));
        known.filter(AssumedPods::pendingAndPyFleets).ifPresent(pod -> byUid.put(podUid,
                new Assumed(node, PodRequests.of(pod), clock.instant().plus(ASSUME_FOR))));
    }

    /** The Pod as the cache now has it: once bound (on any node) it counts as bound, no longer as assumed. */
    void seen(Pod pod) {
        if (pod.getSpec().getNodeName() != null) {
            byUid.remove(pod.getMetadata().getUid());
        }
    }

    void deleted(Pod pod) {
        byUid.remove(pod.getMetadata().getUid());
    }

    /** The assumed Pods that have not expired, by node. */
    Map<String, List<PodRequest>> byNode() {
        Instant now = clock.instant();
        byUid.values().removeIf(a -> a.until().isBefore(now));
        Map<String, List<PodRequest>> byNode = new HashMap<>();
        byUid.values().forEach(a -> byNode.computeIfAbsent(a.node(), n -> new ArrayList<>()).add(a.pod()));
        return byNode;
    }

    private static boolean hasUid(Pod pod, String uid) {
        return uid.equals(pod.getMetadata().getUid());
    }

    private static boolean pendingAndPyFleets(Pod pod) {
        return pod.getSpec().getNodeName() == null && pod.getMetadata().getDeletionTimestamp() == null
                && PodRequests.isPyFleets(pod);
    }
}
