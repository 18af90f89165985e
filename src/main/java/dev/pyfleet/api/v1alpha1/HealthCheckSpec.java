package dev.pyfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** HTTP probes against the app's port. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthCheckSpec(
        @Required @Size(max = 1024) @Pattern("^/")
        @JsonPropertyDescription("Path probed with HTTP GET on the app's port, e.g. /healthz.")
        String path,

        @Default("0") @Min(0) @Max(3600)
        @JsonPropertyDescription("Seconds after start before the first probe.")
        Integer initialDelaySeconds,

        @Default("10") @Min(1) @Max(3600)
        @JsonPropertyDescription("Seconds between probes.")
        Integer periodSeconds,

        @Default("1") @Min(1) @Max(600)
        @JsonPropertyDescription("Seconds after which a probe counts as failed.")
        Integer timeoutSeconds,

        @Default("3") @Min(1) @Max(100)
        @JsonPropertyDescription("Failed probes in a row before the Pod is unready (readiness) or restarted (liveness).")
        Integer failureThreshold) {
}
