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
