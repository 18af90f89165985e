package dev.pyfleet.rebalance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pyfleet.bench.BenchReport;
import dev.pyfleet.replay.Policy;
import dev.pyfleet.replay.RebalanceRow;
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
        List<Policy> policies = Policy.all().stream()
                .filter(p -> only.isEmpty() || only.stream().anyMatch(p.name()::contains)).toList();
        StringBuilder table = new StringBuilder("""
                | policy (online) | nodes after the replay | moves allowed | nodes after the plan | moves | solver s | bound (gap) | greedy drain: nodes (moves) |
                |---|---:|---:|---:|---:|---:|---:|---:|
                """);
        StringBuilder raw = new StringBuilder();
        for (Policy policy : policies) {
            Replay.Placed placed = Replay.place(trace, policy);
            for (int percent : BUDGETS_PERCENT) {
                table.append(row(trace, placed, policy, percent, raw));
            }
        }
        Trace eighth = new Trace(everyEighth(trace.nodes()), everyEighth(trace.pods()));
        StringBuilder small = new StringBuilder("""
                | policy (online) | nodes after the replay | moves allowed | nodes after the plan | moves | solver s | bound (gap) | greedy drain: nodes (moves) |
                |---|---:|---:|---:|---:|---:|---:|---:|
                """);
        int smallPods = 0;
        for (Policy policy : policies) {
            Replay.Placed placed = Replay.place(eighth, policy);
            smallPods = placed.result().placed();
            small.append(row(eighth, placed, policy, 10, raw));
        }
        raw.append("peak resident memory of the bench's JVM (VmHWM): %s%n".formatted(peakResident()));
        BenchReport.write("openb-rebalance", "(f) Rebalancing on the openb trace", "make bench", table + """

                %d nodes, %d pods of the openb trace, cpu + memory, placed one by one by each online policy as in
                (c); then every placed pod may move, to fewest nodes, within the budget: a share of the pods
                placed. The plan is `RebalancePlanner`: the greedy drain below, then an integer program (pods of each
                size per node, OR-Tools CP-SAT on both cores) over the nodes that drain empties, the cheapest others
                to empty and, for each size of pod, the nodes with least room to spare that take it; started from
                the greedy plan and stopped at %d s with the best plan found. The bound is one no plan within the
                budget can beat, counted without the solver: the nodes the budget cannot free (each freed node costs
                all its pods in moves), and the fewest nodes whose capacity holds every request; the gap is how far
                the plan may be from it. The greedy drain empties the least-requested nodes first, moving each of
                their pods to the fullest node that takes it, and leaves a node whose pods cannot all move (the idea
                of the descheduler's HighNodeUtilization over a bin-packing scheduler). Goal: at most %d nodes with
                at most 10%% of the pods moved, a plan in at most 60 s.

                The same at about 1,000 pods: every eighth node (%d) and every eighth pod of the trace (%d placed),
                10%% of them allowed to move:

                %s""".formatted(trace.nodes().size(), trace.pods().size(), LIMIT.toSeconds(), GOAL_NODES,
                        eighth.nodes().size(), smallPods, small),
                raw.toString());
    }

    private static String row(Trace trace, Replay.Placed placed, Policy policy, int percent, StringBuilder raw) {
        RebalanceRow row = RebalanceRow.of(trace, placed, policy.name(), percent, LIMIT);
        raw.append("%s, %d pods, %d%% (%d moves): %s%n".formatted(policy.name(), placed.result().placed(), percent,
                row.movesAllowed(), row));
        return "| %s | %d | %,d (%d%%) | %d | %,d | %.1f | %d (%.1f%%) | %d (%,d) |%n".formatted(policy.name(),
                row.nodesAfterReplay(), row.movesAllowed(), percent, row.nodesAfterPlan(), row.planMoves(),
                row.solverSeconds(), row.bound(), 100 * row.gap(), row.nodesAfterGreedy(), row.greedyMoves());
    }

    private static <T> List<T> everyEighth(List<T> items) {
        return java.util.stream.IntStream.range(0, items.size()).filter(i -> i % 8 == 0).mapToObj(items::get)
                .toList();
    }

    /** The JVM's peak resident memory, from /proc (Linux), or "unknown". */
    private static String peakResident() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> l.substring(6).strip()).findFirst().orElse("unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
