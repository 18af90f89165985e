package dev.pyfleet.pythonapp;

import java.time.Instant;
import java.util.Optional;

import dev.pyfleet.kube.Labels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;

/**
 * What rollout planning and the status need to know of one of an app's Pods.
 *
 * @param trouble why its app cannot run (crash loop, OOM kill, image), or null
 */
public record PodState(String name, String revision, Instant created, boolean terminating, boolean failed,
        boolean ready, Instant readySince, ContainerTrouble trouble) {

    public PodState(String name, String revision, Instant created, boolean terminating, boolean failed,
            boolean ready, Instant readySince) {
        this(name, revision, created, terminating, failed, ready, readySince, null);
    }

    public static PodState of(Pod pod) {
        var status = pod.getStatus();
        String phase = status == null ? null : status.getPhase();
        Optional<PodCondition> readyCondition = status == null
                || status.getConditions() == null ? Optional.empty()
                        : status.getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
        boolean ready = readyCondition.map(c -> "True".equals(c.getStatus())).orElse(false);
        return new PodState(pod.getMetadata().getName(),
                pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(Labels.REVISION),
                parse(pod.getMetadata().getCreationTimestamp()),
                pod.getMetadata().getDeletionTimestamp() != null,
                "Failed".equals(phase) || "Succeeded".equals(phase),
                ready,
                readyCondition.map(c -> parse(c.getLastTransitionTime())).orElse(null),
                ContainerTrouble.of(pod).orElse(null));
    }

    /**
     * What the controller's Pod cache keeps of each of an app's Pods: what {@link #of} and the owner mapping read,
     * nothing else. Kept: name, namespace, uid, resourceVersion, labels, owner references, creation and deletion
     * times; each container's name and memory limit; the phase, the Ready condition and, per container, its name,
     * readiness, restart count, waiting state and last termination. Dropped as the Pod enters the cache: the
     * environment, volumes, probes, the security context, annotations, IPs, images and the other conditions.
     */
    public static Pod cached(Pod pod) {
        var meta = pod.getMetadata();
        var kept = new PodBuilder().withMetadata(new ObjectMetaBuilder().withName(meta.getName())
                .withNamespace(meta.getNamespace()).withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion()).withLabels(meta.getLabels())
                .withOwnerReferences(meta.getOwnerReferences()).withCreationTimestamp(meta.getCreationTimestamp())
                .withDeletionTimestamp(meta.getDeletionTimestamp()).build());
        if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
            kept.withNewSpec().withContainers(pod.getSpec().getContainers().stream()
                    .map(c -> new ContainerBuilder().withName(c.getName()).withResources(memoryLimitOf(c)).build())
                    .toList()).endSpec();
        }
        var status = pod.getStatus();
        if (status != null) {
            kept.withNewStatus().withPhase(status.getPhase())
                    .withConditions(status.getConditions() == null ? null
                            : status.getConditions().stream().filter(c -> "Ready".equals(c.getType())).toList())
                    .withContainerStatuses(status.getContainerStatuses() == null ? null
                            : status.getContainerStatuses().stream()
                                    .map(c -> new ContainerStatusBuilder().withName(c.getName())
                                            .withReady(c.getReady()).withRestartCount(c.getRestartCount())
                                            .withState(c.getState()).withLastState(c.getLastState()).build())
                                    .toList())
                    .endStatus();
        }
        return kept.build();
    }

    private static ResourceRequirements memoryLimitOf(Container container) {
        var resources = container.getResources();
        if (resources == null || resources.getLimits() == null || !resources.getLimits().containsKey("memory")) {
            return null;
        }
        return new ResourceRequirementsBuilder().addToLimits("memory", resources.getLimits().get("memory")).build();
    }

    /** Ready for at least minReadySeconds at {@code now}. */
    public boolean availableAt(Instant now, long minReadySeconds) {
        return ready && !terminating && !failed
                && (minReadySeconds == 0 || readySince == null || !readySince.plusSeconds(minReadySeconds).isAfter(now));
    }

    /** Alive: neither going away nor finished. */
    public boolean live() {
        return !terminating && !failed;
    }

    private static Instant parse(String timestamp) {
        return timestamp == null ? Instant.EPOCH : Instant.parse(timestamp);
    }
}
