package dev.pyfleet.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** What each strategy promises, node by node: one table row per behaviour a user picks the strategy for. */
class StrategyRankingTest {

    static final long GI = 1024L * 1024 * 1024;

    /** A node of {@code cpu} cores, {@code memGi} Gi and {@code gpus} GPUs, with {@code pods} pods using some. */
    static NodeSnapshot node(String name, long cpu, long memGi, long gpus, long usedCpu, long usedMemGi,
            long usedGpus, int pods) {
        return new NodeSnapshot(name, new Resources(cpu * 1000, memGi * GI, 110, gpus),
                new Resources(usedCpu * 1000, usedMemGi * GI, pods, usedGpus), Optional.empty(), List.of(),
                Map.of(), false, Map.of());
    }

    static NodeSnapshot empty(String name, long cpu, long memGi) {
        return node(name, cpu, memGi, 0, 0, 0, 0, 0);
    }

    static PodRequest pod(Strategy strategy, long cpu, long memGi, long gpus) {
        return new PodRequest("demo", "shop-1", new Resources(cpu * 1000, memGi * GI, 1, gpus), "demo/shop",
                strategy, 0, List.of(), Map.of());
    }

    /** Ten nodes like {@code like} (named {@code <like>-0..9}) and one empty node larger than all: "huge". */
    static List<NodeSnapshot> tenAndOneHuge(NodeSnapshot like) {
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            nodes.add(new NodeSnapshot(like.name() + "-" + i, like.allocatable(), like.requested(), like.usage(),
                    like.taints(), like.labels(), like.unschedulable(), like.appPods()));
        }
        nodes.add(empty("huge", 128, 1024));
        return nodes;
    }

    static String best(PodRequest pod, NodeSnapshot... nodes) {
        return PlacementEngine.rank(pod, List.of(nodes)).get(0).node();
    }

    @Test
    void binPackTakesTheFullestNodeInUseAcrossCpuMemoryAndGpus() {
        NodeSnapshot half = node("half", 32, 128, 0, 16, 64, 0, 4);
        NodeSnapshot cpuFullMemoryEmpty = node("lopsided", 32, 128, 0, 28, 8, 0, 4);
        NodeSnapshot nearlyFull = node("nearly-full", 32, 128, 0, 26, 100, 0, 8);
        assertThat(best(pod(Strategy.BinPack, 2, 4, 0), half, cpuFullMemoryEmpty, nearlyFull))
                .isEqualTo("nearly-full");
    }

    @Test
    void binPackPrefersAnyNodeInUseToOpeningAnEmptyOne() {
        NodeSnapshot barelyUsed = node("barely-used", 64, 256, 0, 1, 1, 0, 1);
        NodeSnapshot emptySmall = empty("empty-small", 4, 8);
        assertThat(best(pod(Strategy.BinPack, 3, 6, 0), barelyUsed, emptySmall))
                .as("the small node would be fuller, but opening it costs a node").isEqualTo("barely-used");
    }

    @Test
    void binPackOpensTheLargestEmptyNodeButKeepsTheVeryLargestForPodsOnlyTheyCanTake() {
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            nodes.add(empty("small-" + i, 16, 64));
            nodes.add(empty("medium-" + i, 64, 256));
        }
        nodes.add(empty("huge", 128, 1024));
        assertThat(PlacementEngine.rank(pod(Strategy.BinPack, 2, 4, 0), nodes).get(0).node()).startsWith("medium-");
        assertThat(PlacementEngine.rank(pod(Strategy.BinPack, 100, 4, 0), List.of(nodes.get(20))).get(0).node())
                .as("a pod only the huge node fits still goes there").isEqualTo("huge");
    }

    @Test
    void balancedTakesTheNodeThatLowersTheSpread() {
        NodeSnapshot busy = node("busy", 32, 128, 0, 24, 96, 0, 6);
        NodeSnapshot average = node("average", 32, 128, 0, 16, 64, 0, 4);
        NodeSnapshot quiet = node("quiet", 32, 128, 0, 4, 16, 0, 1);
        assertThat(best(pod(Strategy.Balanced, 2, 8, 0), busy, average, quiet)).isEqualTo("quiet");
    }

    @Test
    void balancedWeighsThePodsSizeAgainstTheNodesSoABigPodGoesToABigNode() {
        // Both at a quarter of their CPU and memory; 6 cores are 75 points of the small node and 9 of the large.
        NodeSnapshot small = node("small", 8, 32, 0, 2, 8, 0, 1);
        NodeSnapshot large = node("large", 64, 256, 0, 16, 64, 0, 4);
        assertThat(best(pod(Strategy.Balanced, 6, 8, 0), small, large)).isEqualTo("large");
    }

    @Test
    void balancedEvensCpuAgainstMemoryWhenNodesAreOtherwiseEqual() {
        NodeSnapshot cpuHeavy = node("cpu-heavy", 32, 128, 0, 16, 32, 0, 2);
        NodeSnapshot memoryHeavy = node("memory-heavy", 32, 128, 0, 8, 64, 0, 2);
        assertThat(best(pod(Strategy.Balanced, 4, 4, 0), cpuHeavy, memoryHeavy))
                .as("a CPU-hungry pod goes where CPU is the less used resource").isEqualTo("memory-heavy");
    }

    @Test
    void aPodWithoutGpusAvoidsGpuNodesWhileAnotherNodeFitsUnderEveryStrategy() {
        NodeSnapshot gpuNode = node("gpu", 96, 384, 8, 0, 0, 0, 0);
        NodeSnapshot busyCpuNode = node("cpu", 32, 128, 0, 24, 96, 0, 6);
        for (Strategy strategy : Strategy.values()) {
            assertThat(best(pod(strategy, 2, 4, 0), gpuNode, busyCpuNode)).as(strategy.name()).isEqualTo("cpu");
            assertThat(best(pod(strategy, 2, 4, 0), gpuNode)).as(strategy + ", alone").isEqualTo("gpu");
        }
        // One GPU left, with CPU to spare: a small pod would strand nothing there, and BinPack would like the
        // fuller node; the GPU is kept all the same.
        NodeSnapshot lastGpu = node("last-gpu", 96, 384, 8, 48, 192, 7, 7);
        NodeSnapshot cpuNode = node("cpu", 32, 128, 0, 8, 32, 0, 2);
        assertThat(GpuFit.strandedAfter(pod(Strategy.BinPack, 2, 4, 0), lastGpu)).isZero();
        for (Strategy strategy : Strategy.values()) {
            assertThat(best(pod(strategy, 2, 4, 0), lastGpu, cpuNode)).as(strategy.name()).isEqualTo("cpu");
        }
        NodeSnapshot gpusAllTaken = node("gpus-taken", 96, 384, 8, 48, 192, 8, 8);
        assertThat(best(pod(Strategy.BinPack, 2, 4, 0), gpusAllTaken, cpuNode))
                .as("a GPU node with no free GPU is an ordinary node").isEqualTo("gpus-taken");
    }

    @Test
    void aGpuPodTakesTheNodeItLeavesWithFewestFreeGpusUnderEveryStrategy() {
        NodeSnapshot wholeNode = node("whole", 96, 384, 8, 0, 0, 0, 0);
        NodeSnapshot lastGpu = node("last-gpu", 96, 384, 8, 84, 336, 7, 7);
        for (Strategy strategy : Strategy.values()) {
            assertThat(best(pod(strategy, 8, 32, 1), wholeNode, lastGpu)).as(strategy.name()).isEqualTo("last-gpu");
        }
    }

    @Test
    void aCpuHungryGpuPodGoesWhereItStrandsNoGpus() {
        // 8 GPUs and 96 cores: 12 cores per GPU. A 1-GPU pod asking 40 cores strands GPUs there,
        // not on a node with 52 cores per GPU.
        NodeSnapshot gpuDense = node("gpu-dense", 96, 384, 8, 0, 0, 0, 0);
        NodeSnapshot cpuRich = node("cpu-rich", 104, 512, 2, 0, 0, 0, 0);
        assertThat(GpuFit.strandedAfter(pod(Strategy.BinPack, 40, 32, 1), gpuDense)).isGreaterThan(0);
        for (Strategy strategy : Strategy.values()) {
            assertThat(best(pod(strategy, 40, 32, 1), gpuDense, cpuRich)).as(strategy.name()).isEqualTo("cpu-rich");
        }
    }

    @Test
    void spreadPrefersTheDomainThenTheNodeWithFewestReplicasThenTheLeastLoaded() {
        NodeSnapshot a1 = withApp(node("a1", 32, 128, 0, 2, 8, 0, 1), "a", 1);
        NodeSnapshot a2 = withApp(node("a2", 32, 128, 0, 2, 8, 0, 0), "a", 0);
        NodeSnapshot b1 = withApp(node("b1", 32, 128, 0, 20, 80, 0, 5), "b", 0);
        NodeSnapshot b2 = withApp(node("b2", 32, 128, 0, 10, 40, 0, 2), "b", 0);
        PodRequest zonal = new PodRequest("demo", "shop-2", new Resources(1000, GI, 1, 0), "demo/shop",
                Strategy.Spread, 0, List.of(), Map.of(), "zone");
        assertThat(PlacementEngine.rank(zonal, List.of(a1, a2, b1, b2)).stream().map(RankedNode::node))
                .as("zone b first (no replica), its less loaded node first; then a's node without a replica")
                .containsExactly("b2", "b1", "a2", "a1");
        PodRequest perNode = new PodRequest("demo", "shop-2", zonal.request(), "demo/shop", Strategy.Spread, 0,
                List.of(), Map.of());
        assertThat(PlacementEngine.rank(perNode, List.of(a1, a2, b1, b2)).get(0).node())
                .as("without a topology key only nodes count: the least loaded node without a replica")
                .isEqualTo("a2");
    }

    @Test
    void loadAwareRanksByMeasuredUsageWhereServedAndKeepsHeadroom() {
        NodeSnapshot quietButReserved = new NodeSnapshot("reserved", new Resources(8000, 16 * GI, 110, 0),
                new Resources(7000, 14 * GI, 3, 0), Optional.of(new Resources(500, GI, 3, 0)), List.of(), Map.of(),
                false, Map.of());
        NodeSnapshot busyButUnreserved = new NodeSnapshot("busy", new Resources(8000, 16 * GI, 110, 0),
                new Resources(1000, 2 * GI, 3, 0), Optional.of(new Resources(7000, 12 * GI, 3, 0)), List.of(),
                Map.of(), false, Map.of());
        assertThat(best(pod(Strategy.LoadAware, 1, 1, 0), quietButReserved, busyButUnreserved))
                .isEqualTo("reserved");
        // 70% and 75% loaded now; a 1-core pod takes the second past 80% on an 8-core node.
        NodeSnapshot seventy = node("seventy", 10, 100, 0, 7, 10, 0, 3);
        NodeSnapshot seventyFive = node("seventy-five", 8, 100, 0, 6, 10, 0, 3);
        assertThat(LoadAwareScorer.loadAfter(pod(Strategy.LoadAware, 1, 1, 0), seventyFive))
                .isGreaterThan(LoadAwareScorer.HEADROOM);
        assertThat(best(pod(Strategy.LoadAware, 1, 1, 0), seventy, seventyFive)).isEqualTo("seventy");
    }

    @Test
    void balancedAlsoKeepsTheVeryLargestNodesForPodsOnlyTheyCanTake() {
        List<NodeSnapshot> nodes = tenAndOneHuge(empty("medium", 64, 256));
        assertThat(PlacementEngine.best(pod(Strategy.Balanced, 8, 16, 0), nodes))
                .as("the huge node would take the smallest step, but it is kept").startsWith("medium-");
    }

    /**
     * The fleet's mean decides: a small node far below it takes even a large step before a large node at the mean
     * takes a small one, since that is what evens the load.
     */
    @Test
    void balancedLiftsTheNodeFurthestBelowTheFleetsMean() {
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            nodes.add(node("at-mean-" + i, 64, 256, 0, 32, 128, 0, 8));
        }
        NodeSnapshot low = node("low", 8, 32, 0, 1, 4, 0, 1);
        nodes.add(low);
        assertThat(PlacementEngine.best(pod(Strategy.Balanced, 3, 12, 0), nodes)).isEqualTo("low");
    }

    @Test
    void aGpuPodFillsGpusThatWouldOtherwiseBeStranded() {
        // 4 of 8 GPUs free but only a tenth of the CPU: placing a GPU pod there strands fewer GPUs, not more.
        NodeSnapshot starved = node("starved", 96, 384, 8, 86, 200, 4, 6);
        NodeSnapshot empty = node("empty", 96, 384, 8, 0, 0, 0, 0);
        PodRequest gpuPod = pod(Strategy.Balanced, 1, 8, 1);
        assertThat(GpuFit.strandedAfter(gpuPod, starved)).isLessThan(GpuFit.stranded(starved));
        assertThat(GpuFit.stranded(empty)).isZero();
        for (Strategy strategy : Strategy.values()) {
            assertThat(best(pod(strategy, 1, 8, 1), empty, starved)).as(strategy.name()).isEqualTo("starved");
        }
    }

    @Test
    void aGpuNodeWhoseGpusAreAllTakenDoesNotMakeGpuNodesFairGame() {
        NodeSnapshot freeGpus = node("free-gpus", 96, 384, 8, 60, 200, 2, 4);
        NodeSnapshot gpusTaken = node("gpus-taken", 96, 384, 8, 10, 20, 8, 8);
        assertThat(best(pod(Strategy.BinPack, 2, 4, 0), freeGpus, gpusTaken))
                .as("the node without free GPUs can take the pod, so the free GPUs are kept").isEqualTo("gpus-taken");
    }

    @Test
    void loadAwareComparesLoadAsShareOfEachNode() {
        NodeSnapshot small = node("small", 4, 16, 0, 1, 1, 0, 1);
        NodeSnapshot big = node("big", 16, 64, 0, 6, 6, 0, 3);
        assertThat(best(pod(Strategy.LoadAware, 2, 1, 0), small, big))
                .as("3 of 4 cores against 8 of 16").isEqualTo("big");
    }

    @Test
    void loadAwareKeepsItsHeadroomEvenOnANodeKeptForLargePods() {
        List<NodeSnapshot> nodes = tenAndOneHuge(node("hot", 32, 128, 0, 25, 30, 0, 6));
        assertThat(PlacementEngine.best(pod(Strategy.LoadAware, 2, 4, 0), nodes))
                .as("27 of 32 cores would pass 80%").isEqualTo("huge");
        assertThat(PlacementEngine.best(pod(Strategy.Balanced, 2, 4, 0), nodes))
                .as("Balanced keeps the huge node").startsWith("hot-");
    }

    /** The documented measure: free GPUs times the share of them that lacks its part of free CPU or memory. */
    @Test
    void strandedGpusAreTheFreeOnesWithoutTheirShareOfCpuAndMemory() {
        // 4 of 8 GPUs free (half), a quarter of the CPU free: half of the free GPUs have no CPU to go with them.
        assertThat(GpuFit.stranded(node("n", 96, 384, 8, 72, 0, 4, 4))).isEqualTo(2.0);
        assertThat(GpuFit.stranded(node("n", 96, 384, 8, 0, 288, 4, 4))).as("memory alike").isEqualTo(2.0);
        assertThat(GpuFit.stranded(node("n", 96, 384, 8, 24, 96, 4, 4))).as("enough of both").isZero();
        assertThat(GpuFit.stranded(node("n", 96, 384, 8, 96, 384, 8, 8))).as("no free GPU").isZero();
        assertThat(GpuFit.stranded(empty("cpu-only", 32, 128))).isZero();
    }

    /** The documented step: a node at share u of mean m taking d adds d(2(u - m) + d), for CPU and memory. */
    @Test
    void varianceAddedIsTheDocumentedStep() {
        NodeSnapshot half = node("half", 100, 100, 0, 50, 25, 0, 1);
        Candidates candidates = Candidates.of(pod(Strategy.Balanced, 25, 25, 0), List.of(half));
        assertThat(BalancedScorer.varianceAdded(pod(Strategy.Balanced, 25, 25, 0), half, candidates))
                .isCloseTo(0.125, org.assertj.core.data.Offset.offset(1e-12));
        NodeSnapshot other = node("other", 100, 100, 0, 10, 5, 0, 1);
        Candidates two = Candidates.of(pod(Strategy.Balanced, 25, 25, 0), List.of(half, other));
        // means 0.3 and 0.15: 0.25 (2 x 0.2 + 0.25) + 0.25 (2 x 0.1 + 0.25)
        assertThat(BalancedScorer.varianceAdded(pod(Strategy.Balanced, 25, 25, 0), half, two))
                .isCloseTo(0.275, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void balancedEvensMemoryAsWellAsCpu() {
        NodeSnapshot memoryBusy = node("memory-busy", 32, 128, 0, 8, 96, 0, 2);
        NodeSnapshot memoryQuiet = node("memory-quiet", 32, 128, 0, 8, 16, 0, 2);
        assertThat(best(pod(Strategy.Balanced, 1, 16, 0), memoryBusy, memoryQuiet)).isEqualTo("memory-quiet");
    }

    @Test
    void loadAwareCountsMemoryLoadToo() {
        NodeSnapshot small = node("small", 16, 8, 0, 1, 1, 0, 1);
        NodeSnapshot big = node("big", 16, 64, 0, 1, 16, 0, 1);
        assertThat(best(pod(Strategy.LoadAware, 1, 4, 0), small, big)).as("5 of 8Gi against 20 of 64Gi")
                .isEqualTo("big");
    }

    @Test
    void loadAwareTakesANodeThatEndsExactlyAtItsHeadroomAndKeepsLargeNodes() {
        // 7 + 1 of 10 cores is exactly 80%: within the headroom, so the large node stays kept.
        List<NodeSnapshot> nodes = tenAndOneHuge(node("eighty", 10, 100, 0, 7, 10, 0, 3));
        assertThat(PlacementEngine.best(pod(Strategy.LoadAware, 1, 1, 0), nodes)).startsWith("eighty-");
    }

    @Test
    void whatIfExplainsEachNodeInTheStrategysTerms() {
        NodeSnapshot inUse = node("in-use", 10, 100, 0, 5, 20, 0, 2);
        NodeSnapshot gpu = node("gpu", 10, 100, 2, 0, 0, 0, 0);
        assertThat(PlacementEngine.explain(pod(Strategy.BinPack, 1, 10, 0), List.of(inUse, gpu)))
                .containsEntry("in-use", "in use, cpu 60%, memory 30% after placing")
                .containsEntry("gpu", "kept for pods that need GPUs; empty, cpu 10%, memory 10% after placing");
        assertThat(PlacementEngine.explain(pod(Strategy.Balanced, 1, 10, 0), List.of(inUse)).get("in-use"))
                .isEqualTo("cpu 60%, memory 30% after placing (mean of the candidates: cpu 50%, memory 20%)");
        assertThat(PlacementEngine.explain(pod(Strategy.LoadAware, 1, 10, 0), List.of(inUse)).get("in-use"))
                .isEqualTo("requested load 60% after placing");
        NodeSnapshot zoned = new NodeSnapshot("zoned", inUse.allocatable(), inUse.requested(), Optional.of(
                new Resources(1000, 10L << 30, 0, 0)), List.of(), Map.of("zone", "a"), false, Map.of("demo/shop", 1));
        PodRequest spread = new PodRequest("demo", "shop-1", new Resources(1000, 10 * GI, 1, 0), "demo/shop",
                Strategy.Spread, 0, List.of(), Map.of(), "zone");
        assertThat(PlacementEngine.explain(spread, List.of(zoned)).get("zoned"))
                .startsWith("1 of the app's pods here, 1 in zone=a; cpu 60%");
        PodRequest loadAware = new PodRequest("demo", "p", spread.request(), null, Strategy.LoadAware, 0, List.of(),
                Map.of());
        assertThat(PlacementEngine.explain(loadAware, List.of(zoned)).get("zoned"))
                .isEqualTo("measured load 20% after placing");
    }

    @Test
    void strategyNamesParseAndAnUnknownOneFallsBack() {
        assertThat(Strategy.parse("BinPack", Strategy.Balanced)).isEqualTo(Strategy.BinPack);
        assertThat(Strategy.parse("binpack", Strategy.Spread)).isEqualTo(Strategy.Spread);
        assertThat(Strategy.parse(null, Strategy.Balanced)).isEqualTo(Strategy.Balanced);
    }

    /** Identical empty nodes: the choice is the same whatever their order, and is not always the first name. */
    @Test
    void tiesAreBrokenByAHashOfPodAndNodeNotByName() {
        List<NodeSnapshot> twins = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            twins.add(empty("node-" + (char) ('a' + i), 32, 128));
        }
        Set<String> chosen = new HashSet<>();
        for (int p = 0; p < 50; p++) {
            PodRequest pod = new PodRequest("demo", "pod-" + p, new Resources(1000, GI, 1, 0), null,
                    Strategy.Balanced, 0, List.of(), Map.of());
            String first = PlacementEngine.best(pod, twins);
            List<NodeSnapshot> reversed = new ArrayList<>(twins);
            java.util.Collections.reverse(reversed);
            assertThat(PlacementEngine.best(pod, reversed)).isEqualTo(first);
            chosen.add(first);
        }
        assertThat(chosen).as("different pods break ties differently").hasSizeGreaterThan(5);
    }

    private static NodeSnapshot withApp(NodeSnapshot node, String zone, int replicas) {
        return new NodeSnapshot(node.name(), node.allocatable(), node.requested(), node.usage(), node.taints(),
                Map.of("zone", zone), false, replicas == 0 ? Map.of() : Map.of("demo/shop", replicas));
    }
}
