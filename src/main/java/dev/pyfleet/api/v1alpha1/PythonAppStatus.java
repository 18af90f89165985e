package dev.pyfleet.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;

/** What the operator observed, written only by the operator. {@code Ready} is the summary condition. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PythonAppStatus(
        @JsonPropertyDescription("The metadata.generation this status describes.")
        Long observedGeneration,

        @StatusReplicas
        @JsonPropertyDescription("Pods of the app that exist and are not being deleted.")
        Integer replicas,

        @JsonPropertyDescription("Pods whose Ready condition is True.")
        Integer readyReplicas,

        @JsonPropertyDescription("Pods at the current template revision.")
        Integer updatedReplicas,

        @JsonPropertyDescription("Pods Ready for at least rollout.minReadySeconds.")
        Integer availableReplicas,

        @LabelSelector
        @JsonPropertyDescription("Label selector of the app's Pods, for the scale subresource (HPA, kubectl scale).")
        String selector,

        @JsonPropertyDescription("Revision (template hash) that all Pods run once a rollout is complete.")
        String currentRevision,

        @JsonPropertyDescription("Revision (template hash) of the current spec; Pods at another revision are replaced.")
        String updateRevision,

        @JsonPropertyDescription("Ready Pods out of desired replicas, e.g. \"3/3\".")
        String ready,

        @JsonPropertyDescription("One word for people: Running, Progressing, Degraded, Waiting or Stopped.")
        String phase,

        @JsonPropertyDescription("When the current rollout last made progress (RFC 3339); the progress deadline "
                + "counts from here.")
        String lastProgressTime,

        @JsonPropertyDescription("Ready, Progressing, Degraded and DependenciesReady, and kstatus's Reconciling and "
                + "Stalled; one of each type.")
        List<Condition> conditions) implements ConditionedStatus<PythonAppStatus> {

    /** No status yet: what an object has before its first successful reconcile. */
    public static final PythonAppStatus EMPTY = new PythonAppStatus(null, null, null, null, null, null, null, null, null,
            null, null, null);

    @Override
    public PythonAppStatus withConditions(List<Condition> replaced) {
        return new PythonAppStatus(observedGeneration, replicas, readyReplicas, updatedReplicas, availableReplicas,
                selector, currentRevision, updateRevision, ready, phase, lastProgressTime, replaced);
    }
}
