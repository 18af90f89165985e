package dev.pyfleet.pythonapp;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.pyfleet.kube.IntOrPercent;
import dev.pyfleet.status.Event;
import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * Plans the next step of scaling and rolling updates over the Pods an app owns, with the bounds a Deployment keeps:
 * never more than {@code replicas + maxSurge} Pods (terminating ones included, so a crash-restart cannot overshoot),
 * never fewer than {@code replicas - maxUnavailable} available ones by our hand, and old Pods removed only as new
 * ones become available. Pure: the same Pods and time give the same plan.
 */
public final class RolloutPlanner {

    /** Unready Pods go first, then the newest: they have served least and are likeliest to be unhealthy. */
    static final Comparator<PodState> REMOVAL_ORDER = Comparator.comparing(PodState::ready)
            .thenComparing(PodState::created, Comparator.reverseOrder())
            .thenComparing(PodState::name, Comparator.reverseOrder());

    /**
     * A scale-down removes the Pods of the highest replica slots first, so the replicas left hold the slots below
     * replicas and a claim a scale-down frees is that of a replica scaled away; Pods without slots as above.
     */
    static final Comparator<PodState> SCALE_DOWN_ORDER = Comparator.comparing(PodState::slot,
            Comparator.nullsLast(Comparator.<Integer>reverseOrder())).thenComparing(REMOVAL_ORDER);

    private RolloutPlanner() {
    }

    public record Bounds(int replicas, int maxSurge, int maxUnavailable, long minReadySeconds) {

        /** Resolves percentages as a Deployment does: surge rounds up, unavailable down, and they are never both 0. */
        public static Bounds of(int replicas, IntOrString maxSurge, IntOrString maxUnavailable, long minReadySeconds) {
            int surge = IntOrPercent.resolve(maxSurge, replicas, true);
            int unavailable = IntOrPercent.resolve(maxUnavailable, replicas, false);
            if (surge == 0 && unavailable == 0) {
                unavailable = 1;
            }
            return new Bounds(replicas, surge, unavailable, minReadySeconds);
        }
    }

    public static RolloutPlan plan(Bounds bounds, String revision, List<PodState> pods, Instant now) {
        List<String> delete = new ArrayList<>();
        // Finished Pods are replaced; until they are gone they still count towards the surge bound.
        pods.stream().filter(p -> p.failed() && !p.terminating()).map(PodState::name).forEach(delete::add);

        List<PodState> current = pods.stream().filter(PodState::live).filter(p -> revision.equals(p.revision()))
                .toList();
        List<PodState> old = pods.stream().filter(PodState::live).filter(p -> !revision.equals(p.revision()))
                .toList();
        int existing = pods.size();
        int replicas = bounds.replicas();

        int room = Math.max(0, replicas + bounds.maxSurge() - existing);
        int create = Math.max(0, Math.min(replicas - current.size(), room));

        if (current.size() > replicas) {
            current.stream().sorted(SCALE_DOWN_ORDER).limit(current.size() - replicas).map(PodState::name)
                    .forEach(delete::add);
        }
        if (!old.isEmpty()) {
            long available = pods.stream().filter(p -> p.availableAt(now, bounds.minReadySeconds()))
                    .filter(p -> !delete.contains(p.name())).count();
            long budget = available - (replicas - bounds.maxUnavailable());
            for (PodState pod : old.stream().sorted(REMOVAL_ORDER).toList()) {
                boolean counts = pod.availableAt(now, bounds.minReadySeconds());
                if (counts && budget <= 0) {
                    continue;
                }
                delete.add(pod.name());
                if (counts) {
                    budget--;
                }
            }
        }
        return new RolloutPlan(create, List.copyOf(delete), recheckAfter(bounds, pods, now),
                events(bounds, create, delete, pods, old));
    }

    /** Failed Pods being replaced, and a change of scale (a rollout's own churn is told by the status report). */
    private static List<Event> events(Bounds bounds, int create, List<String> delete, List<PodState> pods,
            List<PodState> old) {
        List<Event> events = new ArrayList<>();
        pods.stream().filter(p -> p.failed() && delete.contains(p.name()))
                .forEach(p -> events.add(Event.warning("PodFailed", "Pod " + p.name()
                        + " finished or failed; replacing it")));
        long live = pods.stream().filter(PodState::live).count();
        boolean changes = create > 0 || !delete.isEmpty();
        if (old.isEmpty() && changes && live != bounds.replicas()) {
            events.add(Event.normal(bounds.replicas() > live ? "ScalingUp" : "ScalingDown",
                    "scaling from " + live + " to " + bounds.replicas() + " Pods"));
        }
        return events;
    }

    /** When the next ready Pod passes minReadySeconds: no Pod event will announce that moment. */
    private static Optional<Duration> recheckAfter(Bounds bounds, List<PodState> pods, Instant now) {
        if (bounds.minReadySeconds() == 0) {
            return Optional.empty();
        }
        return pods.stream().filter(p -> p.ready() && p.live() && p.readySince() != null)
                .map(p -> Duration.between(now, p.readySince().plusSeconds(bounds.minReadySeconds())))
                .filter(d -> !d.isNegative() && !d.isZero())
                .min(Comparator.naturalOrder())
                .map(d -> d.plusMillis(100));
    }
}
