package dev.pyfleet.status;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/**
 * Builds conditions the way kstatus, Argo CD and `kubectl wait` expect them, shared by both controllers. Each object
 * carries {@code Ready} (the summary Argo CD and `kubectl wait` read), {@code Progressing} and {@code Degraded}, and
 * kstatus's pair derived from them: Flux, kpt and cli-utils read {@code Reconciling} and {@code Stalled}, not Ready.
 */
public final class Conditions {

    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";
    public static final String RECONCILING = "Reconciling";
    public static final String STALLED = "Stalled";
    public static final String KUBEVIRT_AVAILABLE = "KubeVirtAvailable";

    /** Conditions whose False says that something the object cannot do without is missing from the cluster. */
    static final Set<String> PREREQUISITES = Set.of(KUBEVIRT_AVAILABLE);

    private Conditions() {
    }

    public static Condition of(String type, boolean status, String reason, String message) {
        return new ConditionBuilder().withType(type).withStatus(status ? "True" : "False").withReason(reason)
                .withMessage(message).build();
    }

    /**
     * The conditions to write: {@code desired} with kstatus's pair added, stamped with the generation, each keeping
     * its lastTransitionTime from {@code previous} unless its status really changed, so that timestamps tell when
     * something happened, not when we last looked.
     */
    public static List<Condition> merge(List<Condition> previous, List<Condition> desired, Long generation,
            Instant now) {
        String timestamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
        return withKstatus(desired).stream().map(next -> {
            Condition before = find(previous, next.getType());
            String since = before != null && Objects.equals(before.getStatus(), next.getStatus())
                    && before.getLastTransitionTime() != null ? before.getLastTransitionTime() : timestamp;
            return new ConditionBuilder(next).withObservedGeneration(generation).withLastTransitionTime(since).build();
        }).toList();
    }

    /**
     * {@code conditions} with the one of {@code replacement}'s type replaced (or added) and kstatus's pair
     * recomputed, those stamped as by merge; the others stay as they were, observed generation and all.
     */
    public static List<Condition> replace(List<Condition> conditions, Condition replacement, Long generation,
            Instant now) {
        Set<String> replaced = Set.of(replacement.getType(), RECONCILING, STALLED);
        List<Condition> others = new ArrayList<>(conditions == null ? List.of() : conditions);
        others.removeIf(c -> replaced.contains(c.getType()));
        List<Condition> desired = new ArrayList<>(others);
        desired.add(replacement);
        List<Condition> result = new ArrayList<>(others);
        merge(conditions, desired, generation, now).stream().filter(c -> replaced.contains(c.getType()))
                .forEach(result::add);
        return List.copyOf(result);
    }

    /**
     * {@code conditions} with kstatus's pair (re)computed: Stalled while Degraded is True or a prerequisite is
     * missing, with its reason and message; otherwise Reconciling until Ready is True, saying what is under way.
     */
    static List<Condition> withKstatus(List<Condition> conditions) {
        List<Condition> result = new ArrayList<>(conditions);
        result.removeIf(c -> RECONCILING.equals(c.getType()) || STALLED.equals(c.getType()));
        Condition degraded = find(conditions, DEGRADED);
        Condition blocked = isTrue(degraded) ? degraded : conditions.stream()
                .filter(c -> PREREQUISITES.contains(c.getType()) && "False".equals(c.getStatus())).findFirst()
                .orElse(null);
        Condition ready = find(conditions, READY);
        Condition progressing = find(conditions, PROGRESSING);
        if (blocked != null) {
            result.add(of(RECONCILING, false, blocked.getReason(), blocked.getMessage()));
            result.add(of(STALLED, true, blocked.getReason(), blocked.getMessage()));
        } else if (isTrue(ready)) {
            result.add(of(RECONCILING, false, ready.getReason(), ready.getMessage()));
            result.add(of(STALLED, false, "AsExpected", "nothing is failing"));
        } else {
            Condition underWay = isTrue(progressing) || ready == null ? progressing : ready;
            result.add(underWay == null ? of(RECONCILING, true, "Reconciling", "not yet reconciled")
                    : of(RECONCILING, true, underWay.getReason(), underWay.getMessage()));
            result.add(of(STALLED, false, "AsExpected", "nothing is failing"));
        }
        return List.copyOf(result);
    }

    public static Condition find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return isTrue(find(conditions, type));
    }

    private static boolean isTrue(Condition condition) {
        return condition != null && "True".equals(condition.getStatus());
    }
}
