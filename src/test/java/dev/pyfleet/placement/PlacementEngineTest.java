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

/** The filter: every rejection explained, and properties over random snapshots. */
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
            not enough local disk  | InsufficientEphemeralStorage | insufficient ephemeral-storage: needs 8192Mi, 2048Mi free of 20480Mi
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
            case InsufficientEphemeralStorage -> {
                base = new NodeSnapshot("n", new Resources(4000, 16 * GI, 110, 0, 20 * GI),
                        new Resources(3000, 12 * GI, 1, 0, 18 * GI), Optional.empty(), List.of(), base.labels(), false,
                        Map.of());
                pod = new PodRequest("demo", "p", new Resources(500, GI, 1, 0, 8 * GI), "demo/shop",
                        Strategy.Balanced, 0, List.of(), Map.of());
            }
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

    /** As kube-scheduler counts it: a node that reports no ephemeral storage refuses only Pods that ask for some. */
    @Test
    void ephemeralStorageLimitsOnlyPodsThatAskForIt() {
        NodeSnapshot noDiskReported = node("n", 4000, 16, 0, 0);
        PodRequest asks = new PodRequest("demo", "p", new Resources(500, GI, 1, 0, GI), "demo/shop",
                Strategy.Balanced, 0, List.of(), Map.of());

        assertThat(PlacementEngine.filter(pod(500, 1, Strategy.Balanced), List.of(noDiskReported)).fits())
                .containsExactly("n");
        assertThat(PlacementEngine.filter(asks, List.of(noDiskReported)).rejected().get("n").reason())
                .isEqualTo(Rejection.Reason.InsufficientEphemeralStorage);
    }

    /** A node of 100Gi local disk with {@code usedDiskGi} of it requested, equal to the others in all else. */
    static NodeSnapshot disk(String name, long usedDiskGi) {
        return new NodeSnapshot(name, new Resources(4000, 16 * GI, 110, 0, 100 * GI),
                new Resources(1000, 4 * GI, 2, 0, usedDiskGi * GI), Optional.empty(), List.of(), Map.of(), false,
                Map.of());
    }

    /**
     * A Pod that asks for local disk is placed by it too: of two nodes equal in CPU and memory, BinPack packs the
     * fuller disk and Balanced evens them onto the emptier, whichever way round the nodes come.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"BinPack, full-disk", "Balanced, empty-disk"})
    void strategiesWeighEphemeralStorageForAPodThatAsksForIt(Strategy strategy, String chosen) {
        NodeSnapshot emptyDisk = disk("empty-disk", 0);
        NodeSnapshot fullDisk = disk("full-disk", 80);
        PodRequest asks = new PodRequest("demo", "p", new Resources(500, GI, 1, 0, 10 * GI), "demo/shop", strategy,
                0, List.of(), Map.of());

        assertThat(PlacementEngine.rank(asks, List.of(emptyDisk, fullDisk)).get(0).node()).isEqualTo(chosen);
        assertThat(PlacementEngine.rank(asks, List.of(fullDisk, emptyDisk)).get(0).node()).isEqualTo(chosen);
        assertThat(PlacementEngine.explain(asks, List.of(emptyDisk, fullDisk)).get("full-disk"))
                .contains("ephemeral-storage 90%");
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

    @ParameterizedTest(name = "{0}: taint {1}={2}:{3}, toleration {4} {5} {6} {7} -> tolerated {8}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            same key and value            | gpu | true | NoSchedule | gpu | Equal  | true  | NoSchedule | true
            same key, other value         | gpu | true | NoSchedule | gpu | Equal  | false | NoSchedule | false
            Exists ignores the value      | gpu | true | NoSchedule | gpu | Exists | -     | NoSchedule | true
            other key                     | gpu | true | NoSchedule | tpu | Exists | -     | -          | false
            other effect                  | gpu | true | NoSchedule | gpu | Equal  | true  | NoExecute  | false
            NoExecute keeps pods away too | gpu | true | NoExecute  | gpu | Equal  | true  | NoSchedule | false
            NoExecute tolerated           | gpu | true | NoExecute  | gpu | Equal  | true  | -          | true
            empty key with Exists         | gpu | true | NoExecute  | -   | Exists | -     | -          | true
            empty key with Equal          | gpu | true | NoExecute  | -   | Equal  | true  | -          | false
            PreferNoSchedule never repels | gpu | true | PreferNoSchedule | tpu | Exists | - | -      | true
            """)
    void taintsAndTolerationsMatchAsKubernetesMatchesThem(String what, String key, String value, String effect,
            String tKey, String operator, String tValue, String tEffect, boolean tolerated) {
        NodeSnapshot tainted = withFlags(node("n", 4000, 16, 0, 0), false, List.of(new Taint(key, value, effect)),
                new Resources(4000, 16 * GI, 110, 0));
        PodRequest pod = new PodRequest("demo", "p", new Resources(500, GI, 1, 0), null, Strategy.Balanced, 0,
                List.of(new Toleration(tKey, operator, tValue, tEffect)), Map.of());
        assertThat(PlacementEngine.fits(pod, tainted)).as(what).isEqualTo(tolerated);
    }

    @Test
    void aSelectorRejectionNamesTheLabelThatIsMissing() {
        NodeSnapshot node = new NodeSnapshot("n", new Resources(4000, 16 * GI, 110, 0), Resources.NONE,
                Optional.empty(), List.of(), Map.of("zone", "a", "disk", "hdd"), false, Map.of());
        PodRequest pod = new PodRequest("demo", "p", new Resources(500, GI, 1, 0), null, Strategy.Balanced, 0,
                List.of(), new java.util.TreeMap<>(Map.of("disk", "ssd", "zone", "a")));
        assertThat(PlacementEngine.filter(pod, List.of(node)).rejected().get("n").message())
                .isEqualTo("node does not have label disk=ssd");
        PodRequest zoneFirst = new PodRequest("demo", "p", pod.request(), null, Strategy.Balanced, 0, List.of(),
                new java.util.LinkedHashMap<>(java.util.Map.of("zone", "a")) {
                    {
                        put("disk", "ssd");
                    }
                });
        assertThat(PlacementEngine.filter(zoneFirst, List.of(node)).rejected().get("n").message())
                .as("the matching label is not named").isEqualTo("node does not have label disk=ssd");
    }

    /** A pod that takes exactly what is free fits; one unit more does not, for every resource. */
    @Test
    void anExactFitFitsAndOneUnitMoreDoesNot() {
        NodeSnapshot node = new NodeSnapshot("n", new Resources(4000, 16 * GI, 10, 2), new Resources(1000, 4 * GI, 9,
                1), Optional.empty(), List.of(), Map.of(), false, Map.of());
        Resources free = node.free();
        PodRequest exact = new PodRequest("demo", "p", new Resources(free.cpuMilli(), free.memoryBytes(), 1,
                free.gpus()), null, Strategy.Balanced, 0, List.of(), Map.of());
        assertThat(PlacementEngine.fits(exact, node)).isTrue();
        for (Resources more : List.of(new Resources(1, 0, 0, 0), new Resources(0, 1, 0, 0), new Resources(0, 0, 0, 1),
                new Resources(0, 0, 1, 0))) {
            PodRequest bigger = new PodRequest("demo", "p", exact.request().plus(more), null, Strategy.Balanced, 0,
                    List.of(), Map.of());
            NodeSnapshot target = more.pods() == 0 ? node : new NodeSnapshot("n", node.allocatable(),
                    node.requested().plus(new Resources(0, 0, 1, 0)), Optional.empty(), List.of(), Map.of(), false,
                    Map.of());
            assertThat(PlacementEngine.fits(bigger, target)).as("one more of %s", more).isFalse();
        }
    }

    /**
     * Properties over random nodes and pods: the filter is exact, the ranking holds exactly the nodes that fit and
     * starts with {@link PlacementEngine#best}, and node order changes neither, tie-breaking included.
     */
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
                        List.of(), Map.of("zone", "z" + random.nextInt(3)), random.nextInt(10) == 0,
                        appPods(random)));
                if (random.nextInt(3) == 0) {
                    // An identical twin under another name: only the tie-break can order the two.
                    NodeSnapshot twin = nodes.get(nodes.size() - 1);
                    nodes.add(new NodeSnapshot("twin" + i, twin.allocatable(), twin.requested(), twin.usage(),
                            twin.taints(), twin.labels(), twin.unschedulable(), twin.appPods()));
                }
            }
            PodRequest pod = new PodRequest("demo", "p" + round, new Resources(random.nextInt(16000),
                    (long) (GI * 32 * random.nextDouble()), 1, random.nextInt(2)), "demo/shop",
                    Strategy.values()[random.nextInt(4)], random.nextInt(3), List.of(), Map.of(),
                    random.nextBoolean() ? "zone" : null);

            FilterResult result = PlacementEngine.filter(pod, nodes);
            for (NodeSnapshot node : nodes) {
                Resources free = node.free();
                boolean fits = !node.unschedulable() && free.pods() >= 1 && free.cpuMilli() >= pod.request().cpuMilli()
                        && free.memoryBytes() >= pod.request().memoryBytes() && free.gpus() >= pod.request().gpus()
                        && (pod.maxPerNode() == 0 || node.podsOf(pod.app()) < pod.maxPerNode());
                assertThat(result.fits().contains(node.name())).as("round %d node %s", round, node).isEqualTo(fits);
                assertThat(result.fits().contains(node.name()) ^ result.rejected().containsKey(node.name())).isTrue();
            }
            List<NodeSnapshot> fitting = nodes.stream().filter(n -> result.fits().contains(n.name())).toList();
            List<String> ranking = PlacementEngine.rank(pod, fitting).stream().map(RankedNode::node).toList();
            assertThat(ranking).containsExactlyInAnyOrderElementsOf(result.fits());
            if (!fitting.isEmpty()) {
                assertThat(PlacementEngine.best(pod, fitting)).isEqualTo(ranking.get(0));
            }

            List<NodeSnapshot> shuffled = new ArrayList<>(nodes);
            Collections.shuffle(shuffled, random);
            FilterResult again = PlacementEngine.filter(pod, shuffled);
            assertThat(again.rejected()).isEqualTo(result.rejected());
            assertThat(again.fits()).containsExactlyInAnyOrderElementsOf(result.fits());
            List<NodeSnapshot> shuffledFitting = shuffled.stream().filter(n -> result.fits().contains(n.name()))
                    .toList();
            assertThat(PlacementEngine.rank(pod, shuffledFitting).stream().map(RankedNode::node).toList())
                    .as("round %d: the ranking does not depend on node order", round).isEqualTo(ranking);
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
