package dev.pyfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where the app runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.type) || self.type != 'VMPool' || has(self.poolRef)",
        message = "runtime.poolRef is required when runtime.type is VMPool (e.g. poolRef: {name: legacy-vms})",
        fieldPath = ".poolRef")
@ValidationRule(value = "(has(self.type) && self.type == 'VMPool') || !has(self.poolRef)",
        message = "runtime.poolRef is only used when runtime.type is VMPool", fieldPath = ".poolRef")
public record RuntimeSpec(
        @Default("Pods")
        @JsonPropertyDescription("Pods: Pods owned by the app. VMPool: a systemd service on every VM of poolRef.")
        Type type,

        @JsonPropertyDescription("The VMPool in this namespace that runs the app; required for runtime VMPool.")
        PoolRef poolRef) {

    public enum Type { Pods, VMPool }

    /** A VMPool in the app's namespace. */
    public record PoolRef(
            @Required @Size(max = 63) @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
            @JsonPropertyDescription("Name of the VMPool.")
            String name) {
    }
}
