package dev.pyfleet.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/** What a user asks for; the operator reads it and never writes it. Absent fields take their schema defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.runtime) || !has(self.runtime.type) || self.runtime.type != 'VMPool' "
        + "|| has(self.python)",
        message = "python is required when runtime.type is VMPool (e.g. python: \"3.12\")", fieldPath = ".python")
@ValidationRule(value = "!has(self.resources) || !has(self.resources.requests) "
        + "|| !('cpu' in self.resources.requests) || isQuantity(string(self.resources.requests['cpu']))",
        message = "resources.requests.cpu must be a quantity such as 500m",
        fieldPath = ".resources.requests")
@ValidationRule(value = "!has(self.resources) || !has(self.resources.limits) "
        + "|| !('cpu' in self.resources.limits) || isQuantity(string(self.resources.limits['cpu']))",
        message = "resources.limits.cpu must be a quantity such as 500m",
        fieldPath = ".resources.limits")
@ValidationRule(value = "!has(self.resources) || !has(self.resources.requests) "
        + "|| !has(self.resources.limits) || !('cpu' in self.resources.requests) "
        + "|| !('cpu' in self.resources.limits) || !isQuantity(string(self.resources.requests['cpu'])) "
        + "|| !isQuantity(string(self.resources.limits['cpu'])) "
        + "|| quantity(string(self.resources.requests['cpu']))"
        + ".compareTo(quantity(string(self.resources.limits['cpu']))) <= 0",
        message = "resources.requests.cpu must not be more than resources.limits.cpu", fieldPath = ".resources")
@ValidationRule(value = "!has(self.resources) || !has(self.resources.requests) "
        + "|| !('memory' in self.resources.requests) || isQuantity(string(self.resources.requests['memory']))",
        message = "resources.requests.memory must be a quantity such as 512Mi",
        fieldPath = ".resources.requests")
@ValidationRule(value = "!has(self.resources) || !has(self.resources.limits) "
        + "|| !('memory' in self.resources.limits) || isQuantity(string(self.resources.limits['memory']))",
        message = "resources.limits.memory must be a quantity such as 512Mi",
        fieldPath = ".resources.limits")
@ValidationRule(value = "!has(self.resources) || !has(self.resources.requests) "
        + "|| !has(self.resources.limits) || !('memory' in self.resources.requests) "
        + "|| !('memory' in self.resources.limits) || !isQuantity(string(self.resources.requests['memory'])) "
        + "|| !isQuantity(string(self.resources.limits['memory'])) "
        + "|| quantity(string(self.resources.requests['memory']))"
        + ".compareTo(quantity(string(self.resources.limits['memory']))) <= 0",
        message = "resources.requests.memory must not be more than resources.limits.memory", fieldPath = ".resources")
@ValidationRule(value = "!has(self.runtime) || !has(self.runtime.type) || self.runtime.type != 'VMPool' "
        + "|| !has(self.port) || self.port != 9099",
        message = "port 9099 is taken on a pool's VMs by PyFleet's readiness check of their apps: an app on a VMPool "
                + "listens on another port",
        fieldPath = ".port")
@ValidationRule(value = "!has(self.storage) || !has(self.runtime) || !has(self.runtime.type) "
        + "|| self.runtime.type != 'VMPool'",
        message = "storage (scratch space and volumes) is for apps that run as Pods: an app on a VM pool keeps its "
                + "files on the pool's VMs; give the VMPool disks (spec.vm.rootDisk, spec.vm.dataDisks) instead",
        fieldPath = ".storage")
@ValidationRule(value = "!has(self.storage) || !has(self.storage.replicaVolume) || (has(self.rollout) "
        + "&& has(self.rollout.maxSurge) && (type(self.rollout.maxSurge) == int ? self.rollout.maxSurge == 0 "
        + ": self.rollout.maxSurge.matches('^0+%$')))",
        message = "storage.replicaVolume needs rollout.maxSurge: 0 (and maxUnavailable of at least 1): a replica's "
                + "claim is let go before its successor mounts it, so no extra Pod can run beside the others",
        fieldPath = ".storage.replicaVolume")
@ValidationRule(value = "!has(self.storage) || !has(self.storage.scratch) || !has(self.resources) "
        + "|| ((!has(self.resources.requests) || !('ephemeral-storage' in self.resources.requests)) "
        + "&& (!has(self.resources.limits) || !('ephemeral-storage' in self.resources.limits)))",
        message = "set ephemeral-storage either by storage.scratch or in resources, not both",
        fieldPath = ".storage.scratch")
public record PythonAppSpec(
        @Required @Size(min = 1, max = 512) @Pattern(ImageReference.PATTERN)
        @JsonPropertyDescription("Container image holding the app and its dependencies, e.g. ghcr.io/acme/shop:1.4.2.")
        String image,

        @Pattern("^3\\.[0-9]{1,2}$")
        @JsonPropertyDescription("Python version, e.g. \"3.12\". Required when runtime.type is VMPool, where it is "
                + "installed on the VMs; informational for Pods, whose image brings its own Python.")
        String python,

        @Required
        @JsonPropertyDescription("How the app's process is started.")
        ProcessSpec process,

        @Default("8080") @Min(1) @Max(65535)
        @JsonPropertyDescription("Port the app listens on; also passed to it as the PORT environment variable.")
        Integer port,

        @SpecReplicas @Default("1") @Min(0) @Max(1000)
        @JsonPropertyDescription("Number of Pods (or app instances per VM pool: one per VM). 0 stops the app.")
        Integer replicas,

        @JsonPropertyDescription("CPU and memory requests and limits of the app's container; they also size "
                + "workers when process.workers is 0.")
        ResourceRequirements resources,

        @Size(max = 128)
        @JsonPropertyDescription("Environment variables of the app's container (core/v1 EnvVar).")
        List<EnvVar> env,

        @Size(max = 32)
        @JsonPropertyDescription("Sources of environment variables (core/v1 EnvFromSource: ConfigMaps, Secrets).")
        List<EnvFromSource> envFrom,

        @JsonPropertyDescription("HTTP readiness and liveness probes. Omitted: a TCP probe on port.")
        HealthCheckSpec healthCheck,

        @Default("{}")
        @JsonPropertyDescription("The Service in front of the app.")
        ServiceSpec service,

        @Default("{}")
        @JsonPropertyDescription("Where the app runs: Pods, or the VMs of a VMPool.")
        RuntimeSpec runtime,

        @Size(max = 32)
        @JsonPropertyDescription("PythonApps in this namespace that must be Ready before this app starts.")
        List<@Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") @Size(max = 63) String> dependsOn,

        @Size(max = 253) @Pattern("^$|^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        @JsonPropertyDescription("PriorityClass of the app's Pods.")
        String priorityClassName,

        @Default("{}")
        @JsonPropertyDescription("How Pods are spread over nodes by the PyFleet scheduler.")
        PlacementSpec placement,

        @Default("{}")
        @JsonPropertyDescription("How a template change is rolled out.")
        RolloutSpec rollout,

        @JsonPropertyDescription("The PodDisruptionBudget; omitted: minAvailable 1 when replicas > 1.")
        DisruptionBudgetSpec disruptionBudget,

        @JsonPropertyDescription("Scratch space and volumes for the app's Pods (runtime.type Pods only).")
        StorageSpec storage) {
}
