package dev.pyfleet.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** What a rebalance is asked: what to improve, over which apps, with how many moves, and whether to move now. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RebalanceSpec(
        @Default("FewestNodes")
        @JsonPropertyDescription("FewestNodes: empty whole nodes (to scale the cluster down or make room for large "
                + "Pods). EvenLoad: lower the busiest node's CPU requests, as a share of its allocatable. "
                + "FreeGpuNodes: gather GPU Pods on fewer GPU nodes, leaving whole GPU nodes free. Among plans "
                + "equally good, the one with fewer moves wins.")
        Objective objective,

        @Default("{}")
        @JsonPropertyDescription("Which PyFleet Pods and VMs may move; every other Pod stays where it is and keeps "
                + "its share of its node.")
        Scope scope,

        @Default("10") @Min(0) @Max(10000)
        @JsonPropertyDescription("At most this many Pods and VMs change node; 0 plans nothing.")
        Integer maxMoves,

        @Default("1") @Min(1) @Max(100)
        @JsonPropertyDescription("At most this many moves under way at once while applying.")
        Integer maxInFlight,

        @Default("Plan")
        @JsonPropertyDescription("Plan: compute the plan and show it in status; nothing moves. Apply: carry out the "
                + "plan shown (computed first if there is none for this spec). Changing Apply back to Plan stops "
                + "new moves; moves under way finish.")
        Action action,

        @Default("30") @Min(1) @Max(600)
        @JsonPropertyDescription("The solver stops after this many seconds and returns the best plan found, with "
                + "how far from the best possible it may be (status.plan.gap).")
        Integer solverTimeLimitSeconds,

        @Default("LiveMigrate")
        @JsonPropertyDescription("How a VMPool's VMs move. LiveMigrate: by KubeVirt's live migration, the guest "
                + "running on; a VM KubeVirt cannot migrate (its instance not LiveMigratable) stays where it is. "
                + "LiveMigrateOrRestart: such a VM is restarted on the planned node instead (its guest reboots) "
                + "where its runStrategy is Always, so that it comes back by itself. None: VMs stay where they are.")
        VMMoves vmMoves) {

    public enum Objective { FewestNodes, EvenLoad, FreeGpuNodes }

    public enum VMMoves { LiveMigrate, LiveMigrateOrRestart, None }

    public enum Action { Plan, Apply }

    /** Which apps' Pods and VMs a rebalance may move. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Scope(
            @Size(max = 64)
            @JsonPropertyDescription("Namespaces whose PythonApps and VMPools may move; empty for every namespace.")
            List<@Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") @Size(max = 63) String> namespaces,

            @Size(max = 256)
            @JsonPropertyDescription("Only these PythonApps and VMPools, as namespace/name; empty for all in the "
                    + "namespaces above.")
            List<@Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z]([-a-z0-9]*[a-z0-9])?$") @Size(max = 117) String> apps) {
    }
}
