package dev.pyfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The Service that exposes the app inside (or outside) the cluster. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceSpec(
        @Default("true")
        @JsonPropertyDescription("Whether the operator creates a Service for the app.")
        Boolean enabled,

        @Default("ClusterIP")
        @JsonPropertyDescription("ClusterIP, NodePort or LoadBalancer.")
        Type type,

        @Default("80") @Min(1) @Max(65535)
        @JsonPropertyDescription("Port the Service listens on; it forwards to the app's port.")
        Integer port) {

    public enum Type { ClusterIP, NodePort, LoadBalancer }
}
