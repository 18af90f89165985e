package dev.pyfleet.operator;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether this replica leads. Without leader election it always does; with it, from the moment it acquires the
 * Lease (a replica that loses it exits, so it never goes back to standing by). Work that only the leader should do
 * is handed to {@link #whenLeading(Runnable)}.
 */
@ApplicationScoped
public class Leadership {

    private final List<Runnable> waiting = new ArrayList<>();
    private boolean leading;

    Leadership(OperatorSettings settings) {
        leading = !settings.leaderElection().enabled();
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
    void started() {
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
