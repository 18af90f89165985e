package dev.pyfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/** The PodDisruptionBudget protecting the app's Pods from voluntary evictions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.minAvailable) && has(self.maxUnavailable))",
        message = "set either disruptionBudget.minAvailable or disruptionBudget.maxUnavailable, not both")
public record DisruptionBudgetSpec(
        @JsonPropertyDescription("Pods that must stay available during voluntary disruptions: a number or a "
                + "percentage.")
        IntOrString minAvailable,

        @JsonPropertyDescription("Pods that may be unavailable during voluntary disruptions: a number or a "
                + "percentage.")
        IntOrString maxUnavailable) {
}
