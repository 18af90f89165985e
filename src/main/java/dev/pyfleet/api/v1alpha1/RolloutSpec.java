package dev.pyfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/** Rolling-update bounds, with the meaning they have on a Deployment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.maxSurge) || (type(self.maxSurge) == int ? self.maxSurge >= 0 : "
        + "self.maxSurge.matches('^[0-9]{1,3}%$'))",
        message = "rollout.maxSurge must be a non-negative number of Pods or a percentage such as \"25%\"",
        fieldPath = ".maxSurge")
@ValidationRule(value = "!has(self.maxUnavailable) || (type(self.maxUnavailable) == int ? self.maxUnavailable >= 0 : "
        + "self.maxUnavailable.matches('^[0-9]{1,3}%$'))",
        message = "rollout.maxUnavailable must be a non-negative number of Pods or a percentage such as \"25%\"",
        fieldPath = ".maxUnavailable")
@ValidationRule(value = "!has(self.maxSurge) || !has(self.maxUnavailable) || !((type(self.maxSurge) == int ? self.maxSurge == 0 : self.maxSurge.matches('^0+%$')) && "
        + "(type(self.maxUnavailable) == int ? self.maxUnavailable == 0 : self.maxUnavailable.matches('^0+%$')))",
        message = "rollout.maxSurge and rollout.maxUnavailable cannot both be zero (maxUnavailable defaults to 0): "
                + "a rollout could never start")
public record RolloutSpec(
        @Default("25%")
        @JsonPropertyDescription("Pods above replicas during a rollout: a number or a percentage of replicas "
                + "(rounded up).")
        IntOrString maxSurge,

        @Default("0")
        @JsonPropertyDescription("Pods below replicas that may be unavailable during a rollout: a number or a "
                + "percentage of replicas (rounded down).")
        IntOrString maxUnavailable,

        @Default("0") @Min(0) @Max(3600)
        @JsonPropertyDescription("Seconds a new Pod must be Ready before it counts as available.")
        Integer minReadySeconds,

        @Default("600") @Min(1) @Max(86400)
        @JsonPropertyDescription("Seconds a rollout may go without progress before the app turns Degraded.")
        Integer progressDeadlineSeconds) {
}
