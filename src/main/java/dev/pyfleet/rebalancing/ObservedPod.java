package dev.pyfleet.rebalancing;

/**
 * A Pod as a move sees it.
 *
 * @param node where it is bound; null while it waits for the scheduler
 */
record ObservedPod(String uid, String node, boolean ready, boolean deleting) {

    /**
     * What a move finds of its Pods: the one planned (by name and uid, while it exists) and the one its app's
     * controller made to replace it (the app's newest Pod made since the move started), if any yet.
     */
    record Move(java.util.Optional<ObservedPod> original, java.util.Optional<ObservedPod> replacement) {
    }
}
