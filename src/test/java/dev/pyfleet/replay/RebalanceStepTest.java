package dev.pyfleet.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pyfleet.placement.Strategy;
import dev.pyfleet.rebalance.Objective;
import dev.pyfleet.rebalance.RebalancePlan;
import dev.pyfleet.replay.Trace.TraceNode;
import dev.pyfleet.replay.Trace.TracePod;

/** A rebalance after a replay, and the greedy drain it is compared with, on fleets small enough to check by hand. */
class RebalanceStepTest {

    static final long GI = 1L << 30;

    /** Three 4-CPU nodes and three 1-CPU pods, spread one to a node. */
    static final Trace SPREAD_OUT = new Trace(
            List.of(new TraceNode("n1", 4000, 16 * GI, 0, ""), new TraceNode("n2", 4000, 16 * GI, 0, ""),
                    new TraceNode("n3", 4000, 16 * GI, 0, "")),
            List.of(new TracePod("p1", 1000, GI, 0, List.of(), 0), new TracePod("p2", 1000, GI, 0, List.of(), 1),
                    new TracePod("p3", 1000, GI, 0, List.of(), 2)));

    @Test
    void theReplayKeepsWhereEachPodWent() {
        Replay.Placed placed = Replay.place(SPREAD_OUT, Policy.engine(Strategy.Spread));
        assertThat(placed.nodeOf()).hasSize(3);
        assertThat(placed.nodeOf().values()).containsExactlyInAnyOrder("n1", "n2", "n3");
        assertThat(placed.result().nodesUsed()).isEqualTo(3);
    }

    @Test
    void thePlanAndTheGreedyDrainBothGatherThePodsWithinTheBudget() {
        Replay.Placed placed = Replay.place(SPREAD_OUT, Policy.engine(Strategy.Spread));
        RebalancePlan plan = RebalanceStep.plan(SPREAD_OUT, placed, Objective.FewestNodes, 2, Duration.ofSeconds(10));
        assertThat(plan.objectivePlanned()).isEqualTo(1);
        assertThat(plan.moves()).hasSize(2);
        assertThat(greedy(SPREAD_OUT, placed, 2)).containsExactly(1L, 2);
        assertThat(greedy(SPREAD_OUT, placed, 1)).containsExactly(2L, 1);
        assertThat(greedy(SPREAD_OUT, placed, 0)).containsExactly(3L, 0);
    }

    @Test
    void theReplayToolsRowPutsThePlanBesideTheGreedyDrain() {
        Replay.Placed placed = Replay.place(SPREAD_OUT, Policy.engine(Strategy.Spread));
        RebalanceRow row = RebalanceRow.of(SPREAD_OUT, placed, "PyFleet Spread", 34, Duration.ofSeconds(10));
        assertThat(row.movesAllowed()).as("34% of 3 pods").isEqualTo(1);
        assertThat(row.nodesAfterReplay()).isEqualTo(3);
        assertThat(row.nodesAfterPlan()).isEqualTo(2);
        assertThat(row.nodesAfterGreedy()).isEqualTo(2);
        assertThat(row.bound()).as("one move frees one node at most").isEqualTo(2);
        assertThat(RebalanceRow.table(List.of(row))).contains("PyFleet Spread").contains("2 (0.0%)");
    }

    /** Nodes in use after the greedy drain, and its moves. */
    static List<Object> greedy(Trace trace, Replay.Placed placed, int budget) {
        RebalancePlan plan = RebalanceStep.greedyDrain(trace, placed, budget);
        return List.of(plan.objectivePlanned(), plan.moves().size());
    }

    /** The greedy drain leaves a node whose pods cannot all move; the plan moves what it can elsewhere. */
    @Test
    void theGreedyDrainLeavesANodeItCannotEmptyWhole() {
        Trace trace = new Trace(
                List.of(new TraceNode("n1", 4000, 16 * GI, 0, ""), new TraceNode("n2", 4000, 16 * GI, 0, "")),
                List.of(new TracePod("big-1", 2500, GI, 0, List.of(), 0),
                        new TracePod("big-2", 2500, GI, 0, List.of(), 1)));
        Replay.Placed placed = Replay.place(trace, Policy.engine(Strategy.Spread));
        assertThat(greedy(trace, placed, 2)).containsExactly(2L, 0);
        assertThat(RebalanceStep.plan(trace, placed, Objective.FewestNodes, 2, Duration.ofSeconds(10)).moves())
                .isEmpty();
    }

    /** A GPU pod that names a model moves only to a node of that model. */
    @Test
    void aPodThatNamesAGpuModelMovesOnlyToANodeOfIt() {
        Trace trace = new Trace(
                List.of(new TraceNode("v100", 16000, 64 * GI, 4, "V100"),
                        new TraceNode("a100", 16000, 64 * GI, 4, "A100"),
                        new TraceNode("t4", 16000, 64 * GI, 4, "T4")),
                List.of(new TracePod("on-v100", 1000, GI, 1, List.of("V100"), 0),
                        new TracePod("on-a100", 1000, GI, 1, List.of("A100", "T4"), 1)));
        Replay.Placed placed = Replay.place(trace, Policy.engine(Strategy.Spread));
        RebalancePlan plan = RebalanceStep.plan(trace, placed, Objective.FewestNodes, 2, Duration.ofSeconds(10));
        assertThat(plan.objectivePlanned()).isEqualTo(2);
        assertThat(plan.moves()).as("the V100 pod has nowhere else to go").noneMatch(m -> m.pod().equals("on-v100"))
                .noneMatch(m -> m.to().equals("v100"));
    }
}
