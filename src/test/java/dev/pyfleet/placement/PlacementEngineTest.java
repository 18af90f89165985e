package dev.pyfleet.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlacementEngineTest {

    static final long GI = 1024L * 1024 * 1024;

    static NodeSnapshot node(String name, long cpu, long memGi, long usedCpu, long usedMemGi) {
        return new NodeSnapshot(name, new Resources(cpu, memGi * GI, 110, 0), new Resources(usedCpu, usedMemGi * GI,
                1, 0), Optional.empty(), List.of(), Map.of("zone", "a"), false, Map.of());
    }

    static PodRequest pod(long cpu, long memGi, Strategy strategy) {
        return new PodRequest("demo", "p", new Resources(cpu, memGi * GI, 1, 0), "demo/shop", strategy, 0, List.of(),
                Map.of());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            cordoned node          | Unschedulable      | node is cordoned (unschedulable)
            missing label          | NodeSelector       | node does not have label disk=ssd
            untolerated taint      | Taint              | untolerated taint gpu=true:NoSchedule
            no pod slots left      | TooManyPods        | too many pods (1 allowed)
            not enough cpu         | InsufficientCpu    | insufficient cpu: needs 2000m, 1000m free of 4000m
            not enough memory      | InsufficientMemory | insufficient memory: needs 8192Mi, 4096Mi free of 16384Mi
            not enough gpus        | InsufficientGpu    | insufficient nvidia.com/gpu: needs 1, 0 free
            app already at maximum | MaxPerNode         | already runs 2 pods of demo/shop (placement.maxPerNode 2)
            """)
    void everyRejectionIsExplained(String what, Rejection.Reason reason, String message) {
        NodeSnapshot base = node("n", 4000, 16, 3000, 12);
        PodRequest pod = pod(500, 1, Strategy.Balanced);
        switch (reason) {
            case Unschedulable -> base = withFlags(base, true, base.taints(), base.allocatable());
            case NodeSelector -> pod = new PodRequest("demo", "p", pod.request(), pod.app(), pod.strategy(), 0,
                    List.of(), Map.of("disk", "ssd"));
            case Taint -> base = withFlags(base, false, List.of(new Taint("gpu", "true", "NoSchedule")),
                    base.allocatable());
            case TooManyPods -> base = withFlags(base, false, List.of(), new Resources(4000, 16 * GI, 1, 0));
            case InsufficientCpu -> pod = pod(2000, 1, Strategy.Balanced);
            case InsufficientMemory -> pod = pod(500, 8, Strategy.Balanced);
            case InsufficientGpu -> pod = new PodRequest("demo", "p", new Resources(500, GI, 1, 1), "demo/shop",
                    Strategy.Balanced, 0, List.of(), Map.of());
            case MaxPerNode -> {
                base = new NodeSnapshot("n", base.allocatable(), base.requested(), Optional.empty(), List.of(),
                        base.labels(), false, Map.of("demo/shop", 2));
                pod = new PodRequest("demo", "p", pod.request(), "demo/shop", Strategy.Spread, 2, List.of(), Map.of());
            }
        }
        FilterResult result = PlacementEngine.filter(pod, List.of(base));
        assertThat(result.fits()).as(what).isEmpty();
        assertThat(result.rejected().get("n")).isEqualTo(new Rejection(reason, message));
    }

    @Test
    void toleratedTaintAndMatchingSelectorLetThePodIn() {
        NodeSnapshot tainted = withFlags(node("n", 4000, 16, 0, 0), false,
                List.of(new Taint("gpu", "true", "NoSchedule"), new Taint("soft", "", "PreferNoSchedule")),
                new Resources(4000, 16 * GI, 110, 0));
        PodRequest pod = new PodRequest("demo", "p", new Resources(500, GI, 1, 0), null, Strategy.Balanced, 0,
                List.of(new Toleration("gpu", "Equal", "true", "NoSchedule")), Map.of("zone", "a"));
        assertThat(PlacementEngine.filter(pod, List.of(tainted)).fits()).containsExactly("n");
        PodRequest tolerateAll = new PodRequest("demo", "p", pod.request(), null, Strategy.Balanced, 0,
                List.of(new Toleration(null, "Exists", null, null)), Map.of());
        assertThat(PlacementEngine.filter(tolerateAll, List.of(tainted)).fits()).containsExactly("n");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            BinPack   | the fuller node wins (87.5% vs 43.75% after placing) | 9, 4
            Balanced  | the node left evenly used wins (0 vs 37.5 points apart) | 10, 6
            LoadAware | the less loaded node wins (87.5% vs 62.5% busiest)    | 1, 4
            """)
    void strategiesRankNodes(Strategy strategy, String why, String expected) {
        // full: 6 of 8 cores and 12 of 16Gi used; empty-ish: 1 of 8 cores, 8 of 16Gi (uneven)
        NodeSnapshot full = node("full", 8000, 16, 6000, 12);
        NodeSnapshot uneven = node("uneven", 8000, 16, 1000, 8);
        var scores = PlacementEngine.scores(pod(1000, 2, strategy), List.of(full, uneven));
        String[] want = expected.split(",\\s*");
        assertThat(scores).as(why).containsEntry("full", Integer.parseInt(want[0]))
                .containsEntry("uneven", Integer.parseInt(want[1]));
    }

    @Test
    void spreadPrefersNodesWithoutTheAppsReplicas() {
        NodeSnapshot busy = new NodeSnapshot("busy", new Resources(8000, 16 * GI, 110, 0), Resources.NONE,
                Optional.empty(), List.of(), Map.of(), false, Map.of("demo/shop", 2));
        NodeSnapshot some = new NodeSnapshot("some", busy.allocatable(), Resources.NONE, Optional.empty(), List.of(),
                Map.of(), false, Map.of("demo/shop", 1, "demo/other", 5));
        NodeSnapshot none = new NodeSnapshot("none", busy.allocatable(), Resources.NONE, Optional.empty(), List.of(),
                Map.of(), false, Map.of());
        assertThat(PlacementEngine.scores(pod(100, 1, Strategy.Spread), List.of(busy, some, none)))
                .containsExactly(Map.entry("busy", 0), Map.entry("some", 5), Map.entry("none", 10));
    }

    @Test
    void loadAwareUsesMeasuredUsageWhenKnown() {
        NodeSnapshot quietButReserved = new NodeSnapshot("reserved", new Resources(8000, 16 * GI, 110, 0),
                new Resources(7000, 14 * GI, 3, 0), Optional.of(new Resources(500, GI, 3, 0)), List.of(), Map.of(),
                false, Map.of());
        NodeSnapshot busyButUnreserved = new NodeSnapshot("busy", new Resources(8000, 16 * GI, 110, 0),
                new Resources(1000, 2 * GI, 3, 0), Optional.of(new Resources(7000, 12 * GI, 3, 0)), List.of(),
                Map.of(), false, Map.of());
        var scores = PlacementEngine.scores(pod(500, 1, Strategy.LoadAware), List.of(quietButReserved,
                busyButUnreserved));
        assertThat(scores.get("reserved")).isGreaterThan(scores.get("busy"));
    }

    /** Properties over random nodes and pods: fit is sound, scores stay in range, node order is irrelevant. */
    @Test
    void randomSnapshotsKeepThePlacementProperties() {
        Random random = new Random(7);
        for (int round = 0; round < 2000; round++) {
            List<NodeSnapshot> nodes = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(12); i++) {
                long cpu = 1000L * (1 + random.nextInt(64));
                long mem = GI * (1 + random.nextInt(256));
                nodes.add(new NodeSnapshot("n" + i, new Resources(cpu, mem, 1 + random.nextInt(110),
                        random.nextInt(3)), new Resources((long) (cpu * random.nextDouble() * 1.1),
                                (long) (mem * random.nextDouble() * 1.1), random.nextInt(110), random.nextInt(3)),
                        random.nextBoolean() ? Optional.empty()
                                : Optional.of(new Resources(random.nextInt((int) cpu), (long) (mem * random.nextDouble()),
                                        0, 0)),
                        List.of(), Map.of(), random.nextInt(10) == 0, appPods(random)));
            }
            PodRequest pod = new PodRequest("demo", "p", new Resources(random.nextInt(16000),
                    (long) (GI * 32 * random.nextDouble()), 1, random.nextInt(2)), "demo/shop",
                    Strategy.values()[random.nextInt(4)], random.nextInt(3), List.of(), Map.of());

            FilterResult result = PlacementEngine.filter(pod, nodes);
            for (NodeSnapshot node : nodes) {
                Resources free = node.free();
                boolean fits = !node.unschedulable() && free.pods() >= 1 && free.cpuMilli() >= pod.request().cpuMilli()
                        && free.memoryBytes() >= pod.request().memoryBytes() && free.gpus() >= pod.request().gpus()
                        && (pod.maxPerNode() == 0 || node.podsOf(pod.app()) < pod.maxPerNode());
                assertThat(result.fits().contains(node.name())).as("round %d node %s", round, node).isEqualTo(fits);
                assertThat(result.fits().contains(node.name()) ^ result.rejected().containsKey(node.name())).isTrue();
            }
            Map<String, Integer> scores = PlacementEngine.scores(pod, nodes);
            assertThat(scores.values()).allMatch(s -> s >= 0 && s <= PlacementEngine.MAX_SCORE);

            List<NodeSnapshot> shuffled = new ArrayList<>(nodes);
            Collections.shuffle(shuffled, random);
            FilterResult again = PlacementEngine.filter(pod, shuffled);
            assertThat(again.rejected()).isEqualTo(result.rejected());
            assertThat(again.fits()).containsExactlyInAnyOrderElementsOf(result.fits());
            assertThat(PlacementEngine.scores(pod, shuffled)).isEqualTo(scores);
        }
    }

    private static Map<String, Integer> appPods(Random random) {
        Map<String, Integer> pods = new HashMap<>();
        if (random.nextBoolean()) {
            pods.put("demo/shop", random.nextInt(4));
        }
        return pods;
    }

    private static NodeSnapshot withFlags(NodeSnapshot node, boolean unschedulable, List<Taint> taints,
            Resources allocatable) {
        return new NodeSnapshot(node.name(), allocatable, node.requested(), node.usage(), taints, node.labels(),
                unschedulable, node.appPods());
    }
}
