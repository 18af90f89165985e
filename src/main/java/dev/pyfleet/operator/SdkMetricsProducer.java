package dev.pyfleet.operator;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The SDK's reconcile meters, per controller only unless {@code pyfleet.metrics.per-resource} asks for one set per
 * PythonApp and VMPool as well: with thousands of apps those are thousands of timers and counters, most of the
 * operator's heap and of every scrape, and the fleet gauges already say how many apps are in which state.
 * (Replaces the extension's default, which always counts per resource.)
 */
public class SdkMetricsProducer {

    @Produces
    @Singleton
    Metrics sdkMetrics(MeterRegistry registry, OperatorSettings settings) {
        return settings.metrics().perResource()
                ? MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry).build()
                : MicrometerMetrics.withoutPerResourceMetrics(registry);
    }
}
