package dev.pyfleet.metrics;

import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import dev.pyfleet.api.v1alpha1.ConditionedStatus;
import dev.pyfleet.kube.Leadership;
import dev.pyfleet.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * PyFleet's own gauges, read from the controllers' informer caches at scrape time (nothing to keep in step):
 * apps and pools by condition, desired and ready replicas, rollouts in progress. Only the leading replica exports
 * them (a standby's caches hold the same objects), so a sum over replicas counts each app once.
 */
@ApplicationScoped
public class FleetMetrics {

    static final List<String> CONDITIONS = List.of(Conditions.READY, Conditions.PROGRESSING, Conditions.DEGRADED);

    private final MeterRegistry registry;
    private final Leadership leadership;

    FleetMetrics(MeterRegistry registry, Leadership leadership) {
        this.registry = registry;
        this.leadership = leadership;
    }

    /**
     * Exports the gauges of one kind from its controller's cache, once this replica leads.
     *
     * @param desired replicas asked for, defaults applied
     * @param ready ready replicas as the status says
     */
    public <R extends CustomResource<?, ? extends ConditionedStatus<?>>> void watch(String kind,
            IndexedResourceCache<R> cache, ToDoubleFunction<R> desired, ToDoubleFunction<R> ready) {
        Function<R, List<Condition>> conditions = r -> r.getStatus() == null ? null : r.getStatus().conditions();
        leadership.whenLeading(() -> register(kind, cache, conditions, desired, ready));
    }

    private <R extends CustomResource<?, ?>> void register(String kind, IndexedResourceCache<R> cache,
            Function<R, List<Condition>> conditions, ToDoubleFunction<R> desired, ToDoubleFunction<R> ready) {
        for (String type : CONDITIONS) {
            for (String status : List.of("True", "False")) {
                Gauge.builder("pyfleet.resources", cache, c -> c.list().filter(r -> {
                    Condition condition = Conditions.find(conditions.apply(r), type);
                    return condition != null && status.equals(condition.getStatus());
                }).count()).description("PythonApps and VMPools by condition").tags("kind", kind, "condition", type,
                        "status", status).register(registry);
            }
        }
        Gauge.builder("pyfleet.replicas.desired", cache, c -> sum(c.list(), desired))
                .description("Replicas asked for, summed over all apps or pools").tags("kind", kind)
                .register(registry);
        Gauge.builder("pyfleet.replicas.ready", cache, c -> sum(c.list(), ready))
                .description("Ready replicas, summed over all apps or pools").tags("kind", kind).register(registry);
        Gauge.builder("pyfleet.rollouts.in.progress", cache, c -> c.list()
                .filter(r -> Conditions.isTrue(conditions.apply(r), Conditions.PROGRESSING)).count())
                .description("Apps or pools whose rollout is in progress").tags("kind", kind).register(registry);
    }

    private static <R> double sum(Stream<R> resources, ToDoubleFunction<R> value) {
        return resources.mapToDouble(value).sum();
    }
}
