package dev.pyfleet.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.pyfleet.kubevirt.VirtualMachineInstance;
import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PlacementEngine;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.placement.Resources;
import dev.pyfleet.placement.Strategy;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.FakeNodes;
import dev.pyfleet.testing.Inputs;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * The real pyfleet-scheduler calling the operator's extender, on a control plane of its own. Each test places its
 * pods (by node selector) on three fresh 4-CPU, 16Gi fake nodes of its own, so that placement can be read off exactly
 * and nothing a previous test left behind, or a scheduler has not yet forgotten, can change it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExtenderIT {

    static ControlPlane cluster;
    static OperatorProcess operator;
    static KubernetesClient client;
    TestNamespace namespace;

    @BeforeAll
    static void start() {
        int port = OperatorProcess.freePort();
        cluster = ControlPlane.withExtenderAt("extender", port, "--nodes", "1");
        operator = new OperatorProcess(cluster.kubeconfig(), port);
        operator.awaitReady(Duration.ofSeconds(60));
        client = cluster.newClient();
        // Launcher pods are controlled by VirtualMachineInstances; the extender reads guest sizes only from those.
        Inputs.require(cluster.installKubeVirt(), "KubeVirt's CRDs are not at " + ControlPlane.kubeVirtFixtures());
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    String pool;

    @BeforeEach
    void setUp() {
        namespace = new TestNamespace(client, "extender");
        pool = namespace.name();
        FakeNodes.create(client, pool, 3, Map.of("pyfleet.dev/test-pool", pool), "4", "16Gi", "100Gi");
        // The extender learns of nodes from its own informer: wait until it would place on all three.
        String probe = probe();
        Awaitility.await("the extender's cache knows the new nodes").atMost(Duration.ofSeconds(30))
                .until(() -> HttpClient.newHttpClient().send(post("filter", probe),
                        HttpResponse.BodyHandlers.ofString()).body()
                        .contains("\"NodeNames\":[\"" + pool + "-0\",\"" + pool + "-1\",\"" + pool + "-2\"]"));
    }

    @AfterEach
    void tearDown() {
        namespace.close();
    }

    @Test
    void binPackFillsOneNodeBeforeUsingTheNext() {
        app("packed", "BinPack", 6, "1");
        Map<String, Long> perNode = awaitBound("packed", 6);
        assertThat(perNode.values()).containsExactlyInAnyOrder(4L, 2L);
    }

    @Test
    void spreadPutsThreeReplicasOnThreeNodes() {
        app("spread", "Spread", 3, "100m");
        assertThat(awaitBound("spread", 3)).hasSize(3).allSatisfy((node, pods) -> assertThat(pods).isEqualTo(1));
    }

    /**
     * Local disk is packed like CPU and memory for a Pod that asks for some. Node 0 holds 1 CPU and 60Gi of disk, node
     * 1 holds 1.5 CPU and none (Pods bound there directly): by CPU and memory alone BinPack would take node 1, by
     * all three it takes node 0. A Pod asking for more disk than any node has stays Pending, and says why.
     */
    @Test
    void binPackCountsEphemeralStorageAndAPodNoDiskHoldsSaysSo() {
        bare("disk-heavy", pool + "-0", "1", "60Gi");
        bare("cpu-heavy", pool + "-1", "1500m", null);
        diskApp("scratch", "500m", "20Gi");
        assertThat(awaitBound("scratch", 1)).containsOnlyKeys(pool + "-0");

        diskApp("hoard", "100m", "200Gi");
        Awaitility.await("FailedScheduling event naming ephemeral storage").atMost(Duration.ofSeconds(60))
                .until(() -> client.v1().events().inNamespace(namespace.name()).list().getItems().stream()
                        .anyMatch(e -> "FailedScheduling".equals(e.getReason())
                                && e.getInvolvedObject().getName().startsWith("hoard-")
                                && e.getMessage().contains("ephemeral-storage")));
        assertThat(PythonApps.pods(client, namespace.name(), "hoard")).singleElement()
                .satisfies(p -> assertThat(p.getSpec().getNodeName()).isNull());
    }

    /** One BinPack replica asking for cpu, 256Mi and local disk. */
    private void diskApp(String name, String cpu, String ephemeralStorage) {
        PythonApps.create(client, namespace.name(), """
                metadata: {name: %s}
                spec:
                  image: ghcr.io/acme/%s:1
                  process: {type: wsgi, module: "app:app"}
                  replicas: 1
                  resources: {requests: {cpu: %s, memory: 256Mi, ephemeral-storage: %s}}
                  placement: {strategy: BinPack, nodeSelector: {pyfleet.dev/test-pool: %s}}
                """.formatted(name, name, cpu, ephemeralStorage, pool));
    }

    /** A Pod that is no app's, bound to the node directly (no scheduler), asking for cpu and, if given, local disk. */
    private void bare(String name, String node, String cpu, String ephemeralStorage) {
        Map<String, Quantity> requests = new java.util.HashMap<>(Map.of("cpu", new Quantity(cpu)));
        if (ephemeralStorage != null) {
            requests.put("ephemeral-storage", new Quantity(ephemeralStorage));
        }
        client.pods().inNamespace(namespace.name()).resource(new PodBuilder().withNewMetadata().withName(name)
                .endMetadata().withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("i")
                .withNewResources().withRequests(requests).endResources().endContainer().endSpec().build()).create();
        Awaitility.await(name + " running").atMost(Duration.ofSeconds(30)).until(() -> PythonApps.isReady(
                client.pods().inNamespace(namespace.name()).withName(name).get()));
    }

    /** kube-scheduler's own filters pass the fourth pod everywhere; only the extender knows it cannot go. */
    @Test
    void podThatFitsNoNodeStaysPendingWithTheExtendersReasonsInItsEvents() {
        app("single", "Spread", 4, "100m", "Spread, maxPerNode: 1");
        awaitBound("single", 3);
        Awaitility.await("FailedScheduling event naming the extender's reason").atMost(Duration.ofSeconds(60))
                .until(() -> client.v1().events().inNamespace(namespace.name()).list().getItems().stream()
                        .anyMatch(e -> "FailedScheduling".equals(e.getReason())
                                && e.getMessage().contains("(placement.maxPerNode 1)")));
        assertThat(PythonApps.pods(client, namespace.name(), "single"))
                .filteredOn(pod -> pod.getSpec().getNodeName() == null).hasSize(1);
    }

    /**
     * 50 VM launcher pods created at once, each asking 100m for itself but carrying a 1-vCPU guest: only the
     * extender knows their true size, so only its assumed pods keep a burst from overfilling the nodes.
     */
    @Test
    void burstOfFiftyPodsNeverOvercommitsANode() {
        for (int i = 0; i < 50; i++) {
            client.pods().inNamespace(namespace.name()).resource(launcherPod("vm-" + i, "burst", pool)).create();
        }
        Awaitility.await("12 of 50 pods bound (3 nodes x 4 guest vCPUs)").atMost(Duration.ofSeconds(90))
                .pollDelay(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(bound(client.pods().inNamespace(namespace.name()).list().getItems())
                        .values().stream().mapToLong(Long::longValue).sum()).as(ExtenderIT::extenderSkips)
                        .isEqualTo(12));
        // The scheduler keeps retrying the other 38: for 5 s it must never get one onto a full node.
        Awaitility.await("no node past 4 guest vCPUs, 12 pods bound, for 5 s").during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    Map<String, Long> perNode = bound(client.pods().inNamespace(namespace.name()).list().getItems());
                    assertThat(perNode.values()).as(ExtenderIT::extenderSkips).allMatch(pods -> pods <= 4);
                    assertThat(perNode.values().stream().mapToLong(Long::longValue).sum())
                            .as(ExtenderIT::extenderSkips).isEqualTo(12);
                });
    }

    /**
     * For every strategy, pods of assorted sizes created one at a time land exactly where the engine, given the
     * same three nodes and the pods already on them, would put them: the scheduler follows the engine's choice.
     */
    @Test
    void theRealSchedulerPutsEveryPodWhereTheEngineChoosesUnderEveryStrategy() {
        java.util.Random random = new java.util.Random(11);
        List<NodeSnapshot> model = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            model.add(new NodeSnapshot(pool + "-" + i, new Resources(4000, 16L << 30, 110, 0), Resources.NONE,
                    java.util.Optional.empty(), List.of(), Map.of("pyfleet.dev/test-pool", pool), false, Map.of()));
        }
        int compared = 0;
        for (Strategy strategy : Strategy.values()) {
            for (int i = 0; i < 6; i++) {
                long cpu = 100L * (1 + random.nextInt(8));
                long memoryMi = 128L * (1 + random.nextInt(16));
                String name = strategy.name().toLowerCase() + "-" + i;
                Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace.name())
                        .addToLabels("app.kubernetes.io/managed-by", "pyfleet")
                        .addToLabels("pyfleet.dev/app", "agree-" + strategy.name().toLowerCase())
                        .addToAnnotations("pyfleet.dev/placement-strategy", strategy.name()).endMetadata()
                        .withNewSpec().withSchedulerName("pyfleet-scheduler")
                        .withNodeSelector(Map.of("pyfleet.dev/test-pool", pool)).addNewContainer().withName("app")
                        .withImage("python:3.12-slim").withNewResources()
                        .addToRequests("cpu", new Quantity(cpu + "m"))
                        .addToRequests("memory", new Quantity(memoryMi + "Mi")).endResources().endContainer()
                        .endSpec().build();
                PodRequest request = PodRequests.of(pod);
                List<NodeSnapshot> fits = model.stream().filter(n -> PlacementEngine.fits(request, n)).toList();
                String engine = PlacementEngine.best(request, fits);
                client.pods().inNamespace(namespace.name()).resource(pod).create();
                String scheduler = client.pods().inNamespace(namespace.name()).withName(name)
                        .waitUntilCondition(p -> p.getSpec().getNodeName() != null, 60,
                                java.util.concurrent.TimeUnit.SECONDS).getSpec().getNodeName();
                assertThat(scheduler).as("%s pod %s (%dm, %dMi)", strategy, name, cpu, memoryMi).isEqualTo(engine);
                model.replaceAll(n -> n.name().equals(scheduler) ? n.withPod(request) : n);
                compared++;
            }
        }
        assertThat(compared).isEqualTo(6 * Strategy.values().length);
    }

    /** The extender reads a node as it is now: a taint, a cordon or a deletion after it was cached is seen. */
    @Test
    void aNodeChangedOrDeletedAfterItWasCachedIsSeenAsItIsNow() {
        // Merge patches carry no resourceVersion: the nodes' own status heartbeats cannot make them conflict.
        client.nodes().withName(pool + "-0").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\": {\"taints\": [{\"key\": \"dedicated\", \"value\": \"db\", \"effect\": \"NoSchedule\"}]}}");
        client.nodes().withName(pool + "-1").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\": {\"unschedulable\": true}}");
        client.nodes().withName(pool + "-2").delete();
        String probe = probe();
        Awaitility.await("the extender sees the taint, the cordon and the deletion").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(HttpClient.newHttpClient().send(post("filter", probe),
                        HttpResponse.BodyHandlers.ofString()).body())
                        .contains("\"" + pool + "-0\":\"untolerated taint dedicated=db:NoSchedule")
                        .contains("\"" + pool + "-1\":\"node is cordoned (unschedulable)\"")
                        .contains("\"" + pool + "-2\":\"node is not in the extender's cache yet\"")
                        .contains("\"NodeNames\":[]"));
    }

    @Test
    void malformedRequestGetsA400WithAMessageAndForeignPodsPassThrough() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        var bad = http.send(post("filter", "{\"Pod\": 42"), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"Error\"").doesNotContain("at dev.pyfleet").doesNotContain("Exception");

        var missing = http.send(post("filter", "{\"NodeNames\": [\"kwok-node-0\"]}"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("ExtenderArgs.Pod is missing");

        String foreign = """
                {"Pod": {"metadata": {"name": "x", "namespace": "default", "uid": "u"},
                         "spec": {"containers": [{"name": "c", "image": "i",
                                  "resources": {"requests": {"cpu": "64"}}}]}},
                 "NodeNames": ["kwok-node-0", "kwok-node-1"]}""";
        var passed = http.send(post("filter", foreign), HttpResponse.BodyHandlers.ofString());
        assertThat(passed.statusCode()).isEqualTo(200);
        assertThat(passed.body()).contains("\"NodeNames\":[\"kwok-node-0\",\"kwok-node-1\"]");
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void extenderMetricsAreServedByVerbStrategyOutcomeAndReason() throws Exception {
        app("metered", "Spread", 4, "100m", "Spread, maxPerNode: 1");
        awaitBound("metered", 3);
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + operator.managementPort() + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("pyfleet_extender_request_seconds_count{verb=\"filter\"")
                .contains("pyfleet_extender_request_seconds_count{verb=\"prioritize\"")
                .contains("pyfleet_extender_decisions_total{outcome=\"placed\",strategy=\"Spread\"")
                .contains("pyfleet_extender_rejections_total{reason=\"MaxPerNode\"");
    }

    /** Last: it stops the extender. With ignorable true the scheduler goes on without it. */
    @Test
    @Order(Integer.MAX_VALUE)
    void withTheExtenderStoppedAndIgnorablePodsAreStillScheduled() {
        operator.close();
        for (int i = 0; i < 2; i++) {
            client.pods().inNamespace(namespace.name()).resource(launcherPod("alone-" + i, "alone", pool)).create();
        }
        Awaitility.await("both pods bound without the extender").atMost(Duration.ofSeconds(90))
                .until(() -> bound(client.pods().inNamespace(namespace.name()).list().getItems()).values().stream()
                        .mapToLong(Long::longValue).sum() == 2);
    }

    /**
     * Pods bound, with the lines in which pyfleet-scheduler says it went on without the extender (it is ignorable):
     * a pod placed so was never seen by the extender, and a failure should say so.
     */
    private static String extenderSkips() {
        try (var lines = java.nio.file.Files.lines(cluster.stateDir().resolve("logs/pyfleet-scheduler.log"))) {
            List<String> skips = lines.filter(l -> l.contains("Skipping extender")).toList();
            return "pods bound; pyfleet-scheduler went on without the extender " + skips.size() + " times"
                    + (skips.isEmpty() ? "" : ", first: " + skips.get(0));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return "pods bound (pyfleet-scheduler's log unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * A VM's launcher pod as KubeVirt makes it: a small request of its own, the guest's size in annotations,
     * controlled by its VirtualMachineInstance (created here).
     */
    private io.fabric8.kubernetes.api.model.Pod launcherPod(String vm, String vmPool, String nodes) {
        VirtualMachineInstance instance = new VirtualMachineInstance();
        instance.setMetadata(new ObjectMetaBuilder().withName(vm).withNamespace(namespace.name()).build());
        instance.setSpec(Map.of("domain", Map.of("devices", Map.of())));
        String uid = client.resources(VirtualMachineInstance.class).inNamespace(namespace.name()).resource(instance)
                .create().getMetadata().getUid();
        return new PodBuilder()
                .withNewMetadata().withName("virt-launcher-" + vm)
                .addToLabels("app.kubernetes.io/managed-by", "pyfleet").addToLabels("pyfleet.dev/pool", vmPool)
                .addToAnnotations("pyfleet.dev/guest-cpu", "1").addToAnnotations("pyfleet.dev/guest-memory", "1Gi")
                .addToAnnotations("pyfleet.dev/placement-strategy", "BinPack")
                .addNewOwnerReference().withApiVersion("kubevirt.io/v1").withKind("VirtualMachineInstance")
                .withName(vm).withUid(uid).withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withSchedulerName("pyfleet-scheduler")
                .withNodeSelector(Map.of("pyfleet.dev/test-pool", nodes)).addNewContainer().withName("compute")
                .withImage("quay.io/kubevirt/virt-launcher:v1.6.0").withNewResources()
                .addToRequests("cpu", new Quantity("100m")).endResources().endContainer().endSpec().build();
    }

    private void app(String name, String strategy, int replicas, String cpu) {
        app(name, strategy, replicas, cpu, strategy);
    }

    /** @param placement the placement fields after "strategy: ", e.g. {@code Spread, maxPerNode: 1} */
    private void app(String name, String strategy, int replicas, String cpu, String placement) {
        PythonApps.create(client, namespace.name(), """
                metadata: {name: %s}
                spec:
                  image: ghcr.io/acme/%s:1
                  process: {type: wsgi, module: "app:app"}
                  replicas: %d
                  resources: {requests: {cpu: "%s", memory: 256Mi}}
                  placement: {strategy: %s, nodeSelector: {pyfleet.dev/test-pool: %s}}
                """.formatted(name, name, replicas, cpu, placement, pool));
    }

    private Map<String, Long> awaitBound(String app, int count) {
        Awaitility.await(count + " pods of " + app + " bound").atMost(Duration.ofSeconds(90))
                .until(() -> bound(PythonApps.pods(client, namespace.name(), app)).values().stream()
                        .mapToLong(Long::longValue).sum() == count);
        return bound(PythonApps.pods(client, namespace.name(), app));
    }

    private static Map<String, Long> bound(List<Pod> pods) {
        return pods.stream().filter(p -> p.getSpec().getNodeName() != null)
                .collect(Collectors.groupingBy(p -> p.getSpec().getNodeName(), Collectors.counting()));
    }

    /** A filter call for a small PyFleet Pod naming the test's three nodes. */
    private String probe() {
        return """
                {"Pod": {"metadata": {"name": "probe", "namespace": "%s", "uid": "probe",
                         "labels": {"app.kubernetes.io/managed-by": "pyfleet", "pyfleet.dev/app": "probe"}},
                         "spec": {"containers": [{"name": "c", "image": "i"}]}},
                 "NodeNames": ["%s-0", "%s-1", "%s-2"]}""".formatted(pool, pool, pool, pool);
    }

    private static HttpRequest post(String verb, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.port() + "/scheduler/" + verb))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
