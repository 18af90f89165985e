package dev.pyfleet.vmpool;

import java.util.List;

/** One step towards the desired VMs: ordinals to create, VMs to delete, and which of those are being healed. */
public record PoolPlan(List<Integer> create, List<String> delete, List<String> healed) {

    public boolean changesSomething() {
        return !create.isEmpty() || !delete.isEmpty();
    }
}
