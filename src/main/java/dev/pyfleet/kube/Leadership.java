package dev.pyfleet.kube;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether this replica leads. Without leader election it always does; with it, from the moment it acquires the
 * Lease (a replica that loses it exits, so it never goes back to standing by). Work that only the leader should do
 * is handed to {@link #whenLeading(Runnable)}. The operator's wiring makes the one instance and says when the
 * Lease is acquired.
 */
public final class Leadership {

    private final List<Runnable> waiting = new ArrayList<>();
    private boolean leading;

    /** @param leadingFromStart true where no Lease is used, so this replica leads from the start */
    public Leadership(boolean leadingFromStart) {
        leading = leadingFromStart;
    }

    /** Runs the task now if this replica leads, else once it starts leading. */
    public void whenLeading(Runnable task) {
        synchronized (this) {
            if (!leading) {
                waiting.add(task);
                return;
            }
        }
        task.run();
    }

    /** Called when this replica acquires the Lease. */
    public void started() {
        List<Runnable> tasks;
        synchronized (this) {
            leading = true;
            tasks = List.copyOf(waiting);
            waiting.clear();
        }
        tasks.forEach(Runnable::run);
    }

    public synchronized boolean leading() {
        return leading;
    }
}
