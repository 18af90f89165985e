package dev.pyfleet.rebalance;

import java.util.Set;

import dev.pyfleet.placement.PodRequest;

/**
 * A bound Pod (or VM launcher) that a rebalance may move, and the node it runs on now.
 *
 * @param id how the plan names it back, e.g. {@code namespace/name}
 * @param onlyOn the nodes it may move to beyond what its request says (a GPU model it needs, say); empty for any
 */
public record MovablePod(String id, PodRequest request, String node, Set<String> onlyOn) {

    public MovablePod(String id, PodRequest request, String node) {
        this(id, request, node, Set.of());
    }
}
