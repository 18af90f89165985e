package dev.pyfleet.rebalancing;

/** Where one move of a plan stands; the names are what status.plan.moves[].state says. */
enum MoveState {
    /** Not started. */
    Pending,
    /** Evicted (or being evicted), until its replacement is bound. */
    InFlight,
    /** Its replacement runs on the planned node. */
    Moved,
    /** Never started: the Pod or the target changed since the plan. */
    Skipped,
    /** Started, but did not end on the planned node in time, or ended elsewhere. */
    Failed;

    boolean over() {
        return this == Moved || this == Skipped || this == Failed;
    }

    static MoveState of(String state) {
        return state == null ? Pending : valueOf(state);
    }
}
