package dev.pyfleet.pythonapp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.pyfleet.kube.CachedPods;
import dev.pyfleet.kube.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

/**
 * What rollout planning and the status need to know of one of an app's Pods.
 *
 * @param trouble why its app cannot run (crash loop, OOM kill, image), or null
 * @param slot the replica slot whose claim it mounts ({@code storage.replicaVolume}), or null
 * @param unschedulable why the scheduler finds no node for it, in its words, or null
 */
public record PodState(String name, String revision, Instant created, boolean terminating, boolean failed,
        boolean ready, Instant readySince, ContainerTrouble trouble, Integer slot, String unschedulable) {

    public PodState(String name, String revision, Instant created, boolean terminating, boolean failed,
            boolean ready, Instant readySince, ContainerTrouble trouble, Integer slot) {
        this(name, revision, created, terminating, failed, ready, readySince, trouble, slot, null);
    }

    public PodState(String name, String revision, Instant created, boolean terminating, boolean failed,
            boolean ready, Instant readySince, ContainerTrouble trouble) {
        this(name, revision, created, terminating, failed, ready, readySince, trouble, null);
    }

    public PodState(String name, String revision, Instant created, boolean terminating, boolean failed,
            boolean ready, Instant readySince) {
        this(name, revision, created, terminating, failed, ready, readySince, null);
    }

    public static PodState of(Pod pod) {
        var status = pod.getStatus();
        String phase = status == null ? null : status.getPhase();
        Optional<PodCondition> readyCondition = status == null
                || status.getConditions() == null ? Optional.empty()
                        : status.getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
        boolean ready = readyCondition.map(c -> "True".equals(c.getStatus())).orElse(false);
        return new PodState(pod.getMetadata().getName(),
                pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(Labels.REVISION),
                parse(pod.getMetadata().getCreationTimestamp()),
                pod.getMetadata().getDeletionTimestamp() != null,
                "Failed".equals(phase) || "Succeeded".equals(phase),
                ready,
                readyCondition.map(c -> parse(c.getLastTransitionTime())).orElse(null),
                ContainerTrouble.of(pod).orElse(null),
                ReplicaClaims.slotOf(pod).stream().boxed().findFirst().orElse(null),
                status == null || status.getConditions() == null || pod.getSpec() != null
                        && pod.getSpec().getNodeName() != null ? null
                        : status.getConditions().stream().filter(c -> "PodScheduled".equals(c.getType())
                                && "False".equals(c.getStatus()) && CachedPods.UNSCHEDULABLE.equals(c.getReason()))
                                .map(c -> c.getMessage() == null ? "no node fits" : c.getMessage().strip())
                                .findFirst().orElse(null));
    }

    /**
     * The app's Pods as they stand once a reconcile's writes are through: the observed ones, those it deleted now
     * going away, and those it created (or found existing, its own) new and not yet Ready. The status written in
     * the same reconcile then counts them, rather than a second write once the cache has caught up.
     */
    public static List<PodState> afterWrites(List<PodState> observed, List<Pod> created, Set<String> deleted) {
        List<PodState> pods = new ArrayList<>(observed.size() + created.size());
        observed.forEach(p -> pods.add(deleted.contains(p.name()) && !p.terminating() ? p.goingAway() : p));
        created.stream().map(PodState::of).filter(p -> observed.stream().noneMatch(o -> o.name().equals(p.name())))
                .forEach(pods::add);
        return pods;
    }

    private PodState goingAway() {
        return new PodState(name, revision, created, true, failed, ready, readySince, trouble, slot, unschedulable);
    }

    /** Ready for at least minReadySeconds at {@code now}. */
    public boolean availableAt(Instant now, long minReadySeconds) {
        return ready && !terminating && !failed
                && (minReadySeconds == 0 || readySince == null || !readySince.plusSeconds(minReadySeconds).isAfter(now));
    }

    /** Alive: neither going away nor finished. */
    public boolean live() {
        return !terminating && !failed;
    }

    private static Instant parse(String timestamp) {
        return timestamp == null ? Instant.EPOCH : Instant.parse(timestamp);
    }
}
