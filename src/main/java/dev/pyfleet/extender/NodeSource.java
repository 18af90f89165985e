package dev.pyfleet.extender;

import java.util.Collection;
import java.util.List;

import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PodRequest;

/** Where the extender gets its node snapshots and records the pods it has placed but not yet seen bound. */
public interface NodeSource {

    List<NodeSnapshot> snapshot(Collection<String> names);

    /** The snapshots count every Pod bound in the cluster; before that they would show nodes emptier than they are. */
    default boolean synced() {
        return true;
    }

    void assume(String podUid, PodRequest pod, String node);

    /** The node a rebalance under way plans for the app's next Pod, if any ({@link PlannedMoves}). */
    default java.util.Optional<String> plannedNode(String app) {
        return java.util.Optional.empty();
    }
}
