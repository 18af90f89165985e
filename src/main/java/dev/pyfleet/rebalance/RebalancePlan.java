package dev.pyfleet.rebalance;

import java.util.List;

/**
 * A rebalance's answer: the objective now and after the moves, the best bound the solver proved (no plan within the
 * same limits can do better), the moves, and the nodes they leave empty of movable Pods.
 *
 * @param objectiveNow nodes in use, the busiest node's CPU in permille, or GPU nodes in use, as {@link Objective}
 * @param bound a value no plan can beat; equal to {@code objectivePlanned} when the plan is proven optimal
 */
public record RebalancePlan(Outcome outcome, long objectiveNow, long objectivePlanned, long bound, List<Move> moves,
        List<String> nodesFreed, String message) {

    public enum Outcome {
        /** The plan is the best there is within the limits. */
        Optimal,
        /** The best plan found before the time limit; {@link #gap()} says how far from optimal it may be. */
        Feasible,
        /** No plan: {@link #message()} says why. */
        NoPlan
    }

    static RebalancePlan none(long objectiveNow, String message) {
        return new RebalancePlan(Outcome.NoPlan, objectiveNow, objectiveNow, objectiveNow, List.of(), List.of(),
                message);
    }

    /** How far the plan may be from optimal, as a share of the planned objective: 0 when proven optimal. */
    public double gap() {
        return objectivePlanned == 0 ? 0 : (double) (objectivePlanned - bound) / objectivePlanned;
    }
}
