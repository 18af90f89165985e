package dev.pyfleet.status;

import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.pyfleet.api.v1alpha1.ConditionedStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;

/**
 * Tells of failed reconciles once: one log line naming the object and the reason, and one Warning Event. The same
 * failure again on a retry is logged at DEBUG only; the first success after failing is logged at INFO. (The SDK's
 * own per-retry stack traces are lowered to DEBUG in application.properties.)
 */
@ApplicationScoped
public class ReconcileFailures {

    public static final String REASON = "ReconcileError";
    private static final Logger LOG = Logger.getLogger(ReconcileFailures.class);

    private final Map<String, String> failing = new ConcurrentHashMap<>();
    private final EventRecorder events;

    ReconcileFailures(EventRecorder events) {
        this.events = events;
    }

    /**
     * Records a failure; returns the reason, one line, for a status condition, or nothing when it is no failure to
     * tell of: a write that lost a race with a newer version (the newer one is reconciled next), or a write refused
     * because the object's namespace is being deleted.
     */
    public Optional<String> failed(HasMetadata resource, Exception thrown) {
        String key = key(resource);
        Throwable error = workflowFailure(thrown);
        String reason = reason(error);
        if (conflict(error)) {
            LOG.debugf("%s: a write met a newer version; reconciling that one: %s", key, reason);
            return Optional.empty();
        }
        if (namespaceTerminating(error)) {
            LOG.debugf("%s: reconcile stopped, its namespace is being deleted: %s", key, reason);
            return Optional.empty();
        }
        if (!reason.equals(failing.put(key, reason))) {
            LOG.errorf("%s: reconcile failed, retrying with backoff: %s", key, reason);
            events.warning(resource, REASON, reason);
        } else {
            LOG.debugf(thrown, "%s: reconcile failed again: %s", key, reason);
        }
        return Optional.of(reason);
    }

    /**
     * What a reconciler's updateErrorStatus returns: the failure told once, and the object's status (or
     * {@code empty} when it has none yet) marked Degraded with the reason; no status write for what is no failure,
     * and no retry when the object's namespace is being deleted.
     */
    public <S extends ConditionedStatus<S>, P extends CustomResource<?, S>> ErrorStatusUpdateControl<P> degrade(
            P resource, Exception error, S empty, Instant now) {
        Optional<String> reason = failed(resource, error);
        if (reason.isEmpty()) {
            // A namespace being deleted takes the object with it: trying again would only be refused again.
            return namespaceTerminating(workflowFailure(error)) ? ErrorStatusUpdateControl.<P>noStatusUpdate()
                    .withNoRetry() : ErrorStatusUpdateControl.noStatusUpdate();
        }
        S status = resource.getStatus() != null ? resource.getStatus() : empty;
        resource.setStatus(status.withConditions(Conditions.replace(status.conditions(),
                Conditions.of(Conditions.DEGRADED, true, REASON, reason.get()),
                resource.getMetadata().getGeneration(), now)));
        return ErrorStatusUpdateControl.patchStatus(resource);
    }

    /** Called after every successful reconcile; costs a map lookup only while something is failing. */
    public void succeeded(HasMetadata resource) {
        if (failing.isEmpty()) {
            return;
        }
        String key = key(resource);
        if (failing.remove(key) != null) {
            LOG.infof("%s: reconciled again after failing", key);
        }
    }

    static String key(HasMetadata resource) {
        return resource.getKind() + " " + resource.getMetadata().getNamespace() + "/"
                + resource.getMetadata().getName();
    }

    /**
     * The failed workflow inside what the SDK hands over, if that is one: its meters wrap whatever a reconcile threw
     * in an {@code OperatorException}, so the workflow's per-dependent failures sit one or more causes down.
     */
    static Throwable workflowFailure(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof AggregatedOperatorException) {
                return e;
            }
        }
        return error;
    }

    /**
     * What the API server said (code and message) rather than the client's URL-laden wrapper text; for a failed
     * workflow, that of each dependent that failed, by name.
     */
    static String reason(Throwable error) {
        if (error instanceof AggregatedOperatorException aggregated) {
            return aggregated.getAggregatedExceptions().entrySet().stream()
                    .map(e -> e.getKey() + ": " + reason(e.getValue())).sorted()
                    .collect(Collectors.joining("; "));
        }
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof KubernetesClientException k && k.getStatus() != null
                    && k.getStatus().getMessage() != null) {
                return "HTTP " + k.getCode() + ": " + oneLine(k.getStatus().getMessage());
            }
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + oneLine(root.getMessage());
        return root.getClass().getSimpleName() + message;
    }

    /** A single write refused for a stale resourceVersion; a failed workflow is never only that. */
    static boolean conflict(Throwable error) {
        if (error instanceof AggregatedOperatorException) {
            return false;
        }
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof KubernetesClientException k && k.getCode() == HttpURLConnection.HTTP_CONFLICT
                    && k.getStatus() != null && "Conflict".equals(k.getStatus().getReason())) {
                return true;
            }
        }
        return false;
    }

    static boolean namespaceTerminating(Throwable error) {
        if (error instanceof AggregatedOperatorException aggregated) {
            return !aggregated.getAggregatedExceptions().isEmpty() && aggregated.getAggregatedExceptions().values()
                    .stream().allMatch(ReconcileFailures::namespaceTerminating);
        }
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof KubernetesClientException k && k.getStatus() != null
                    && k.getStatus().getDetails() != null && k.getStatus().getDetails().getCauses() != null) {
                return k.getStatus().getDetails().getCauses().stream()
                        .anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
            }
        }
        return false;
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }
}
