package dev.pyfleet.vmpool;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.pyfleet.status.Event;

/** One step towards the desired VMs: ordinals to create, VMs to delete, and which of those are being healed. */
public record PoolPlan(List<Integer> create, List<String> delete, List<String> healed) {

    public static PoolPlan none() {
        return new PoolPlan(List.of(), List.of(), List.of());
    }

    public boolean changesSomething() {
        return !create.isEmpty() || !delete.isEmpty();
    }

    /** What of this step is worth an Event: VMs recreated because they keep failing, and VMs created. */
    public List<Event> events(String pool) {
        List<Event> events = new ArrayList<>();
        healed.forEach(vm -> events.add(Event.warning("AutoHealing", "VM " + vm
                + " keeps failing to start; recreating it")));
        if (!create.isEmpty()) {
            events.add(Event.normal("CreatedVMs", "created " + create.stream()
                    .map(ordinal -> PoolVirtualMachines.vmName(pool, ordinal)).collect(Collectors.joining(", "))));
        }
        return events;
    }
}
