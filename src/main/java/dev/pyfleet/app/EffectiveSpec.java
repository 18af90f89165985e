package dev.pyfleet.app;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.pyfleet.api.v1alpha1.PlacementSpec;
import dev.pyfleet.api.v1alpha1.PythonAppSpec;
import dev.pyfleet.api.v1alpha1.RolloutSpec;
import dev.pyfleet.api.v1alpha1.RuntimeSpec;
import dev.pyfleet.api.v1alpha1.ServiceSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * A PythonApp spec's values with the schema defaults filled in, read alike by the controller that runs the app as
 * Pods and by the one that installs it on a pool's VMs. The API server applies the defaults on every read, so this
 * matters only for objects built in code (tests) or stored before a default existed; the operator never writes
 * these values back.
 */
public record EffectiveSpec(PythonAppSpec spec) {

    public int replicas() {
        return Objects.requireNonNullElse(spec.replicas(), 1);
    }

    public int port() {
        return Objects.requireNonNullElse(spec.port(), 8080);
    }

    public RuntimeSpec.Type runtime() {
        return spec.runtime() == null || spec.runtime().type() == null ? RuntimeSpec.Type.Pods : spec.runtime().type();
    }

    /** The VMPool the app runs on, where its runtime is a pool. */
    public Optional<String> poolName() {
        RuntimeSpec runtime = spec.runtime();
        return runtime == null || runtime.type() != RuntimeSpec.Type.VMPool || runtime.poolRef() == null
                ? Optional.empty() : Optional.ofNullable(runtime.poolRef().name());
    }

    /** The apps, in the same namespace, that must be Ready before this one starts. */
    public List<String> dependsOn() {
        return spec.dependsOn() == null ? List.of() : spec.dependsOn();
    }

    /** Workers per process as {@code process.workers} asks, or sized from the container's resources. */
    public int workers() {
        return workersWithin(spec.resources());
    }

    /** Workers per process as {@code process.workers} asks, or sized from the given resources (a VM's guest). */
    public int workersWithin(ResourceRequirements resources) {
        return WorkerCount.of(spec.process() == null ? null : spec.process().workers(), resources);
    }

    public boolean serviceEnabled() {
        ServiceSpec service = spec.service();
        return service == null || service.enabled() == null || service.enabled();
    }

    public ServiceSpec.Type serviceType() {
        ServiceSpec service = spec.service();
        return service == null || service.type() == null ? ServiceSpec.Type.ClusterIP : service.type();
    }

    public int servicePort() {
        ServiceSpec service = spec.service();
        return service == null || service.port() == null ? 80 : service.port();
    }

    public PlacementSpec.Strategy strategy() {
        PlacementSpec placement = spec.placement();
        return placement == null || placement.strategy() == null ? PlacementSpec.Strategy.Balanced
                : placement.strategy();
    }

    public int maxPerNode() {
        PlacementSpec placement = spec.placement();
        return placement == null || placement.maxPerNode() == null ? 0 : placement.maxPerNode();
    }

    /** Spread's topology key, or null when the app spreads over nodes only. */
    public String topologyKey() {
        PlacementSpec placement = spec.placement();
        return placement == null || placement.topologyKey() == null || placement.topologyKey().isBlank() ? null
                : placement.topologyKey();
    }

    public int maxSkew() {
        PlacementSpec placement = spec.placement();
        return placement == null || placement.maxSkew() == null ? 1 : placement.maxSkew();
    }

    public IntOrString maxSurge() {
        RolloutSpec rollout = spec.rollout();
        return rollout == null || rollout.maxSurge() == null ? new IntOrString("25%") : rollout.maxSurge();
    }

    public IntOrString maxUnavailable() {
        RolloutSpec rollout = spec.rollout();
        return rollout == null || rollout.maxUnavailable() == null ? new IntOrString(0) : rollout.maxUnavailable();
    }

    public int minReadySeconds() {
        RolloutSpec rollout = spec.rollout();
        return rollout == null || rollout.minReadySeconds() == null ? 0 : rollout.minReadySeconds();
    }

    public int progressDeadlineSeconds() {
        RolloutSpec rollout = spec.rollout();
        return rollout == null || rollout.progressDeadlineSeconds() == null ? 600 : rollout.progressDeadlineSeconds();
    }
}
