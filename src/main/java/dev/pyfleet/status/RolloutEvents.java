package dev.pyfleet.status;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Condition;

/**
 * The Events both controllers tell of a rollout, by the same rules: it started (the revision changed), it completed
 * (Ready again), and it degraded (Degraded turned True, or stays True for another reason).
 */
public final class RolloutEvents {

    private RolloutEvents() {
    }

    /**
     * @param before the previous status's conditions (null for a new object)
     * @param now the conditions just reported
     * @param previousRevision the revision the previous status rolled out, if any
     * @param started the message of RolloutStarted, used when the revision changed; " (was ...)" is added
     * @param completed the message of RolloutComplete, used when {@code complete} and it was not Ready before
     */
    public static List<Event> of(List<Condition> before, List<Condition> now, String previousRevision,
            String revision, String started, boolean complete, String completed) {
        List<Event> events = new ArrayList<>();
        if (previousRevision != null && !previousRevision.equals(revision)) {
            events.add(Event.normal("RolloutStarted", started + " (was " + previousRevision + ")"));
        }
        if (complete && !Conditions.isTrue(before, Conditions.READY)) {
            events.add(Event.normal("RolloutComplete", completed));
        }
        Condition degraded = Conditions.find(now, Conditions.DEGRADED);
        Condition wasDegraded = Conditions.find(before, Conditions.DEGRADED);
        boolean newlyDegraded = degraded != null && "True".equals(degraded.getStatus()) && (wasDegraded == null
                || !"True".equals(wasDegraded.getStatus()) || !degraded.getReason().equals(wasDegraded.getReason()));
        if (newlyDegraded) {
            events.add(Event.warning(degraded.getReason(), degraded.getMessage()));
        }
        return events;
    }
}
