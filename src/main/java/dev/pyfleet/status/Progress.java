package dev.pyfleet.status;

import java.time.Instant;

/**
 * When a rollout last made progress, and whether it has made none for longer than its deadline: both controllers
 * measure a stuck rollout this way (a Deployment's progressDeadlineSeconds).
 */
public record Progress(Instant last, boolean deadlineExceeded) {

    /**
     * @param previous the lastProgressTime of the previous status, null where there was none
     * @param advanced whether this reconcile saw progress: a step planned, a new revision, more replicas updated or
     *         available than before
     * @param active whether a rollout is under way (a finished one cannot miss its deadline)
     */
    public static Progress of(String previous, boolean advanced, boolean active, int deadlineSeconds, Instant now) {
        Instant last = previous == null || advanced ? now : Instant.parse(previous);
        return new Progress(last, active && last.plusSeconds(deadlineSeconds).isBefore(now));
    }
}
