package dev.pyfleet.rebalance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pyfleet.bench.BenchReport;
import dev.pyfleet.replay.Policy;
import dev.pyfleet.replay.RebalanceStep;
import dev.pyfleet.replay.Replay;
import dev.pyfleet.replay.Trace;
import dev.pyfleet.replay.TraceFiles;
import dev.pyfleet.testing.Inputs;

/**
 * (f) Rebalancing the cluster each online policy leaves on the openb trace (cpu + memory): nodes in use after a
 * plan that may move 5, 10 or 20% of the pods, solver time and proven bound, against the greedy drain a
 * descheduler's HighNodeUtilization makes with the same budget.
 */
class OpenbRebalanceBench {

    static final Duration LIMIT = Duration.ofSeconds(Long.getLong("pyfleet.bench.rebalance-seconds", 60));
    static final List<Integer> BUDGETS_PERCENT = List.of(5, 10, 20);
    /** Goal: at most this many nodes with at most 10% of the pods moved, a plan in at most 60 s. */
    static final int GOAL_NODES = 900;

    @Test
    void rebalanceWhatEachPolicyLeaves() throws Exception {
        Path dir = Path.of(System.getProperty("pyfleet.repo", ".")).toAbsolutePath().resolveSibling("shared")
                .resolve("fixtures/traces/openb");
        Inputs.require(Files.isDirectory(dir), "the openb trace is absent: " + dir);
        Trace trace = TraceFiles.read(dir.resolve("openb_node_list_all_node.csv"),
                dir.resolve("openb_pod_list_default.csv")).withoutGpus();
        List<String> only = Arrays.stream(System.getProperty("pyfleet.bench.rebalance-policies", "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        StringBuilder table = new StringBuilder("""
                | policy (online) | nodes after the replay | moves allowed | nodes after the plan | moves | solver s | proven bound (gap) | greedy drain: nodes (moves) |
                |---|---:|---:|---:|---:|---:|---:|---:|
                """);
        StringBuilder raw = new StringBuilder();
        for (Policy policy : Policy.all()) {
            if (!only.isEmpty() && only.stream().noneMatch(policy.name()::contains)) {
                continue;
            }
            Replay.Placed placed = Replay.place(trace, policy);
            for (int percent : BUDGETS_PERCENT) {
                int budget = placed.result().placed() * percent / 100;
                long start = System.nanoTime();
                RebalancePlan plan = RebalanceStep.plan(trace, placed, Objective.FewestNodes, budget, LIMIT);
                double seconds = (System.nanoTime() - start) / 1e9;
                RebalanceStep.Greedy greedy = RebalanceStep.greedyDrain(trace, placed, budget);
                table.append("| %s | %d | %,d (%d%%) | %d | %,d | %.1f | %d (%.1f%%) | %d (%,d) |%n".formatted(
                        policy.name(), placed.result().nodesUsed(), budget, percent, plan.objectivePlanned(),
                        plan.moves().size(), seconds, plan.bound(), 100 * plan.gap(), greedy.nodesUsed(),
                        greedy.moves()));
                raw.append("%s, %d%% (%d moves): %s %d -> %d nodes, %d moves, %.1f s, bound %d; greedy %s; %s%n"
                        .formatted(policy.name(), percent, budget, plan.outcome(), plan.objectiveNow(),
                                plan.objectivePlanned(), plan.moves().size(), seconds, plan.bound(), greedy,
                                plan.message()));
            }
        }
        BenchReport.write("openb-rebalance", "(f) Rebalancing on the openb trace", "make bench", table + """

                %d nodes, %d pods of the openb trace, cpu + memory, placed one by one by each online policy as in
                (c); then every placed pod may move, to fewest nodes, within the budget: a share of the pods
                placed. The plan is `RebalancePlanner` (an integer program of pods of each size per node, OR-Tools
                CP-SAT on both cores, warm started from the placement, stopped at %d s with the best plan found);
                the bound is what CP-SAT proved no plan within the budget can beat, the gap how far the plan may be
                from it. The greedy drain empties the least-requested nodes first, moving each of their pods to the
                fullest node that takes it, and leaves a node whose pods cannot all move (the idea of the
                descheduler's HighNodeUtilization over a bin-packing scheduler). Goal: at most %d nodes with at most
                10%% of the pods moved, a plan in at most 60 s.
                """.formatted(trace.nodes().size(), trace.pods().size(), LIMIT.toSeconds(), GOAL_NODES),
                raw.toString());
    }
}
