package dev.pyfleet.extender;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pyfleet.bench.BenchReport;
import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.ImageJvm;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * (a') Extender latency as kube-scheduler sees it: the HTTP round trip of a filter and a prioritize call, measured
 * at the client, against the packaged operator whose informers hold N nodes with 30 pods bound to each.
 */
class ExtenderRoundTripBench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int PODS_PER_NODE = 30;
    static final int WARM_UP = 300;
    static final int REQUESTS = 500;
    static final List<Integer> SIZES = Arrays.stream(System.getProperty("pyfleet.bench.nodes", "100,1000,5000")
            .split(",")).map(String::strip).map(Integer::valueOf).toList();
    /** Goal p99 of one request (filter or prioritize), in ms, per node count. */
    static final Map<Integer, Double> GOAL = Map.of(100, 2.0, 1000, 5.0, 5000, 15.0);

    @Test
    void roundTripAtTheClient() throws Exception {
        // No KWOK: the nodes are API objects nothing keeps alive, so the only moving parts are the API server, the
        // controllers and the operator. The node lifecycle controller taints them unreachable after its grace
        // period; every pod here tolerates that.
        int port = OperatorProcess.freePort();
        StringBuilder table = new StringBuilder("""
                | nodes (30 pods on each) | filter p50 / p99 | prioritize p50 / p99 | filter + prioritize p50 / p99 | goal: p99 of each request | passthrough call p50 / p99 | GC pauses while measuring | pairs |
                |---:|---:|---:|---:|---:|---:|---:|---:|
                """);
        StringBuilder profiles = new StringBuilder();
        StringBuilder raw = new StringBuilder(
                "# nodes, then each filter + prioritize round trip in microseconds, sorted\n");
        try (ControlPlane cluster = ControlPlane.dedicated("roundtrip", Map.of(), "--nodes", "0");
                KubernetesClient client = cluster.newClient();
                // The image's JVM flags (the chart's), with room for 150,000 cached pods.
                OperatorProcess operator = new OperatorProcess(cluster.kubeconfig(), port, jvmOptions())) {
            operator.awaitReady(Duration.ofSeconds(90));
            TestNamespace.create(client, "background");
            String measuredUid = pendingPod(client, "measured", "500m");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI base = URI.create("http://127.0.0.1:" + port + "/scheduler/");
            int present = 0;
            for (int nodes : SIZES) {
                long start = System.nanoTime();
                addNodesWithPods(client, present, nodes);
                present = nodes;
                List<String> names = java.util.stream.IntStream.range(0, nodes).mapToObj(i -> "rt-node-" + i)
                        .toList();
                // The extender has every node and every pod once a pod that needs more than 30 pods leave free
                // fits nowhere.
                String probe = request("probe", "2500m", names);
                Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2))
                        .until(() -> failedNodes(http, base, probe) == nodes);
                raw.append("%d nodes, %d pods: created and in the extender's cache in %.0f s%n".formatted(nodes,
                        nodes * PODS_PER_NODE, (System.nanoTime() - start) / 1e9));

                String measured = request("measured", measuredUid, "500m", names);
                for (int i = 0; i < WARM_UP; i++) {
                    call(http, base.resolve("filter"), measured);
                    call(http, base.resolve("prioritize"), measured);
                }
                long[] filter = new long[REQUESTS];
                long[] prioritize = new long[REQUESTS];
                long[] pair = new long[REQUESTS];
                long[] floor = new long[REQUESTS];
                // A call that costs the extender nothing (a Pod not PyFleet's, one node name) between the pairs:
                // what HTTP, the server's threads and this busy machine add to any request at that moment.
                GcPauses before = GcPauses.of(operator);
                Profile profile = Profile.start(operator);
                for (int i = 0; i < REQUESTS; i++) {
                    long t0 = System.nanoTime();
                    String filterAnswer = call(http, base.resolve("filter"), measured);
                    long t1 = System.nanoTime();
                    String prioritizeAnswer = call(http, base.resolve("prioritize"), measured);
                    long t2 = System.nanoTime();
                    call(http, base.resolve("filter"), FOREIGN_POD);
                    long t3 = System.nanoTime();
                    JsonNode filtered = JSON.readTree(filterAnswer);
                    JsonNode scores = JSON.readTree(prioritizeAnswer);
                    if (filtered.path("NodeNames").size() != nodes || scores.size() != nodes) {
                        throw new IllegalStateException("the extender did not pass and score all " + nodes
                                + " nodes: " + filtered.path("NodeNames").size() + " passed, " + scores.size()
                                + " scored; failed: " + filtered.path("FailedNodes"));
                    }
                    filter[i] = (t1 - t0) / 1000;
                    prioritize[i] = (t2 - t1) / 1000;
                    pair[i] = (t2 - t0) / 1000;
                    floor[i] = (t3 - t2) / 1000;
                }
                GcPauses gc = GcPauses.of(operator).minus(before);
                String where = profile.stop();
                profiles.append("- %,d nodes: %s%n".formatted(nodes, where));
                Arrays.sort(filter);
                Arrays.sort(prioritize);
                Arrays.sort(pair);
                Arrays.sort(floor);
                raw.append(nodes).append(": ").append(Arrays.toString(pair)).append('\n');
                // The goal is each request's round trip: a filter and a prioritize call are each one.
                double p99 = Math.max(percentile(filter, 99), percentile(prioritize, 99)) / 1000.0;
                Double goal = GOAL.get(nodes);
                table.append("| %,d | %s / %s | %s / %s | %s / %s | %s | %s / %s | %s | %d |%n".formatted(nodes,
                        millis(percentile(filter, 50)), millis(percentile(filter, 99)),
                        millis(percentile(prioritize, 50)), millis(percentile(prioritize, 99)),
                        millis(percentile(pair, 50)), millis(percentile(pair, 99)),
                        goal == null ? "–" : "%.0f ms: %s".formatted(goal, p99 <= goal ? "met" : "**not met**"),
                        millis(percentile(floor, 50)), millis(percentile(floor, 99)), gc, REQUESTS));
                raw.append("%d nodes, passthrough: %s%n".formatted(nodes, Arrays.toString(floor)));
                raw.append("%d nodes, the operator's live heap after measuring (bytes):%n%s".formatted(nodes,
                        liveHeap(operator)));
            }
        }
        BenchReport.write("extender-round-trip", "(a') Extender latency as kube-scheduler sees it: HTTP round trip",
                "make bench", table + """

                Measured at the client: one HTTP/1.1 keep-alive connection, as kube-scheduler's extender client
                keeps one, a POST to `/scheduler/filter` and then one to `/scheduler/prioritize` with the same
                body (a PyFleet Pod asking 500m and 1Gi, Balanced, created and left pending so that the extender
                finds it in its cache and assumes it as it would a real one, and every node's name, as a
                nodeCacheCapable extender is sent them), one pair at a time, %d pairs after a warm-up of %d. The
                server is the packaged operator (`java -jar target/quarkus-app/quarkus-run.jar`) on a local control
                plane whose N Node objects (32 CPU, 128Gi, 110 pods) each have 30 pods bound to them (1 CPU,
                1Gi; 3 of them of the app being placed), all in the extender's caches before measuring; the
                same cluster grows from one size to the next. Every node passes and is scored, so each call
                walks all N. kube-scheduler sends an extender only the nodes that passed its own filters, and stops
                filtering once it has found percentageOfNodesToScore of them (by default all of up to 100 nodes,
                about 420 of 1,000, 500 of 5,000), so at 1,000 and 5,000 nodes a real call carries fewer names
                than here: this is the cost at its upper bound. Goal: the p99 of each request, filter and
                prioritize alike; a scheduling cycle that calls both waits for the pair. The operator runs with
                the image's JVM flags (the chart's: serial collector, heap at 60%% of memory) under
                `-XX:MaxRAM=4g`.

                Where a goal is missed, two columns say what the tail is made of: after each pair a passthrough
                call (a Pod not PyFleet's, one node name: no node is looked at) measures what HTTP, the server's
                threads and this 2-core machine, which also runs the control plane, add to any request at that
                moment; and the stop-the-world collections the operator's JVM reported while measuring, young and
                full apart (count × mean pause). The raw output has the operator's live heap after each size, by
                class. A Flight Recorder profile of the operator taken while measuring, as the share of samples
                taken while serving a request:

                %s""".formatted(REQUESTS, WARM_UP, profiles), raw.toString());
    }

    /** Nodes {@code from..to-1}, and 30 pods bound to each, from 16 threads. */
    private static void addNodesWithPods(KubernetesClient client, int from, int to) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> created = new ArrayList<>();
            for (int n = from; n < to; n++) {
                String node = "rt-node-" + n;
                created.add(pool.submit(() -> client.nodes().resource(new NodeBuilder().withNewMetadata()
                        .withName(node).addToLabels("topology.kubernetes.io/zone", "z" + (node.hashCode() & 3))
                        .endMetadata().withNewStatus()
                        .addToAllocatable(Map.of("cpu", new Quantity("32"), "memory", new Quantity("128Gi"),
                                "pods", new Quantity("110")))
                        .addToCapacity(Map.of("cpu", new Quantity("32"), "memory", new Quantity("128Gi"), "pods",
                                new Quantity("110")))
                        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build())
                        .create()));
            }
            for (Future<?> future : created) {
                future.get();
            }
            created.clear();
            for (int n = from; n < to; n++) {
                for (int i = 0; i < PODS_PER_NODE; i++) {
                    String node = "rt-node-" + n;
                    String name = "bg-" + n + "-" + i;
                    // Three pods on each node belong to the app being placed, so spreading has something to count.
                    boolean ofTheApp = i < 3;
                    created.add(pool.submit(() -> client.pods().inNamespace("background").resource(new PodBuilder()
                            .withNewMetadata().withName(name)
                            .addToLabels(ofTheApp ? Map.of("app.kubernetes.io/managed-by", "pyfleet",
                                    "pyfleet.dev/app", "bench") : Map.of("bench", "background"))
                            .endMetadata().withNewSpec().withNodeName(node).addNewToleration()
                            .withOperator("Exists").endToleration().addNewContainer().withName("app")
                            .withImage("python:3.12-slim").withNewResources()
                            .addToRequests(Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi")))
                            .endResources().endContainer().endSpec().build()).create()));
                }
            }
            for (Future<?> future : created) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * The Pod the measured calls are about, created for real and left pending (no scheduler has the name it asks
     * for): kube-scheduler only asks about Pods that exist, so the extender finds this one in its cache and counts
     * it on the node it picks, as it would in a cluster. Its uid.
     */
    private static String pendingPod(KubernetesClient client, String name, String cpu) {
        return client.pods().inNamespace("background").resource(new PodBuilder().withNewMetadata().withName(name)
                .addToLabels(Map.of("app.kubernetes.io/managed-by", "pyfleet", "pyfleet.dev/app", "bench"))
                .addToAnnotations("pyfleet.dev/placement-strategy", "Balanced").endMetadata().withNewSpec()
                .withSchedulerName("nobody").addNewToleration().withOperator("Exists").endToleration()
                .addNewContainer().withName("app").withImage("python:3.12-slim").withNewResources()
                .addToRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity("1Gi"))).endResources()
                .endContainer().endSpec().build()).create().getMetadata().getUid();
    }

    /** A filter/prioritize body: a pending PyFleet Pod of the app "bench" asking the given CPU, and the nodes. */
    private static String request(String name, String cpu, List<String> nodes) throws Exception {
        return request(name, "uid-" + name, cpu, nodes);
    }

    private static String request(String name, String uid, String cpu, List<String> nodes) throws Exception {
        return JSON.writeValueAsString(Map.of(
                "Pod", Map.of("metadata", Map.of("name", name, "namespace", "background", "uid", uid,
                        "labels", Map.of("app.kubernetes.io/managed-by", "pyfleet", "pyfleet.dev/app", "bench"),
                        "annotations", Map.of("pyfleet.dev/placement-strategy", "Balanced")),
                        "spec", Map.of("schedulerName", "pyfleet-scheduler",
                                "tolerations", List.of(Map.of("operator", "Exists")),
                                "containers", List.of(Map.of("name", "app", "image", "python:3.12-slim",
                                        "resources", Map.of("requests", Map.of("cpu", cpu, "memory", "1Gi")))))),
                "NodeNames", nodes));
    }

    /** A filter call the extender answers without looking at a node: the Pod is not PyFleet's. */
    static final String FOREIGN_POD = """
            {"Pod": {"metadata": {"name": "foreign", "namespace": "background", "uid": "foreign"},
                     "spec": {"containers": [{"name": "c", "image": "i"}]}},
             "NodeNames": ["rt-node-0"]}""";

    /** The image's (and so the chart's) JVM flags; the heap may take 60% of 4 GiB, room for 150,000 pods. */
    private static List<String> jvmOptions() throws Exception {
        List<String> options = new ArrayList<>(ImageJvm.flags(Path.of(System.getProperty("pyfleet.repo", "."))
                .toAbsolutePath()));
        options.addAll(List.of("-XX:MaxRAM=4g", "-Dpyfleet.scheduler.enabled=false"));
        return options;
    }

    /**
     * A Flight Recorder profile of the operator while it is measured, summed over the samples taken while it was
     * serving a request: the share of them inside each part of the work.
     */
    record Profile(OperatorProcess operator, Path file) {

        static final Map<String, String> PARTS = new java.util.LinkedHashMap<>();

        static {
            PARTS.put("reading the request JSON", "com.fasterxml.jackson.databind.deser.");
            PARTS.put("node snapshots", "dev.pyfleet.extender.ClusterView.snapshot(");
            PARTS.put("filtering", "dev.pyfleet.placement.PlacementEngine.filter(");
            PARTS.put("ranking", "dev.pyfleet.placement.PlacementEngine.rank(");
            PARTS.put("writing the answer JSON", "com.fasterxml.jackson.databind.ser.");
        }

        static Profile start(OperatorProcess operator) throws Exception {
            Path file = java.nio.file.Files.createTempFile("extender-", ".jfr");
            jcmd(operator, "JFR.start", "name=roundtrip", "settings=profile");
            return new Profile(operator, file);
        }

        String stop() throws Exception {
            jcmd(operator, "JFR.dump", "name=roundtrip", "filename=" + file);
            jcmd(operator, "JFR.stop", "name=roundtrip");
            CommandResult printed = CommandResult.run(List.of(Path.of(System.getProperty("java.home"), "bin", "jfr")
                    .toString(), "print", "--events", "jdk.ExecutionSample", file.toString()), Path.of("."), Map.of());
            java.nio.file.Files.deleteIfExists(file);
            Map<String, Integer> counts = new java.util.LinkedHashMap<>();
            int serving = 0;
            for (String sample : printed.output().split("jdk.ExecutionSample")) {
                // Requests are served on Vert.x's event loops and Quarkus's worker ("executor") threads; a stack
                // is cut at 64 frames, so the thread, not the bottom frame, tells a request's samples apart.
                if (!sample.contains("sampledThread = \"executor-thread-")
                        && !sample.contains("sampledThread = \"vert.x-eventloop-thread-")) {
                    continue;
                }
                serving++;
                PARTS.forEach((part, marker) -> counts.merge(part, sample.contains(marker) ? 1 : 0, Integer::sum));
            }
            if (serving == 0) {
                return "no samples while serving";
            }
            int total = serving;
            int named = counts.values().stream().mapToInt(Integer::intValue).sum();
            StringBuilder where = new StringBuilder();
            counts.forEach((part, n) -> where.append("%s %.0f%%, ".formatted(part, 100.0 * n / total)));
            return where.append("the rest (HTTP, framework, metrics, idle loops) %.0f%% of %d samples"
                    .formatted(100.0 * Math.max(0, total - named) / total, total)).toString();
        }

        private static void jcmd(OperatorProcess operator, String... command) {
            List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd")
                    .toString(), String.valueOf(operator.pid())));
            line.addAll(List.of(command));
            CommandResult result = CommandResult.run(line, Path.of("."), Map.of());
            if (result.exitCode() != 0) {
                throw new IllegalStateException(String.join(" ", line) + " failed: " + result.output());
            }
        }
    }

    /**
     * Stop-the-world collections the operator's JVM reports in /q/metrics (Micrometer's jvm.gc.pause), young
     * ("end of minor GC") and full ("end of major GC") apart: they have different causes and cures.
     */
    record GcPauses(long young, double youngSeconds, long full, double fullSeconds) {

        static GcPauses of(OperatorProcess operator) throws Exception {
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + operator.managementPort() + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            long[] counts = new long[2];
            double[] seconds = new double[2];
            for (String line : metrics.lines().toList()) {
                if (!line.startsWith("jvm_gc_pause_seconds_count") && !line.startsWith("jvm_gc_pause_seconds_sum")) {
                    continue;
                }
                int kind = line.contains("action=\"end of major GC\"") ? 1 : 0;
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (line.startsWith("jvm_gc_pause_seconds_count")) {
                    counts[kind] += (long) value;
                } else {
                    seconds[kind] += value;
                }
            }
            return new GcPauses(counts[0], seconds[0], counts[1], seconds[1]);
        }

        GcPauses minus(GcPauses earlier) {
            return new GcPauses(young - earlier.young, youngSeconds - earlier.youngSeconds, full - earlier.full,
                    fullSeconds - earlier.fullSeconds);
        }

        @Override
        public String toString() {
            return young + full == 0 ? "none" : "%s young, %s full".formatted(each(young, youngSeconds),
                    each(full, fullSeconds));
        }

        private static String each(long count, double seconds) {
            return count == 0 ? "0" : "%d × %.1f ms".formatted(count, seconds * 1000 / count);
        }
    }

    /**
     * The largest classes of the operator's live heap (jcmd GC.class_histogram, which collects first), and the
     * live heap in all: what the cached pods and nodes cost, for the raw output.
     */
    private static String liveHeap(OperatorProcess operator) {
        CommandResult histogram = CommandResult.run(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd")
                .toString(), String.valueOf(operator.pid()), "GC.class_histogram"), Path.of("."), Map.of());
        List<String> lines = histogram.output().lines().toList();
        String total = lines.stream().filter(l -> l.startsWith("Total")).findFirst().orElse("Total: none");
        return String.join("\n", lines.stream().filter(l -> l.matches("\\s*\\d+:\\s+\\d+.*")).limit(12).toList()) + "\n"
                + total + "\n";
    }

    /** Nodes the extender refused for what it knows of them (not for being absent from its cache). */
    private static int failedNodes(HttpClient http, URI base, String body) throws Exception {
        JsonNode answer = JSON.readTree(call(http, base.resolve("filter"), body));
        int refused = 0;
        for (String field : List.of("FailedNodes", "FailedAndUnresolvableNodes")) {
            for (JsonNode message : answer.path(field)) {
                refused += message.asText().contains("not in the extender's cache") ? 0 : 1;
            }
        }
        return refused;
    }

    private static String call(HttpClient http, URI uri, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static String millis(long micros) {
        return String.format("%.2f ms", micros / 1000.0);
    }
}
