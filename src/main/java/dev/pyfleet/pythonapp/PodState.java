package dev.pyfleet.pythonapp;

import java.time.Instant;
import java.util.Optional;

import dev.pyfleet.kube.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

/**
 * What rollout planning and the status need to know of one of an app's Pods.
 *
 * @param trouble why its app cannot run (crash loop, OOM kill, image), or null
 */
public record PodState(String name, String revision, Instant created, boolean terminating, boolean failed,
        boolean ready, Instant readySince, ContainerTrouble trouble) {

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
                ContainerTrouble.of(pod).orElse(null));
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
