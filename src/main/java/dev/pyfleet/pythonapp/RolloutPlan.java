package dev.pyfleet.pythonapp;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.pyfleet.status.Event;

/**
 * One step towards the desired Pods: how many Pods of the current revision to create, which Pods to delete, when to
 * look again if nothing else will wake the controller (a Pod about to pass minReadySeconds), and what of this step
 * is worth an Event (scaling, a failed Pod replaced).
 */
public record RolloutPlan(int create, List<String> delete, Optional<Duration> recheckAfter, List<Event> events) {

    public RolloutPlan(int create, List<String> delete, Optional<Duration> recheckAfter) {
        this(create, delete, recheckAfter, List.of());
    }

    /** Nothing to do: what an app waiting for its dependencies plans. */
    public static RolloutPlan none() {
        return new RolloutPlan(0, List.of(), Optional.empty());
    }

    public boolean changesSomething() {
        return create > 0 || !delete.isEmpty();
    }
}
