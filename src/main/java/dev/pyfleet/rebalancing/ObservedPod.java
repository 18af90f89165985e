package dev.pyfleet.rebalancing;

/**
 * A Pod as a move sees it.
 *
 * @param node where it is bound; null while it waits for the scheduler
 */
record ObservedPod(String uid, String node, boolean ready, boolean deleting) {

    /**
     * What a move finds of its Pods: the one planned (by name and uid, while it exists) and the one its app's
     * controller made to replace it (the app's newest Pod made since the move started), if any yet. For a VM, the
     * planned instance while it runs on the node it leaves, and the VM's instance once it runs elsewhere.
     *
     * @param failure why the move cannot end well (a failed live migration), if it cannot
     */
    record Move(java.util.Optional<ObservedPod> original, java.util.Optional<ObservedPod> replacement,
            java.util.Optional<String> failure) {

        Move(java.util.Optional<ObservedPod> original, java.util.Optional<ObservedPod> replacement) {
            this(original, replacement, java.util.Optional.empty());
        }
    }
}
