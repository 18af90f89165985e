package dev.pyfleet.extender;

import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/**
 * What the extender's caches keep of every Pod and Node in the cluster: only the fields placement reads. Kept of a
 * Pod: name, namespace, uid, resourceVersion, labels, annotations, owner references, deletion time; its node, its
 * containers' and init containers' names and resources, overhead, tolerations and node selector; its phase. Of a
 * Node: name, uid, resourceVersion, labels; taints and unschedulable; allocatable. The rest (environment, volumes,
 * container statuses, a node's images and conditions) is most of each object and is dropped as it enters the cache.
 */
final class CachedShapes {

    private CachedShapes() {
    }

    static Pod pod(Pod pod) {
        var spec = pod.getSpec();
        var kept = new PodBuilder().withMetadata(metadata(pod.getMetadata()));
        if (spec != null) {
            kept.withNewSpec().withNodeName(spec.getNodeName())
                    .withContainers(resourcesOf(spec.getContainers()))
                    .withInitContainers(resourcesOf(spec.getInitContainers()))
                    .withOverhead(spec.getOverhead()).withTolerations(spec.getTolerations())
                    .withNodeSelector(spec.getNodeSelector()).endSpec();
        }
        if (pod.getStatus() != null) {
            kept.withNewStatus().withPhase(pod.getStatus().getPhase()).endStatus();
        }
        return kept.build();
    }

    static Node node(Node node) {
        var kept = new NodeBuilder().withMetadata(metadata(node.getMetadata()));
        if (node.getSpec() != null) {
            kept.withNewSpec().withTaints(node.getSpec().getTaints())
                    .withUnschedulable(node.getSpec().getUnschedulable()).endSpec();
        }
        if (node.getStatus() != null) {
            kept.withNewStatus().withAllocatable(node.getStatus().getAllocatable()).endStatus();
        }
        return kept.build();
    }

    private static ObjectMeta metadata(ObjectMeta meta) {
        return new ObjectMetaBuilder().withName(meta.getName()).withNamespace(meta.getNamespace())
                .withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion()).withLabels(meta.getLabels())
                .withAnnotations(meta.getAnnotations()).withOwnerReferences(meta.getOwnerReferences())
                .withDeletionTimestamp(meta.getDeletionTimestamp()).build();
    }

    private static List<Container> resourcesOf(List<Container> containers) {
        return containers == null ? null : containers.stream()
                .map(c -> new ContainerBuilder().withName(c.getName()).withResources(c.getResources()).build())
                .toList();
    }
}
