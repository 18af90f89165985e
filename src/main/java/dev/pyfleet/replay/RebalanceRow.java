package dev.pyfleet.replay;

import java.time.Duration;
import java.util.List;

import dev.pyfleet.rebalance.Objective;
import dev.pyfleet.rebalance.RebalancePlan;

/**
 * What a rebalance would save after one policy's replay: nodes in use after the plan and after the greedy drain,
 * with the same move budget (a share of the pods placed), and the bound no plan within it can beat.
 */
public record RebalanceRow(String policy, long nodesAfterReplay, int movesAllowed, long nodesAfterPlan,
        int planMoves, long bound, double gap, String outcome, double solverSeconds, long nodesAfterGreedy,
        int greedyMoves) {

    public static RebalanceRow of(Trace trace, Replay.Placed placed, String policy, int percent, Duration limit) {
        int budget = placed.result().placed() * percent / 100;
        long start = System.nanoTime();
        RebalancePlan plan = RebalanceStep.plan(trace, placed, Objective.FewestNodes, budget, limit);
        double seconds = (System.nanoTime() - start) / 1e9;
        RebalancePlan greedy = RebalanceStep.greedyDrain(trace, placed, budget);
        return new RebalanceRow(policy, placed.result().nodesUsed(), budget, plan.objectivePlanned(),
                plan.moves().size(), plan.bound(), plan.gap(), plan.outcome().name(), seconds,
                greedy.objectivePlanned(), greedy.moves().size());
    }

    public static String table(List<RebalanceRow> rows) {
        StringBuilder table = new StringBuilder(String.format("%-28s %8s %8s %8s %8s %14s %9s %16s%n", "rebalance",
                "nodes", "moves<=", "planned", "moves", "bound (gap)", "solver s", "greedy (moves)"));
        for (RebalanceRow row : rows) {
            table.append(String.format("%-28s %8d %8d %8d %8d %14s %9.1f %16s%n", row.policy(),
                    row.nodesAfterReplay(), row.movesAllowed(), row.nodesAfterPlan(), row.planMoves(),
                    "%d (%.1f%%)".formatted(row.bound(), 100 * row.gap()), row.solverSeconds(),
                    "%d (%d)".formatted(row.nodesAfterGreedy(), row.greedyMoves())));
        }
        return table.toString();
    }
}
