package dev.pyfleet.status;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/** How both controllers hand a reported status to the SDK and decide when time alone calls for another look. */
public final class StatusUpdates {

    private StatusUpdates() {
    }

    /** A status patch only where the status changed: an unchanged one is no write and wakes nobody. */
    public static <S, P extends CustomResource<?, S>> UpdateControl<P> patchIfChanged(P resource, S status) {
        if (Objects.equals(status, resource.getStatus())) {
            return UpdateControl.noUpdate();
        }
        resource.setStatus(status);
        return UpdateControl.patchStatus(resource);
    }

    /**
     * While a rollout is in progress, the moment its progress deadline passes (no event announces it): a second
     * after {@code lastProgressTime + deadlineSeconds}.
     */
    public static Optional<Duration> untilProgressDeadline(List<Condition> conditions, String lastProgressTime,
            int deadlineSeconds, Instant now) {
        if (lastProgressTime == null || !Conditions.isTrue(conditions, Conditions.PROGRESSING)) {
            return Optional.empty();
        }
        Instant due = Instant.parse(lastProgressTime).plusSeconds(deadlineSeconds + 1L);
        return Optional.of(Duration.between(now, due)).filter(d -> !d.isNegative());
    }

    /** The soonest of several reasons to look again, if any. */
    @SafeVarargs
    public static Optional<Duration> soonest(Optional<Duration>... checks) {
        return Stream.of(checks).flatMap(Optional::stream).min(Duration::compareTo);
    }

    /** Schedules the next look, if there is a reason for one. */
    public static <P extends CustomResource<?, ?>> UpdateControl<P> lookAgain(UpdateControl<P> control,
            Optional<Duration> after) {
        after.ifPresent(control::rescheduleAfter);
        return control;
    }
}
