package dev.pyfleet.extender;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * What the extender's Node cache keeps of every Node in the cluster: only the fields placement reads. Kept: name,
 * uid, resourceVersion, labels; taints and unschedulable; allocatable. The rest (a node's images, conditions and
 * managed fields) is most of each object and is dropped as it enters the cache. Pods: {@code kube.CachedPods}.
 */
final class CachedShapes {

    private CachedShapes() {
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
}
