package dev.pyfleet.kube;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;

/**
 * What PyFleet's one cache of the cluster's Pods keeps of each Pod. The cache serves both the extender, which reads
 * every Pod of the cluster, and the PythonApp controller, which reads its apps' Pods, so each Pod is held once.
 * <p>
 * Kept of every Pod (what placement reads): name, namespace, uid, resourceVersion, labels, annotations, owner
 * references, creation and deletion times; its node, its containers' and init containers' names and resources,
 * overhead, tolerations and node selector; its phase. Kept besides of an app's Pods (what rollout planning and the
 * status read): the Ready condition (type, status, last transition), the scheduler's condition while it finds no
 * node (reason Unschedulable and its message) and, per container, its name, readiness, restart count, state and last
 * state; of a pool VM's launcher Pod, the Ready condition (whether a rebalance may move it).
 * Dropped as the Pod enters the cache: the environment, volumes, probes, the security context, IPs, images, the other
 * conditions and the managed fields, which are most of each object.
 * <p>
 * The values many Pods repeat (namespaces, labels, owners, nodes, tolerations, quantities, phases) are kept as one
 * shared String each ({@link String#intern()}, which lets go of a value no Pod holds any more), and label, annotation
 * and selector maps as compact immutable maps: in a fleet of thousands of Pods these copies are a large part of the
 * cache.
 */
public final class CachedPods {

    /** The reason of the PodScheduled condition of a Pod the scheduler has found no node for. */
    public static final String UNSCHEDULABLE = "Unschedulable";

    private CachedPods() {
    }

    public static Pod of(Pod pod) {
        var spec = pod.getSpec();
        var kept = new PodBuilder().withMetadata(metadata(pod.getMetadata()));
        if (spec != null) {
            kept.withNewSpec().withNodeName(shared(spec.getNodeName()))
                    .withContainers(resourcesOf(spec.getContainers()))
                    .withInitContainers(resourcesOf(spec.getInitContainers()))
                    .withOverhead(spec.getOverhead()).withTolerations(tolerations(spec.getTolerations()))
                    .withNodeSelector(spec.getNodeSelector()).endSpec();
        }
        var status = pod.getStatus();
        if (status != null) {
            var keptStatus = kept.withNewStatus().withPhase(shared(status.getPhase()));
            var labels = pod.getMetadata().getLabels();
            if (Labels.appPod(labels) || Labels.poolPod(labels)) {
                keptStatus.withConditions(status.getConditions() == null ? null
                        : status.getConditions().stream().filter(c -> "Ready".equals(c.getType())
                                || Labels.appPod(labels) && UNSCHEDULABLE.equals(c.getReason()))
                                .map(c -> new PodConditionBuilder().withType(shared(c.getType()))
                                        .withStatus(shared(c.getStatus()))
                                        .withLastTransitionTime(c.getLastTransitionTime())
                                        .withReason(UNSCHEDULABLE.equals(c.getReason()) ? UNSCHEDULABLE : null)
                                        .withMessage(UNSCHEDULABLE.equals(c.getReason()) ? c.getMessage() : null)
                                        .build())
                                .toList());
            }
            if (Labels.appPod(labels)) {
                keptStatus.withContainerStatuses(status.getContainerStatuses() == null ? null
                                : status.getContainerStatuses().stream()
                                        .map(c -> new ContainerStatusBuilder().withName(shared(c.getName()))
                                                .withReady(c.getReady()).withRestartCount(c.getRestartCount())
                                                .withState(c.getState()).withLastState(c.getLastState()).build())
                                        .toList());
            }
            keptStatus.endStatus();
        }
        return compact(kept.build());
    }

    /**
     * Replaces the built Pod's maps with compact immutable ones of shared Strings. Done on the built object: every
     * builder copies the maps it is given into LinkedHashMaps of its own.
     */
    private static Pod compact(Pod kept) {
        kept.getMetadata().setLabels(shared(kept.getMetadata().getLabels()));
        kept.getMetadata().setAnnotations(shared(kept.getMetadata().getAnnotations()));
        var spec = kept.getSpec();
        if (spec != null) {
            spec.setNodeSelector(shared(spec.getNodeSelector()));
            spec.setOverhead(quantities(spec.getOverhead()));
            Stream.of(spec.getContainers(), spec.getInitContainers()).filter(Objects::nonNull).flatMap(List::stream)
                    .map(Container::getResources).filter(Objects::nonNull).forEach(resources -> {
                        resources.setRequests(quantities(resources.getRequests()));
                        resources.setLimits(quantities(resources.getLimits()));
                    });
        }
        return kept;
    }

    private static ObjectMeta metadata(ObjectMeta meta) {
        return new ObjectMetaBuilder().withName(meta.getName()).withNamespace(shared(meta.getNamespace()))
                .withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion())
                .withLabels(meta.getLabels()).withAnnotations(meta.getAnnotations())
                .withOwnerReferences(owners(meta.getOwnerReferences()))
                .withCreationTimestamp(meta.getCreationTimestamp()).withDeletionTimestamp(meta.getDeletionTimestamp())
                .build();
    }

    private static List<OwnerReference> owners(List<OwnerReference> owners) {
        return owners == null ? null : owners.stream()
                .map(o -> new OwnerReferenceBuilder().withApiVersion(shared(o.getApiVersion()))
                        .withKind(shared(o.getKind())).withName(shared(o.getName())).withUid(shared(o.getUid()))
                        .withController(o.getController()).withBlockOwnerDeletion(o.getBlockOwnerDeletion()).build())
                .toList();
    }

    private static List<Container> resourcesOf(List<Container> containers) {
        return containers == null ? null : containers.stream()
                .map(c -> new ContainerBuilder().withName(shared(c.getName())).withResources(c.getResources())
                        .build())
                .toList();
    }

    private static List<Toleration> tolerations(List<Toleration> tolerations) {
        return tolerations == null ? null : tolerations.stream()
                .map(t -> new TolerationBuilder().withKey(shared(t.getKey())).withOperator(shared(t.getOperator()))
                        .withValue(shared(t.getValue())).withEffect(shared(t.getEffect()))
                        .withTolerationSeconds(t.getTolerationSeconds()).build())
                .toList();
    }

    private static Map<String, Quantity> quantities(Map<String, Quantity> quantities) {
        if (quantities == null) {
            return null;
        }
        Map<String, Quantity> kept = new HashMap<>();
        quantities.forEach((name, q) -> kept.put(shared(name),
                q == null ? null : new Quantity(shared(q.getAmount()), shared(q.getFormat()))));
        return kept.containsKey(null) || kept.containsValue(null) ? kept : Map.copyOf(kept);
    }

    private static Map<String, String> shared(Map<String, String> map) {
        if (map == null) {
            return null;
        }
        Map<String, String> kept = new HashMap<>();
        map.forEach((key, value) -> kept.put(shared(key), shared(value)));
        return kept.containsKey(null) || kept.containsValue(null) ? kept : Map.copyOf(kept);
    }

    private static String shared(String value) {
        return value == null ? null : value.intern();
    }
}
