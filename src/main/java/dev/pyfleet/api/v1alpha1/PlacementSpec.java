package dev.pyfleet.api.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Toleration;

/** Placement preferences, applied by the PyFleet scheduler extender. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.topologyKey) || self.strategy == 'Spread'",
        message = "placement.topologyKey applies only to strategy Spread", fieldPath = ".topologyKey")
@ValidationRule(value = "!has(self.maxSkew) || has(self.topologyKey)",
        message = "placement.maxSkew needs placement.topologyKey (the label whose values are the domains)",
        fieldPath = ".maxSkew")
public record PlacementSpec(
        @Default("Balanced")
        @JsonPropertyDescription("Balanced: even load across nodes and across CPU and memory. BinPack: fewest nodes "
                + "(fullest node that fits). Spread: replicas apart (per node, and per topologyKey domain), "
                + "balanced otherwise. LoadAware: least loaded by measured usage from metrics.k8s.io when served, "
                + "requests otherwise, keeping 20% headroom. Every strategy keeps Pods without GPUs off GPU nodes "
                + "while other nodes fit them.")
        Strategy strategy,

        @Default("0") @Min(0) @Max(1000)
        @JsonPropertyDescription("At most this many of the app's Pods on one node; 0 means no limit.")
        Integer maxPerNode,

        @Size(max = 64)
        @JsonPropertyDescription("Labels a node must have to run the app's Pods.")
        Map<String, String> nodeSelector,

        @Size(max = 32)
        @JsonPropertyDescription("Tolerations of the app's Pods (core/v1 Toleration).")
        List<Toleration> tolerations,

        @Size(max = 253) @Pattern("^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
        @JsonPropertyDescription("Spread only: a node label whose values are topology domains (e.g. "
                + "topology.kubernetes.io/zone). Replicas go to the domain with fewest of them first, and no domain "
                + "may have more than maxSkew replicas above the emptiest (a topology spread constraint, "
                + "DoNotSchedule). Nodes without the label are not used.")
        String topologyKey,

        @Min(1) @Max(100)
        @JsonPropertyDescription("Spread with topologyKey: the most replicas a domain may have above the domain with "
                + "fewest; default 1.")
        Integer maxSkew) {

    public enum Strategy { Balanced, BinPack, Spread, LoadAware }
}
