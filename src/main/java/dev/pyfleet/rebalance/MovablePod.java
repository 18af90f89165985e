package dev.pyfleet.rebalance;

import dev.pyfleet.placement.PodRequest;

/**
 * A bound Pod (or VM launcher) that a rebalance may move, and the node it runs on now.
 *
 * @param id how the plan names it back, e.g. {@code namespace/name}
 */
public record MovablePod(String id, PodRequest request, String node) {
}
