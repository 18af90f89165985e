package dev.pyfleet.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.placement.Resources;
import dev.pyfleet.placement.Strategy;
import dev.pyfleet.placement.Taint;
import dev.pyfleet.placement.Toleration;

/** Small fleets whose best rebalance is known by hand, and random ones whose plans must keep every rule. */
class RebalancePlannerTest {

    static final long GI = 1L << 30;

    /** A fleet under construction: nodes, and Pods bound to them (in scope or not). */
    static final class Fleet {
        final Map<String, NodeSnapshot> nodes = new LinkedHashMap<>();
        final List<MovablePod> pods = new ArrayList<>();

        Fleet node(String name, long cpuMilli) {
            return node(name, new Resources(cpuMilli, 16 * GI, 110, 0), List.of(), false);
        }

        Fleet node(String name, Resources allocatable, List<Taint> taints, boolean cordoned) {
            nodes.put(name, new NodeSnapshot(name, allocatable, Resources.NONE, Optional.empty(), taints, Map.of(),
                    cordoned, Map.of()));
            return this;
        }

        Fleet pod(String id, String node, long cpuMilli) {
            return pod(id, node, request(id, "web", new Resources(cpuMilli, GI, 1, 0), 0, List.of()));
        }

        Fleet pod(String id, String node, PodRequest request) {
            pods.add(new MovablePod(id, request, node));
            nodes.computeIfPresent(node, (n, s) -> s.withPod(request));
            return this;
        }

        /** A Pod out of the rebalance's scope: it holds its node and never moves. */
        Fleet fixed(String node, long cpuMilli) {
            nodes.computeIfPresent(node, (n, s) -> s.withPod(request("fixed", "other", new Resources(cpuMilli, GI, 1,
                    0), 0, List.of())));
            return this;
        }

        RebalancePlan plan(Objective objective, int maxMoves) {
            return RebalancePlanner.plan(new RebalanceProblem(List.copyOf(nodes.values()), List.copyOf(pods),
                    objective, maxMoves, Duration.ofSeconds(20)));
        }
    }

    static PodRequest request(String name, String app, Resources need, int maxPerNode, List<Toleration> tolerations) {
        return new PodRequest("shop", name, need, "shop/" + app, Strategy.Balanced, maxPerNode, tolerations, Map.of());
    }

    @Test
    void threePartlyUsedNodesBecomeTwoWithOneMove() {
        RebalancePlan plan = new Fleet().node("a", 4000).node("b", 4000).node("c", 4000)
                .pod("p1", "a", 1000).pod("p2", "a", 1000).pod("p3", "b", 1000).pod("p4", "b", 1000)
                .pod("p5", "c", 1000).plan(Objective.FewestNodes, 10);
        assertThat(plan.outcome()).isEqualTo(RebalancePlan.Outcome.Optimal);
        assertThat(plan.objectiveNow()).isEqualTo(3);
        assertThat(plan.objectivePlanned()).isEqualTo(2);
        assertThat(plan.bound()).isEqualTo(2);
        assertThat(plan.gap()).isZero();
        assertThat(plan.moves()).hasSize(1).allSatisfy(m -> assertThat(m).extracting(Move::pod, Move::from)
                .containsExactly("p5", "c"));
        assertThat(plan.nodesFreed()).containsExactly("c");
    }

    @ParameterizedTest(name = "four nodes with one Pod each, {0} moves allowed: {1} nodes")
    @CsvSource({"1, 3", "2, 2", "3, 1", "40, 1"})
    void theMoveBudgetBoundsHowFarThePlanGoes(int budget, int nodes) {
        RebalancePlan plan = new Fleet().node("a", 4000).node("b", 4000).node("c", 4000).node("d", 4000)
                .pod("p1", "a", 1000).pod("p2", "b", 1000).pod("p3", "c", 1000).pod("p4", "d", 1000)
                .plan(Objective.FewestNodes, budget);
        assertThat(plan.objectivePlanned()).isEqualTo(nodes);
        assertThat(plan.moves()).hasSize(4 - nodes);
        assertThat(plan.nodesFreed()).hasSize(4 - nodes);
    }

    @Test
    void aMoveBudgetOfZeroPlansNothing() {
        RebalancePlan plan = new Fleet().node("a", 4000).node("b", 4000).pod("p1", "a", 1000).pod("p2", "b", 1000)
                .plan(Objective.FewestNodes, 0);
        assertThat(plan.moves()).isEmpty();
        assertThat(plan.nodesFreed()).isEmpty();
        assertThat(plan.objectivePlanned()).isEqualTo(plan.objectiveNow()).isEqualTo(2);
    }

    @Test
    void podsThatDoNotFitTogetherStayApart() {
        RebalancePlan plan = new Fleet().node("a", 4000).node("b", 4000).pod("p1", "a", 2500).pod("p2", "b", 2500)
                .plan(Objective.FewestNodes, 5);
        assertThat(plan.outcome()).isEqualTo(RebalancePlan.Outcome.Optimal);
        assertThat(plan.objectivePlanned()).isEqualTo(2);
        assertThat(plan.moves()).isEmpty();
    }

    @Test
    void memoryCountsAsMuchAsCpu() {
        Resources big = new Resources(100, 10 * GI, 1, 0);
        RebalancePlan plan = new Fleet().node("a", 4000).node("b", 4000)
                .pod("p1", "a", request("p1", "web", big, 0, List.of()))
                .pod("p2", "b", request("p2", "web", big, 0, List.of())).plan(Objective.FewestNodes, 5);
        assertThat(plan.objectivePlanned()).isEqualTo(2);
        assertThat(plan.moves()).isEmpty();
    }

    @Test
    void maxPerNodeKeepsAnAppsPodsApart() {
        Resources small = new Resources(100, GI, 1, 0);
        Fleet fleet = new Fleet().node("a", 4000).node("b", 4000).node("c", 4000);
        for (String node : List.of("a", "b", "c")) {
            fleet.pod("spread-" + node, node, request("spread-" + node, "spread", small, 1, List.of()));
        }
        RebalancePlan plan = fleet.plan(Objective.FewestNodes, 5);
        assertThat(plan.objectivePlanned()).isEqualTo(3);
        assertThat(plan.moves()).isEmpty();
    }

    /** Either Pod could join the other; only one of them tolerates the other's node. */
    @Test
    void aPodMovesOnlyToANodeWhoseTaintsItTolerates() {
        Taint dedicated = new Taint("dedicated", "db", "NoSchedule");
        Toleration toDb = new Toleration("dedicated", "Equal", "db", "NoSchedule");
        RebalancePlan plan = new Fleet().node("tainted", new Resources(4000, 16 * GI, 110, 0), List.of(dedicated),
                false).node("plain", 4000)
                .pod("db", "tainted", request("db", "db", new Resources(1000, GI, 1, 0), 0, List.of(toDb)))
                .pod("web", "plain", 1000).plan(Objective.FewestNodes, 5);
        assertThat(plan.objectivePlanned()).isEqualTo(1);
        assertThat(plan.moves()).containsExactly(new Move("db", "tainted", "plain"));
    }

    @Test
    void aCordonedNodeKeepsItsPodsButTakesNoneAndIsTheOneEmptied() {
        RebalancePlan plan = new Fleet().node("cordoned", new Resources(4000, 16 * GI, 110, 0), List.of(), true)
                .node("open", 4000).pod("p1", "cordoned", 1000).pod("p2", "open", 1000)
                .plan(Objective.FewestNodes, 5);
        assertThat(plan.moves()).containsExactly(new Move("p1", "cordoned", "open"));
        assertThat(plan.nodesFreed()).containsExactly("cordoned");
    }

    @Test
    void podsOutOfScopeHoldTheirNodeAndTheirShareOfIt() {
        RebalancePlan plan = new Fleet().node("a", 4000).node("b", 4000).node("c", 4000).fixed("a", 3500)
                .pod("p1", "b", 1000).pod("p2", "c", 1000).plan(Objective.FewestNodes, 5);
        assertThat(plan.objectiveNow()).isEqualTo(3);
        assertThat(plan.objectivePlanned()).isEqualTo(2);
        assertThat(plan.moves()).hasSize(1).allSatisfy(m -> assertThat(m.to()).isNotEqualTo("a"));
    }

    @Test
    void evenLoadLowersTheBusiestNode() {
        RebalancePlan plan = new Fleet().node("a", 4000).node("b", 4000).pod("p1", "a", 1000).pod("p2", "a", 1000)
                .pod("p3", "a", 1000).pod("p4", "a", 1000).plan(Objective.EvenLoad, 5);
        assertThat(plan.objectiveNow()).isEqualTo(1000);
        assertThat(plan.objectivePlanned()).isEqualTo(500);
        assertThat(plan.moves()).hasSize(2).allSatisfy(m -> assertThat(m.to()).isEqualTo("b"));
    }

    @Test
    void freeGpuNodesGathersGpuPodsOnFewerGpuNodes() {
        Resources gpuNode = new Resources(16000, 64 * GI, 110, 4);
        Resources gpuPod = new Resources(1000, GI, 1, 1);
        RebalancePlan plan = new Fleet().node("g1", gpuNode, List.of(), false).node("g2", gpuNode, List.of(), false)
                .node("cpu", 16000)
                .pod("train-1", "g1", request("train-1", "train", gpuPod, 0, List.of()))
                .pod("train-2", "g2", request("train-2", "train", gpuPod, 0, List.of()))
                .pod("web", "g2", 1000).plan(Objective.FreeGpuNodes, 5);
        assertThat(plan.objectiveNow()).isEqualTo(2);
        assertThat(plan.objectivePlanned()).isEqualTo(1);
        assertThat(plan.moves()).hasSize(1).allSatisfy(m -> assertThat(m.pod()).startsWith("train-"));
    }

    @Test
    void aPodOnANodeNotPlannedOverIsReportedNotGuessedAt() {
        Fleet fleet = new Fleet().node("a", 4000).pod("p1", "a", 1000);
        fleet.pods.add(new MovablePod("shop/lost", request("lost", "web", new Resources(100, GI, 1, 0), 0,
                List.of()), "gone"));
        RebalancePlan plan = fleet.plan(Objective.FewestNodes, 5);
        assertThat(plan.outcome()).isEqualTo(RebalancePlan.Outcome.NoPlan);
        assertThat(plan.moves()).isEmpty();
        assertThat(plan.message()).contains("shop/lost").contains("gone");
    }

    /** Random fleets: the moves, applied, overfill no node, stay within the budget and reach the planned value. */
    @Test
    void aPlanAppliedKeepsEveryNodeWithinItsAllocatableAndTheBudget() {
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            Fleet fleet = new Fleet();
            int nodes = 3 + random.nextInt(6);
            for (int n = 0; n < nodes; n++) {
                fleet.node("n" + n, 4000);
            }
            Map<String, Long> used = new HashMap<>();
            for (int p = 0; p < 4 * nodes; p++) {
                String node = "n" + random.nextInt(nodes);
                long cpu = 250L * (1 + random.nextInt(4));
                if (used.getOrDefault(node, 0L) + cpu <= 4000) {
                    used.merge(node, cpu, Long::sum);
                    fleet.pod("p" + p, node, cpu);
                }
            }
            int budget = random.nextInt(fleet.pods.size() + 1);
            RebalancePlan plan = fleet.plan(Objective.FewestNodes, budget);
            assertThat(plan.moves()).as("round %d", round).hasSizeLessThanOrEqualTo(budget);
            assertThat(plan.moves().stream().map(Move::pod).distinct()).hasSize(plan.moves().size());
            Map<String, Long> after = new HashMap<>();
            Map<String, String> where = new HashMap<>();
            fleet.pods.forEach(p -> where.put(p.id(), p.node()));
            plan.moves().forEach(m -> {
                assertThat(where.get(m.pod())).isEqualTo(m.from());
                where.put(m.pod(), m.to());
            });
            fleet.pods.forEach(p -> after.merge(where.get(p.id()), p.request().request().cpuMilli(), Long::sum));
            assertThat(after.values()).as("round %d", round).allMatch(cpu -> cpu <= 4000);
            assertThat((long) after.size()).as("round %d: nodes in use after the moves", round)
                    .isEqualTo(plan.objectivePlanned());
            assertThat(plan.objectivePlanned()).isLessThanOrEqualTo(plan.objectiveNow())
                    .isGreaterThanOrEqualTo(plan.bound());
        }
    }
}
