package dev.pyfleet.status;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** How the controllers write a reported status, and decide when time alone calls for another look. */
public final class StatusUpdates {

    private StatusUpdates() {
    }

    /**
     * Writes the status where it changed (an unchanged one is no write and wakes nobody) as the SDK would (a forced
     * server-side apply of the status subresource by the controller's field manager), and puts the written object in
     * the controller's cache at once. The SDK leaves its own status patches out of that cache: a reconcile started
     * before the informer brings the write back would read the status from before it, and where its result equals
     * that older one it would skip the write, leaving the server with a status no longer true until some other
     * change comes along (a status-only change wakes nobody).
     */
    public static <S, P extends CustomResource<?, S>> UpdateControl<P> patchIfChanged(P resource, S status,
            Context<P> context) {
        if (Objects.equals(status, resource.getStatus())) {
            return UpdateControl.noUpdate();
        }
        // The SDK hands each reconcile its own copy: changing it leaves the cache alone, and it keeps the version read.
        resource.setStatus(status);
        resource.getMetadata().setManagedFields(null);
        P written = context.getClient().resource(resource).subresource("status").patch(new PatchContext.Builder()
                .withFieldManager(context.getControllerConfiguration().fieldManager()).withForce(true)
                .withPatchType(PatchType.SERVER_SIDE_APPLY).build());
        written(context, written, resource);
        return UpdateControl.noUpdate();
    }

    /**
     * Hands an object this controller wrote to its cache, so the next reconcile reads it rather than {@code read},
     * the version the write was made over, until the informer brings the write back.
     */
    public static <P extends CustomResource<?, ?>> void written(Context<P> context, P written, P read) {
        context.eventSourceRetriever().getControllerEventSource()
                .handleRecentResourceUpdate(ResourceID.fromResource(written), written, read);
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
