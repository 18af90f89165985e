package dev.pyfleet.rebalance;

import java.time.Duration;
import java.util.List;

import dev.pyfleet.placement.NodeSnapshot;

/**
 * A cluster as a rebalance sees it, and what it is asked.
 *
 * @param nodes every node that may keep or take a Pod; {@code requested} counts every Pod bound there, movable or not
 * @param pods the Pods in the rebalance's scope, each bound to one of {@code nodes}
 * @param maxMoves at most this many Pods change node
 * @param timeLimit the solver stops here and returns the best plan found, with how far from optimal it may be
 * @param solverMemoryMib the solver also stops once it holds this much memory (MiB; 0 for the solver's own limit)
 */
public record RebalanceProblem(List<NodeSnapshot> nodes, List<MovablePod> pods, Objective objective, int maxMoves,
        Duration timeLimit, int solverMemoryMib) {

    public RebalanceProblem(List<NodeSnapshot> nodes, List<MovablePod> pods, Objective objective, int maxMoves,
            Duration timeLimit) {
        this(nodes, pods, objective, maxMoves, timeLimit, 0);
    }
}
