package dev.pyfleet.extender;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyfleet.kube.Annotations;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.placement.Resources;
import dev.pyfleet.placement.Strategy;
import dev.pyfleet.placement.Toleration;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesResourceUtil;

/** Converts a Pod into what placement needs; the only place that reads PyFleet's labels and annotations on Pods. */
public final class PodRequests {

    static final String GPU = "nvidia.com/gpu";
    static final String EPHEMERAL_STORAGE = "ephemeral-storage";

    private PodRequests() {
    }

    /** PyFleet's own Pods and VM launcher pods; every other pod passes the extender untouched. */
    public static boolean isPyFleets(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return Labels.managedByPyFleet(labels) && (labels.containsKey(Labels.APP) || labels.containsKey(Labels.POOL));
    }

    public static PodRequest of(Pod pod) {
        Map<String, String> annotations = Optional.ofNullable(pod.getMetadata().getAnnotations()).orElse(Map.of());
        var spec = pod.getSpec();
        List<Toleration> tolerations = spec.getTolerations() == null ? List.of() : spec.getTolerations().stream()
                .map(t -> new Toleration(t.getKey(), t.getOperator() == null ? "Equal" : t.getOperator(),
                        t.getValue(), t.getEffect())).toList();
        int maxPerNode = parseInt(annotations.get(Annotations.MAX_PER_NODE));
        return new PodRequest(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), resources(pod),
                appKey(pod), Strategy.parse(annotations.get(Annotations.PLACEMENT_STRATEGY), Strategy.Balanced), maxPerNode, tolerations,
                spec.getNodeSelector() == null ? Map.of() : spec.getNodeSelector(), annotations.get(Annotations.SPREAD_KEY));
    }

    /** The app or pool a pod belongs to, namespaced, e.g. {@code demo/shop}; null for other pods. */
    public static String appKey(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels == null) {
            return null;
        }
        String app = labels.getOrDefault(Labels.APP, labels.get(Labels.POOL));
        return app == null ? null : pod.getMetadata().getNamespace() + "/" + app;
    }

    /**
     * What the pod takes from a node, as kube-scheduler counts it (the larger of the containers' sum and the
     * largest init container, plus overhead); for a VM's launcher pod at least the guest's size, which the launcher's
     * own small CPU request understates.
     */
    public static Resources resources(Pod pod) {
        var spec = pod.getSpec();
        long cpu = 0;
        long memory = 0;
        long gpus = 0;
        long ephemeral = 0;
        for (Container c : Optional.ofNullable(spec.getContainers()).orElse(List.of())) {
            cpu += milli(request(c, "cpu"));
            memory += bytes(request(c, "memory"));
            gpus += bytes(request(c, GPU));
            ephemeral += bytes(request(c, EPHEMERAL_STORAGE));
        }
        for (Container c : Optional.ofNullable(spec.getInitContainers()).orElse(List.of())) {
            cpu = Math.max(cpu, milli(request(c, "cpu")));
            memory = Math.max(memory, bytes(request(c, "memory")));
            gpus = Math.max(gpus, bytes(request(c, GPU)));
            ephemeral = Math.max(ephemeral, bytes(request(c, EPHEMERAL_STORAGE)));
        }
        if (spec.getOverhead() != null) {
            cpu += milli(spec.getOverhead().get("cpu"));
            memory += bytes(spec.getOverhead().get("memory"));
        }
        if (isLauncherOfAPoolVm(pod)) {
            Map<String, String> annotations = pod.getMetadata().getAnnotations();
            cpu = Math.max(cpu, guestSize(annotations.get(Annotations.GUEST_CPU), PodRequests::milli));
            memory = Math.max(memory, guestSize(annotations.get(Annotations.GUEST_MEMORY), PodRequests::bytes));
        }
        return new Resources(cpu, memory, 1, gpus, ephemeral);
    }

    /**
     * A launcher pod of one of PyFleet's pool VMs: labelled as PyFleet's, with guest sizes, and controlled by a
     * VirtualMachineInstance (as KubeVirt creates them; a Pod naming an owner that does not exist is removed by the
     * garbage collector). Guest sizes on any other pod are not read, so nobody can make a node look full with them.
     */
    static boolean isLauncherOfAPoolVm(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        OwnerReference controller = KubernetesResourceUtil.getControllerUid(pod);
        return labels != null && pod.getMetadata().getAnnotations() != null
                && Labels.managedByPyFleet(labels) && labels.containsKey(Labels.POOL) && controller != null
                && "VirtualMachineInstance".equals(controller.getKind()) && controller.getApiVersion() != null
                && controller.getApiVersion().startsWith("kubevirt.io/");
    }

    /** A guest size annotation, or 0 where it is missing or is no quantity that fits (never an error). */
    static long guestSize(String value, java.util.function.ToLongFunction<Quantity> unit) {
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, unit.applyAsLong(new Quantity(value)));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static Quantity request(Container container, String resource) {
        var resources = container.getResources();
        if (resources == null) {
            return null;
        }
        if (resources.getRequests() != null && resources.getRequests().containsKey(resource)) {
            return resources.getRequests().get(resource);
        }
        // As in Kubernetes, a limit without a request is the request.
        return resources.getLimits() == null ? null : resources.getLimits().get(resource);
    }

    static long milli(Quantity quantity) {
        return quantity == null ? 0 : Quantity.getAmountInBytes(quantity).multiply(BigDecimal.valueOf(1000))
                .setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }

    static long bytes(Quantity quantity) {
        return quantity == null ? 0 : Quantity.getAmountInBytes(quantity).setScale(0, java.math.RoundingMode.CEILING)
                .longValueExact();
    }

    private static int parseInt(String value) {
        try {
            return value == null ? 0 : Math.max(0, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
