package dev.pyfleet.extender;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.pyfleet.placement.Rejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The extender's meters: latency per verb, decisions by strategy and outcome, rejections by reason. */
@ApplicationScoped
public class ExtenderMetrics {

    private final MeterRegistry registry;

    ExtenderMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void latency(String verb, Duration duration) {
        Timer.builder("pyfleet.extender.request").description("Extender request latency by verb")
                .tag("verb", verb).publishPercentileHistogram().register(registry).record(duration);
    }

    void decision(String strategy, String outcome) {
        Counter.builder("pyfleet.extender.decisions").description("Extender decisions by strategy and outcome")
                .tag("strategy", strategy).tag("outcome", outcome).register(registry).increment();
    }

    void rejection(Rejection.Reason reason) {
        Counter.builder("pyfleet.extender.rejections").description("Nodes rejected by the extender, by reason")
                .tag("reason", reason.name()).register(registry).increment();
    }
}
