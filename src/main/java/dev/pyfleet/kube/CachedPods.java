package dev.pyfleet.kube;

import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;

/**
 * What PyFleet's one cache of the cluster's Pods keeps of each Pod. The cache serves both the extender, which reads
 * every Pod of the cluster, and the PythonApp controller, which reads its apps' Pods, so each Pod is held once.
 * <p>
 * Kept of every Pod (what placement reads): name, namespace, uid, resourceVersion, labels, annotations, owner
 * references, creation and deletion times; its node, its containers' and init containers' names and resources,
 * overhead, tolerations and node selector; its phase. Kept besides of an app's Pods (what rollout planning and the
 * status read): the Ready condition and, per container, its name, readiness, restart count, state and last state.
 * Dropped as the Pod enters the cache: the environment, volumes, probes, the security context, IPs, images, the other
 * conditions and the managed fields, which are most of each object.
 */
public final class CachedPods {

    private CachedPods() {
    }

    public static Pod of(Pod pod) {
        var spec = pod.getSpec();
        var kept = new PodBuilder().withMetadata(metadata(pod.getMetadata()));
        if (spec != null) {
            kept.withNewSpec().withNodeName(spec.getNodeName())
                    .withContainers(resourcesOf(spec.getContainers()))
                    .withInitContainers(resourcesOf(spec.getInitContainers()))
                    .withOverhead(spec.getOverhead()).withTolerations(spec.getTolerations())
                    .withNodeSelector(spec.getNodeSelector()).endSpec();
        }
        var status = pod.getStatus();
        if (status != null) {
            var keptStatus = new PodStatusBuilder().withPhase(status.getPhase());
            if (Labels.appPod(pod.getMetadata().getLabels())) {
                keptStatus.withConditions(status.getConditions() == null ? null
                        : status.getConditions().stream().filter(c -> "Ready".equals(c.getType())).toList())
                        .withContainerStatuses(status.getContainerStatuses() == null ? null
                                : status.getContainerStatuses().stream()
                                        .map(c -> new ContainerStatusBuilder().withName(c.getName())
                                                .withReady(c.getReady()).withRestartCount(c.getRestartCount())
                                                .withState(c.getState()).withLastState(c.getLastState()).build())
                                        .toList());
            }
            kept.withStatus(keptStatus.build());
        }
        return kept.build();
    }

    private static ObjectMeta metadata(ObjectMeta meta) {
        return new ObjectMetaBuilder().withName(meta.getName()).withNamespace(meta.getNamespace())
                .withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion()).withLabels(meta.getLabels())
                .withAnnotations(meta.getAnnotations()).withOwnerReferences(meta.getOwnerReferences())
                .withCreationTimestamp(meta.getCreationTimestamp()).withDeletionTimestamp(meta.getDeletionTimestamp())
                .build();
    }

    private static List<Container> resourcesOf(List<Container> containers) {
        return containers == null ? null : containers.stream()
                .map(c -> new ContainerBuilder().withName(c.getName()).withResources(c.getResources()).build())
                .toList();
    }
}
