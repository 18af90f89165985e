package dev.pyfleet.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.pyfleet.placement.Resources;

/**
 * Fleets too large for the whole program: the plan is solved over a window around the greedy drain, so it keeps
 * every rule, is never worse than the greedy plan, and reports a bound that holds for the whole fleet.
 */
class LargeFleetPlanTest {

    static final long GI = 1L << 30;

    /** 500 nodes of 16 CPUs running 1 to 6 Pods each (as many as fit), of 41 sizes: over 20,000 (size, node) pairs. */
    static RebalancePlannerTest.Fleet fragmented(long seed) {
        Random random = new Random(seed);
        RebalancePlannerTest.Fleet fleet = new RebalancePlannerTest.Fleet();
        for (int n = 0; n < 500; n++) {
            fleet.node("n" + n, 16000);
        }
        int pod = 0;
        for (int n = 0; n < 500; n++) {
            int pods = 1 + random.nextInt(6);
            long used = 0;
            for (int i = 0; i < pods; i++) {
                long cpu = 100L * (1 + random.nextInt(41));
                if (used + cpu > 16000) {
                    break;
                }
                used += cpu;
                fleet.pod("p" + pod, "n" + n, RebalancePlannerTest.request("p" + pod, "web",
                        new Resources(cpu, GI / 4, 1, 0), 0, List.of()));
                pod++;
            }
        }
        return fleet;
    }

    @Test
    void aLargeFleetIsPlannedOverAWindowAndTheMovesKeepEveryRule() {
        RebalancePlannerTest.Fleet fleet = fragmented(11);
        RebalanceProblem problem = new RebalanceProblem(List.copyOf(fleet.nodes.values()), List.copyOf(fleet.pods),
                Objective.FewestNodes, 150, Duration.ofSeconds(8));
        assertThat(FleetModel.of(problem).pairs()).isGreaterThan(RebalancePlanner.WHOLE_PROGRAM_PAIRS);
        RebalancePlan greedy = GreedyDrain.plan(problem);
        RebalancePlan plan = RebalancePlanner.plan(problem);

        assertThat(plan.moves()).hasSizeLessThanOrEqualTo(150);
        Map<String, String> where = new HashMap<>();
        fleet.pods.forEach(p -> where.put(p.id(), p.node()));
        plan.moves().forEach(m -> {
            assertThat(where.get(m.pod())).as("a Pod moves once, from where it runs").isEqualTo(m.from());
            where.put(m.pod(), m.to());
        });
        Map<String, Long> cpu = new HashMap<>();
        fleet.pods.forEach(p -> cpu.merge(where.get(p.id()), p.request().request().cpuMilli(), Long::sum));
        assertThat(cpu.values()).allMatch(used -> used <= 16000);
        assertThat((long) cpu.size()).isEqualTo(plan.objectivePlanned());
        assertThat(plan.nodesFreed()).hasSize((int) (plan.objectiveNow() - plan.objectivePlanned()));
        assertThat(plan.objectivePlanned()).isLessThanOrEqualTo(greedy.objectivePlanned())
                .isGreaterThanOrEqualTo(plan.bound());
        assertThat(plan.objectivePlanned()).as("the greedy drain and the window both free nodes here")
                .isLessThan(plan.objectiveNow());
    }

    /** Four nodes running 1, 2, 3 and 4 Pods of a tenth of a node each. */
    static RebalancePlannerTest.Fleet oneToFour() {
        RebalancePlannerTest.Fleet fleet = new RebalancePlannerTest.Fleet();
        int pod = 0;
        for (int n = 1; n <= 4; n++) {
            fleet.node("n" + n, 10000);
            for (int i = 0; i < n; i++) {
                fleet.pod("p" + pod++, "n" + n, 1000);
            }
        }
        return fleet;
    }

    @Test
    void theBoundCountsTheNodesTheBudgetCannotFree() {
        RebalancePlannerTest.Fleet fleet = oneToFour();
        RebalanceProblem problem = new RebalanceProblem(List.copyOf(fleet.nodes.values()), List.copyOf(fleet.pods),
                Objective.FewestNodes, 3, Duration.ofSeconds(5));
        // Three moves free n1 (1 Pod) and n2 (2 Pods) at best; all ten Pods fit one node, so capacity says 1.
        assertThat(FleetModel.of(problem).bound(Objective.FewestNodes, 3)).isEqualTo(2);
        assertThat(FleetModel.of(problem).bound(Objective.FewestNodes, 6)).isEqualTo(1);
        RebalancePlan plan = fleet.plan(Objective.FewestNodes, 3);
        assertThat(plan.objectivePlanned()).isEqualTo(2);
        assertThat(plan.bound()).isEqualTo(2);
    }

    @Test
    void theBoundCountsTheNodesTheRequestsNeed() {
        RebalancePlannerTest.Fleet fleet = new RebalancePlannerTest.Fleet();
        for (int n = 0; n < 4; n++) {
            fleet.node("n" + n, 4000).pod("p" + n, "n" + n, 3000);
        }
        RebalanceProblem problem = new RebalanceProblem(List.copyOf(fleet.nodes.values()), List.copyOf(fleet.pods),
                Objective.FewestNodes, 4, Duration.ofSeconds(5));
        // 12 CPUs of requests need three 4-CPU nodes at least (the Pods' sizes make it four, which no count sees).
        assertThat(FleetModel.of(problem).bound(Objective.FewestNodes, 4)).isEqualTo(3);
    }

    @Test
    void theGreedyDrainEmptiesTheLeastUsedNodesIntoTheFullest() {
        RebalancePlan greedy = GreedyDrain.plan(new RebalanceProblem(List.copyOf(oneToFour().nodes.values()),
                List.copyOf(oneToFour().pods), Objective.FewestNodes, 3, Duration.ZERO));
        assertThat(greedy.nodesFreed()).containsExactly("n1", "n2");
        assertThat(greedy.moves()).hasSize(3).allSatisfy(m -> assertThat(m.to()).isEqualTo("n4"));
        assertThat(greedy.objectivePlanned()).isEqualTo(2);
    }

    @Test
    void theGreedyDrainLeavesANodeThatRunsAPodOutOfScope() {
        RebalancePlannerTest.Fleet fleet = oneToFour().fixed("n1", 100);
        RebalancePlan greedy = GreedyDrain.plan(new RebalanceProblem(List.copyOf(fleet.nodes.values()),
                List.copyOf(fleet.pods), Objective.FewestNodes, 3, Duration.ZERO));
        assertThat(greedy.nodesFreed()).containsExactly("n2");
        assertThat(greedy.moves()).hasSize(2);
    }
}
