package dev.pyfleet.status;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/** Builds conditions the way kstatus, Argo CD and `kubectl wait` expect them, shared by both controllers. */
public final class Conditions {

    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";

    private Conditions() {
    }

    public static Condition of(String type, boolean status, String reason, String message) {
        return new ConditionBuilder().withType(type).withStatus(status ? "True" : "False").withReason(reason)
                .withMessage(message).build();
    }

    /**
     * Stamps {@code desired} with the generation and keeps each condition's lastTransitionTime from {@code previous}
     * unless its status really changed, so that timestamps tell when something happened, not when we last looked.
     */
    public static List<Condition> merge(List<Condition> previous, List<Condition> desired, Long generation,
            Instant now) {
        String timestamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
        return desired.stream().map(next -> {
            Condition before = find(previous, next.getType());
            String since = before != null && Objects.equals(before.getStatus(), next.getStatus())
                    && before.getLastTransitionTime() != null ? before.getLastTransitionTime() : timestamp;
            return new ConditionBuilder(next).withObservedGeneration(generation).withLastTransitionTime(since).build();
        }).toList();
    }

    /** {@code conditions} with the one of {@code replacement}'s type replaced (or added), stamped as by merge. */
    public static List<Condition> replace(List<Condition> conditions, Condition replacement, Long generation,
            Instant now) {
        Condition stamped = merge(conditions, List.of(replacement), generation, now).get(0);
        List<Condition> result = new ArrayList<>(conditions == null ? List.of() : conditions);
        result.removeIf(c -> replacement.getType().equals(c.getType()));
        result.add(stamped);
        return List.copyOf(result);
    }

    public static Condition find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        Condition condition = find(conditions, type);
        return condition != null && "True".equals(condition.getStatus());
    }
}
