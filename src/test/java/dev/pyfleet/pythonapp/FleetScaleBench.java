package dev.pyfleet.pythonapp;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.bench.ApiRequests;
import dev.pyfleet.bench.BenchReport;
import dev.pyfleet.bench.ProcessCpu;
import dev.pyfleet.bench.Runs;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * (d) PythonApps x 3 replicas against as many Deployments x 3 replicas, timed from the first create until every one
 * reports all replicas ready, with per-object create-to-Ready latencies: once with kube-controller-manager and the
 * operator at the same client rate limit, once with neither limited. The Deployments run twice: bare, and each with
 * the PodDisruptionBudget a PythonApp of 3 replicas gets ({@code minAvailable: 1}), so that both sides keep the same
 * promise.
 */
class FleetScaleBench {

    /** Objects of each kind per run, and how many rounds each size gets (5,000 takes minutes a run). */
    static final Map<Integer, Integer> SIZES = sizes();
    /** The shared client limit: client-go's QPS and burst, for kube-controller-manager and the operator alike. */
    static final int QPS = 100;
    static final int BURST = 200;
    /** "No limit": kube-controller-manager takes no negative QPS, so a limit no run comes near. */
    static final int UNLIMITED_QPS = 100_000;
    /** Room enough that the comparison measures the controllers rather than a GC at its limit. */
    static final String MEMORY = "-XX:MaxRAM=3g";

    @Test
    void timeToReadyAgainstDeployments() throws Exception {
        StringBuilder table = new StringBuilder("""
                | client limit | objects x 3 replicas | Deployments: s to all Ready | Deployments with a PDB | PythonApps | ratio (apps / Deployments) | ratio (apps / Deployments with a PDB) | create-to-Ready p50 / p99: Deployments | with a PDB | PythonApps |
                |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
                """);
        StringBuilder raw = new StringBuilder();
        // "limited,none" by default; one of them to measure a single row set (each takes the better part of an hour).
        for (boolean limited : java.util.Arrays.stream(System.getProperty("pyfleet.bench.fleet-limits",
                "limited,none").split(",")).map(limit -> limit.strip().equals("limited")).toList()) {
            int qps = limited ? QPS : UNLIMITED_QPS;
            try (ControlPlane cluster = ControlPlane.dedicated("scale", Map.of(), "--nodes", "100", "--pods",
                    "250", "--cpu", "64", "--memory", "256Gi", "--client-qps", String.valueOf(qps),
                    "--client-burst", String.valueOf(limited ? BURST : 2 * UNLIMITED_QPS));
                    KubernetesClient client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                            new io.fabric8.kubernetes.client.ConfigBuilder(cluster.config())
                                    .withRequestTimeout(120_000).build()).build();
                    // Both kinds of Pods go through the default scheduler, so only the controllers differ.
                    OperatorProcess operator = new OperatorProcess(cluster.kubeconfig(), OperatorProcess.freePort(),
                            operatorOptions(limited))) {
                operator.awaitReady(Duration.ofSeconds(90));
                for (Map.Entry<Integer, Integer> size : SIZES.entrySet()) {
                    table.append(compare(client, operator.pid(), limited, size.getKey(), size.getValue(), raw));
                    report(table, raw);
                }
            }
        }
    }

    /** Writes the rows measured so far, so that a run stopped part-way keeps what it measured. */
    private static void report(StringBuilder table, StringBuilder raw) throws Exception {
        BenchReport.write("fleet-scale", "(d) Time to Ready: PythonApps vs Deployments", "make bench", table + """

                Each row is one local control plane with 100 KWOK nodes. For each size, %s rounds: each of the
                three is created in a namespace of its own from 8 client threads (image only, 10m CPU, 16Mi), and
                the namespace is deleted and gone before the next starts; the order reverses from round to round.
                "With a PDB": each Deployment is created after a PodDisruptionBudget of its own (minAvailable: 1,
                its Pods' labels), as each PythonApp of 3 replicas gets one from the operator; its time includes
                both creates. Before the first round, one unmeasured run of each kind at a fifth of the size, so
                that the operator's JVM has compiled its paths, as a long-running one has. Seconds and ratio:
                median (lowest–highest) of the rounds. Create-to-Ready: each object's time
                from the start of its create to the watch event that shows it Ready, p50 / p99 over every object of
                every round. Both kinds of Pods use the default scheduler (operator run with
                pyfleet.scheduler.enabled=false). The raw output gives, per run, the requests kube-apiserver
                served from the first create until all were Ready, by verb and resource (its
                apiserver_request_total, every client's), and the CPU seconds each process of the cluster,
                the operator and the bench's client used in that time.

                "%d QPS": kube-controller-manager started with `--kube-api-qps=%d --kube-api-burst=%d` and the
                operator with `pyfleet.api-server.qps=%d`, `pyfleet.api-server.burst=%d`. The limit is not quite
                the same thing on both sides: kube-controller-manager gives each of its controllers a client and a
                limiter of its own (the Deployment and ReplicaSet controllers, which do this work, have %d QPS
                each), while the operator's one client, and limit, serves everything it does. "none":
                kube-controller-manager at %d QPS, which nothing here comes near, and the operator's default (no
                limiter). The operator's memory is measured on its own, with the chart's defaults: (e).
                """.formatted(SIZES.values().stream().map(String::valueOf).distinct().collect(
                        java.util.stream.Collectors.joining(" or ")), QPS, QPS, BURST, QPS, BURST, QPS,
                UNLIMITED_QPS), raw.toString());    }

    private static Map<Integer, Integer> sizes() {
        Map<Integer, Integer> sizes = new java.util.LinkedHashMap<>();
        for (String entry : System.getProperty("pyfleet.bench.fleet-sizes", "1000:3,5000:1").split(",")) {
            String[] parts = entry.split(":");
            sizes.put(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
        }
        return sizes;
    }

    private static List<String> operatorOptions(boolean limited) {
        List<String> options = new java.util.ArrayList<>(List.of("-Dpyfleet.scheduler.enabled=false", MEMORY,
                "-XX:MaxRAMPercentage=75"));
        if (limited) {
            options.add("-Dpyfleet.api-server.qps=" + QPS);
            options.add("-Dpyfleet.api-server.burst=" + BURST);
        }
        return options;
    }

    private static final List<String> ALL_KINDS = List.of("Deployments", "Deployments with a PDB", "PythonApps");
    /** All three by default; {@code pyfleet.bench.fleet-kinds} (comma-separated) measures some, to profile one. */
    private static final List<String> KINDS = java.util.Arrays.stream(System.getProperty("pyfleet.bench.fleet-kinds",
            String.join(",", ALL_KINDS)).split(",")).map(String::strip).toList();

    private static String compare(KubernetesClient client, long operatorPid, boolean limited, int n, int rounds,
            StringBuilder raw) throws Exception {
        Map<String, Runs> runs = new HashMap<>();
        Map<String, List<Double>> latencies = new HashMap<>();
        KINDS.forEach(kind -> {
            runs.put(kind, new Runs());
            latencies.put(kind, new java.util.ArrayList<>());
        });
        Runs ratio = new Runs();
        Runs ratioWithBudgets = new Runs();
        String limit = limited ? QPS + " QPS" : "none";
        // A long-running operator has compiled its hot paths; a fresh one spends its first thousand apps compiling
        // them (half its CPU in a first run). One unmeasured run of each kind at a fifth of the size comes first.
        int warmUpSize = Math.max(1, n / 5);
        for (String kind : KINDS) {
            String ns = namespace(kind, "warm-up-" + n);
            TestNamespace.create(client, ns);
            Timing warmUp = time(client, kind, ns, warmUpSize);
            raw.append("limit %s, warm-up (not measured): %d %s x 3 replicas Ready in %.1f s%n".formatted(limit,
                    warmUpSize, kind, warmUp.seconds()));
            deleteNamespace(client, ns);
        }
        for (int round = 0; round < rounds; round++) {
            Map<String, Double> seconds = new HashMap<>();
            for (String kind : Runs.order(KINDS, round)) {
                String ns = namespace(kind, n + "-" + (round + 1));
                TestNamespace.create(client, ns);
                ApiRequests before = ApiRequests.read(client);
                ProcessCpu cpuBefore = ProcessCpu.read(operatorPid);
                Timing timing = time(client, kind, ns, n);
                String cpu = ProcessCpu.read(operatorPid).since(cpuBefore);
                String census = ApiRequests.read(client).since(before);
                seconds.put(kind, timing.seconds());
                runs.get(kind).add(timing.seconds());
                latencies.get(kind).addAll(timing.createToReady());
                String measured = "limit %s, round %d: %d %s x 3 replicas Ready in %.1f s; create-to-Ready p50 %.1f s, p99 %.1f s; CPU used until all Ready: %s; API requests until all Ready: %s%n"
                        .formatted(limit, round + 1, n, kind, timing.seconds(), percentile(timing.createToReady(), 50),
                                percentile(timing.createToReady(), 99), cpu, census);
                // Printed as well: a run that fails later (a 5,000 round takes the better part of an hour) keeps it.
                System.out.print(measured);
                raw.append(measured);
                deleteNamespace(client, ns);
            }
            if (seconds.size() == 3) {
                ratio.add(seconds.get("PythonApps") / seconds.get("Deployments"));
                ratioWithBudgets.add(seconds.get("PythonApps") / seconds.get("Deployments with a PDB"));
            }
        }
        StringBuilder row = new StringBuilder("| %s | %,d |".formatted(limit, n));
        ALL_KINDS.forEach(kind -> row.append(" %s |".formatted(summary(runs.get(kind), "%.1f"))));
        row.append(" %s | %s |".formatted(summary(ratio, "%.2f"), summary(ratioWithBudgets, "%.2f")));
        ALL_KINDS.forEach(kind -> row.append(!latencies.containsKey(kind) ? " — |"
                : " %.1f / %.1f s |".formatted(percentile(latencies.get(kind), 50),
                        percentile(latencies.get(kind), 99))));
        return row.append("%n".formatted()).toString();
    }

    /** e.g. {@code deployments-with-a-pdb-1000-2}. */
    private static String namespace(String kind, String suffix) {
        return kind.toLowerCase().replace(' ', '-') + "-" + suffix;
    }

    private static Timing time(KubernetesClient client, String kind, String ns, int n) throws Exception {
        return switch (kind) {
            case "Deployments" -> timeUntilDeploymentsReady(client, ns, n, false);
            case "Deployments with a PDB" -> timeUntilDeploymentsReady(client, ns, n, true);
            default -> timeUntilAppsReady(client, ns, n, 3);
        };
    }

    private static String summary(Runs runs, String format) {
        return runs == null || runs.isEmpty() ? "—" : runs.summary(format);
    }

    /** Seconds from the first create until all were Ready, and each object's create-to-Ready seconds. */
    record Timing(double seconds, List<Double> createToReady) {
    }

    static double percentile(List<Double> values, int p) {
        List<Double> sorted = new java.util.ArrayList<>(values);
        java.util.Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /**
     * Deletes the namespace and waits for it to be gone. Once it is terminating nothing can create in it, so its
     * Pods are then removed at once (one collection delete, no grace period) rather than one by one through the
     * fake nodes' graceful deletion, which took 15,000 Pods over 10 minutes; that is no part of what is measured.
     */
    private static void deleteNamespace(KubernetesClient client, String ns) {
        client.namespaces().withName(ns).delete();
        // The disruption controller lists every budget of a Pod's namespace on each of its events: with 5,000
        // budgets the Pods took over 20 minutes to go. Once the namespace is terminating none is made again.
        var budgets = client.policy().v1().podDisruptionBudget().inNamespace(ns);
        deleteAll("budgets", ns, () -> budgets.list(FIRST).getItems().isEmpty(), budgets::delete);
        var pods = client.pods().inNamespace(ns);
        deleteAll("Pods", ns, () -> pods.list(FIRST).getItems().isEmpty(), () -> pods.withGracePeriod(0).delete());
        client.namespaces().withName(ns).waitUntilCondition(java.util.Objects::isNull, 30,
                java.util.concurrent.TimeUnit.MINUTES);
    }

    private static final io.fabric8.kubernetes.api.model.ListOptions FIRST =
            new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(1L).build();

    /**
     * One collection delete, repeated while any is left: the API server may end a long one before it is through (or
     * close the connection), and what it deleted stays deleted.
     */
    private static void deleteAll(String what, String ns, java.util.function.BooleanSupplier none,
            Runnable delete) {
        for (int attempt = 0; attempt < 10 && !none.getAsBoolean(); attempt++) {
            try {
                delete.run();
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                System.out.printf("deleting the %s of %s: %s; again%n", what, ns, e.getMessage());
            }
        }
    }

    private static Timing timeUntilDeploymentsReady(KubernetesClient client, String ns, int n, boolean budgets)
            throws Exception {
        Readiness<Deployment> readiness = new Readiness<>(FleetScaleBench::ready);
        try (var watched = client.apps().deployments().inNamespace(ns).inform(readiness)) {
            return timeUntil(n, readiness, i -> {
                if (budgets) {
                    client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(budget("d-" + i)).create();
                }
                client.apps().deployments().inNamespace(ns).resource(deployment("d-" + i)).create();
            });
        }
    }

    static Timing timeUntilAppsReady(KubernetesClient client, String ns, int n, int replicas) throws Exception {
        String prefix = ns.substring(0, 1) + "-";
        Readiness<PythonApp> readiness = new Readiness<>(PythonApps.conditionIs("Ready", "True"));
        try (var watched = client.resources(PythonApp.class).inNamespace(ns).inform(readiness)) {
            return timeUntil(n, readiness, i -> PythonApps.create(client, ns, app(prefix + i, replicas)));
        }
    }

    /** Creates n objects named by index from 8 threads and waits until the watch has seen each Ready. */
    private static Timing timeUntil(int n, Readiness<?> readiness, IntConsumer create) throws Exception {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> created = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                created.add(pool.submit(() -> readiness.create(index, create)));
            }
            for (Future<?> future : created) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (readiness.ready() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not all " + n + " ready within 30 minutes: " + readiness.ready());
            }
            Thread.sleep(200);
        }
        return new Timing((readiness.lastReady() - start) / 1e9, readiness.createToReady());
    }

    /**
     * When each object's create began and when a watch event first showed it Ready, by name. Objects are named
     * {@code <prefix><index>}; the index is what both sides share.
     */
    static final class Readiness<T extends io.fabric8.kubernetes.api.model.HasMetadata>
            implements io.fabric8.kubernetes.client.informers.ResourceEventHandler<T> {

        private final java.util.function.Predicate<T> isReady;
        private final Map<Integer, Long> createdAt = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<Integer, Long> readyAt = new java.util.concurrent.ConcurrentHashMap<>();

        Readiness(java.util.function.Predicate<T> isReady) {
            this.isReady = isReady;
        }

        void create(int index, IntConsumer create) {
            createdAt.put(index, System.nanoTime());
            create.accept(index);
        }

        int ready() {
            return readyAt.size();
        }

        long lastReady() {
            return readyAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        }

        List<Double> createToReady() {
            return readyAt.entrySet().stream().map(e -> (e.getValue() - createdAt.get(e.getKey())) / 1e9).toList();
        }

        @Override
        public void onAdd(T obj) {
            seen(obj);
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            seen(newObj);
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        }

        private void seen(T obj) {
            if (isReady.test(obj)) {
                long now = System.nanoTime();
                String name = obj.getMetadata().getName();
                readyAt.putIfAbsent(Integer.parseInt(name.substring(name.indexOf('-') + 1)), now);
            }
        }
    }

    private static boolean ready(Deployment d) {
        return d.getStatus() != null && Integer.valueOf(3).equals(d.getStatus().getReadyReplicas())
                && Integer.valueOf(3).equals(d.getStatus().getUpdatedReplicas());
    }

    /** What a PythonApp of 3 replicas gets from the operator: keep one Pod through voluntary disruptions. */
    private static io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget budget(String name) {
        return new io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder().withNewMetadata()
                .withName(name).endMetadata().withNewSpec()
                .withMinAvailable(new io.fabric8.kubernetes.api.model.IntOrString(1)).withNewSelector()
                .addToMatchLabels("app", name).endSelector().endSpec().build();
    }

    private static Deployment deployment(String name) {
        return new DeploymentBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withReplicas(3)
                .withNewSelector().addToMatchLabels("app", name).endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", name).endMetadata().withNewSpec().addNewContainer().withName("app")
                .withImage("ghcr.io/acme/shop:1.0.0").withNewResources()
                .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("10m"))
                .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("16Mi")).endResources()
                .endContainer().endSpec().endTemplate().endSpec().build();
    }

    private static String app(String name, int replicas) {
        return """
                metadata: {name: %s}
                spec:
                  image: ghcr.io/acme/shop:1.0.0
                  process: {type: wsgi, module: "shop.wsgi:application"}
                  replicas: %d
                  resources: {requests: {cpu: 10m, memory: 16Mi}}
                  service: {enabled: false}
                """.formatted(name, replicas);
    }
}
