package dev.pyfleet.pythonapp;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One step towards the desired Pods: how many Pods of the current revision to create, which Pods to delete, and
 * when to look again if nothing else will wake the controller (a Pod about to pass minReadySeconds).
 */
public record RolloutPlan(int create, List<String> delete, Optional<Duration> recheckAfter) {

    public boolean changesSomething() {
        return create > 0 || !delete.isEmpty();
    }
}
