package dev.pyfleet.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.PythonAppStatus;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.OperatorException;

/** The one line a failed reconcile is told in: the API server's words, not the client's wrapping. */
class ReconcileFailuresTest {

    static KubernetesClientException refused(int code, String message, String causeReason) {
        Status status = new StatusBuilder().withCode(code).withMessage(message).withNewDetails().addNewCause()
                .withReason(causeReason).endCause().endDetails().build();
        return new KubernetesClientException("Failure executing: POST at: https://x/api/v1/...", code, status);
    }

    @Test
    void reasonIsTheApiServersMessageOnOneLine() {
        var error = refused(403, "pods \"a-1\" is forbidden:\n exceeded quota: pods", "FieldValueForbidden");
        assertThat(ReconcileFailures.reason(new RuntimeException("wrapped", error)))
                .isEqualTo("HTTP 403: pods \"a-1\" is forbidden: exceeded quota: pods");
        assertThat(ReconcileFailures.namespaceTerminating(error)).isFalse();
    }

    @Test
    void aFailedWorkflowNamesEachDependentThatFailed() {
        Map<String, Exception> failed = new LinkedHashMap<>();
        failed.put("service", refused(422, "Service \"a\" is invalid: spec.ports[0].port: Invalid value", "x"));
        failed.put("disruption-budget", new IllegalStateException("boom"));
        assertThat(ReconcileFailures.reason(new AggregatedOperatorException("Exception(s) during workflow", failed)))
                .isEqualTo("disruption-budget: IllegalStateException: boom; "
                        + "service: HTTP 422: Service \"a\" is invalid: spec.ports[0].port: Invalid value");
    }

    @Test
    void aWriteThatMetANewerVersionIsNoFailure() {
        Status conflict = new StatusBuilder().withCode(409).withReason("Conflict")
                .withMessage("the object has been modified").build();
        assertThat(ReconcileFailures.conflict(new RuntimeException(
                new KubernetesClientException("Failure executing: PATCH", 409, conflict)))).isTrue();
        Status exists = new StatusBuilder().withCode(409).withReason("AlreadyExists").withMessage("exists").build();
        assertThat(ReconcileFailures.conflict(new KubernetesClientException("POST", 409, exists))).isFalse();
    }

    @Test
    void writesRefusedBecauseTheNamespaceIsGoingAwayAreNotFailures() {
        var terminating = refused(403, "unable to create new content in namespace x", "NamespaceTerminating");
        assertThat(ReconcileFailures.namespaceTerminating(terminating)).isTrue();
        assertThat(ReconcileFailures.namespaceTerminating(new AggregatedOperatorException("w",
                Map.of("service", terminating, "disruption-budget", terminating)))).isTrue();
        assertThat(ReconcileFailures.namespaceTerminating(new AggregatedOperatorException("w",
                Map.of("service", terminating, "pods", new IllegalStateException("x"))))).isFalse();
        // As the SDK hands a failed workflow over (its meters wrap what the reconcile threw): no failure to tell of,
        // so no Event is written (the recorder has no client to write one with) and no Degraded condition.
        var wrapped = new OperatorException(new AggregatedOperatorException("w",
                Map.of("service", terminating, "disruption-budget", terminating)));
        var pod = new PodBuilder().withNewMetadata().withNamespace("x").withName("a").endMetadata().build();
        assertThat(new ReconcileFailures(new EventRecorder(null)).failed(pod, wrapped)).isEmpty();
        var app = new PythonApp();
        app.setMetadata(pod.getMetadata());
        var control = new ReconcileFailures(new EventRecorder(null)).degrade(app, wrapped, PythonAppStatus.EMPTY,
                java.time.Instant.EPOCH);
        assertThat(control.getResource()).as("no status write").isEmpty();
        assertThat(control.isNoRetry()).as("not tried again: it would only be refused again").isTrue();
        assertThat(ReconcileFailures.reason(ReconcileFailures.workflowFailure(new OperatorException(
                new AggregatedOperatorException("w", Map.of("service", terminating))))))
                .isEqualTo("service: HTTP 403: unable to create new content in namespace x");
        assertThat(List.of(new RuntimeException(new IllegalArgumentException("deep")))).allSatisfy(e ->
                assertThat(ReconcileFailures.reason(e)).isEqualTo("IllegalArgumentException: deep"));
    }
}
