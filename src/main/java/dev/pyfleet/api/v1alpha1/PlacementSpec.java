package dev.pyfleet.api.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Toleration;

/** Placement preferences, applied by the PyFleet scheduler extender. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlacementSpec(
        @Default("Balanced")
        @JsonPropertyDescription("Balanced: even use of CPU and memory. BinPack: fullest node that fits. Spread: "
                + "replicas apart. LoadAware: measured usage from metrics.k8s.io when served, requests otherwise.")
        Strategy strategy,

        @Default("0") @Min(0) @Max(1000)
        @JsonPropertyDescription("At most this many of the app's Pods on one node; 0 means no limit.")
        Integer maxPerNode,

        @Size(max = 64)
        @JsonPropertyDescription("Labels a node must have to run the app's Pods.")
        Map<String, String> nodeSelector,

        @Size(max = 32)
        @JsonPropertyDescription("Tolerations of the app's Pods (core/v1 Toleration).")
        List<Toleration> tolerations) {

    public enum Strategy { Balanced, BinPack, Spread, LoadAware }
}
