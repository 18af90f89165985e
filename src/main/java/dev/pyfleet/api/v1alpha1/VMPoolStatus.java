package dev.pyfleet.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;

/** What the operator observed of a pool. {@code Ready} is the summary condition. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VMPoolStatus(
        @JsonPropertyDescription("The metadata.generation this status describes.")
        Long observedGeneration,

        @StatusReplicas
        @JsonPropertyDescription("VMs of the pool that exist and are not being deleted.")
        Integer replicas,

        @JsonPropertyDescription("VMs that KubeVirt reports Ready.")
        Integer readyReplicas,

        @JsonPropertyDescription("VMs at the current template revision.")
        Integer updatedReplicas,

        @LabelSelector
        @JsonPropertyDescription("Label selector of the pool's VMs, for the scale subresource.")
        String selector,

        @JsonPropertyDescription("Revision all VMs run once a rollout is complete.")
        String currentRevision,

        @JsonPropertyDescription("Revision of the current template (VM spec and the apps on the pool).")
        String updateRevision,

        @JsonPropertyDescription("Ready VMs out of desired replicas, e.g. \"3/3\".")
        String ready,

        @JsonPropertyDescription("One word for people: Running, Progressing, Degraded, Waiting or Stopped.")
        String phase,

        @JsonPropertyDescription("When the current rollout last made progress (RFC 3339).")
        String lastProgressTime,

        @JsonPropertyDescription("Every VM of the pool.")
        List<VM> vms,

        @JsonPropertyDescription("Ready, Progressing, Degraded and KubeVirtAvailable, and kstatus's Reconciling and "
                + "Stalled; one of each type.")
        List<Condition> conditions) implements ConditionedStatus<VMPoolStatus> {

    /** No status yet: what an object has before its first successful reconcile. */
    public static final VMPoolStatus EMPTY = new VMPoolStatus(null, null, null, null, null, null, null, null, null,
            null, null, null);

    @Override
    public VMPoolStatus withConditions(List<Condition> replaced) {
        return new VMPoolStatus(observedGeneration, replicas, readyReplicas, updatedReplicas, selector, currentRevision,
                updateRevision, ready, phase, lastProgressTime, vms, replaced);
    }

    /** One VM of the pool. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VM(
            @JsonPropertyDescription("VirtualMachine name, <pool>-<ordinal>.")
            String name,
            @JsonPropertyDescription("KubeVirt's printableStatus, e.g. Running, Starting, CrashLoopBackOff.")
            String phase,
            @JsonPropertyDescription("Node running the VM's instance.")
            String node,
            @JsonPropertyDescription("Whether KubeVirt reports the VM Ready.")
            Boolean ready,
            @JsonPropertyDescription("Template revision the VM was made from.")
            String revision) {
    }
}
