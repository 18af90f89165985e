package dev.pyfleet.extender;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.pyfleet.bench.BenchReport;
import dev.pyfleet.bench.ProcessCpu;
import dev.pyfleet.bench.Runs;
import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PlacementEngine;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.placement.Resources;
import dev.pyfleet.placement.Strategy;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.Inputs;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * (b) Throughput of 1,000 pods through pyfleet-scheduler (with the extender) and through the default scheduler, on
 * 100 and 1,000 fake nodes that already run 30 pods each, with both schedulers at their default client rate limit
 * and at a raised one; three rounds in alternating order per cluster. And a sample of the openb trace replayed
 * through the real pyfleet-scheduler, compared with the engine's replay of the same pods on the same nodes.
 */
class SchedulerThroughputBench {

    static final int PODS = 1000;
    static final int PODS_PER_NODE = 30;
    static final List<String> SCHEDULERS = List.of("pyfleet-scheduler", "default-scheduler");
    static final List<Integer> NODES = List.of(100, 1000);

    /** A client rate limit for both schedulers; null qps: kube-scheduler's default (50 QPS, burst 100). */
    record Limit(String label, Integer qps, Integer burst) {
        List<String> upOptions() {
            return qps == null ? List.of()
                    : List.of("--client-qps", qps.toString(), "--client-burst", burst.toString());
        }
    }

    static final List<Limit> LIMITS = List.of(new Limit("default (50 QPS, burst 100)", null, null),
            new Limit("raised (1,000 QPS, burst 2,000)", 1000, 2000));

    @Test
    void throughputAndAgreement() throws Exception {
        Path trace = ControlPlane.repoPath("../shared/fixtures/traces/openb").normalize();
        Inputs.require(Files.isDirectory(trace), "the openb trace is absent: " + trace);
        StringBuilder table = new StringBuilder("""
                | nodes (30 pods on each) | client limit of both schedulers | pyfleet-scheduler + extender, pods bound per second | default-scheduler | ratio (pyfleet / default), per round |
                |---:|---|---:|---:|---:|
                """);
        StringBuilder raw = new StringBuilder();
        String agreement = null;
        for (int nodes : NODES) {
            for (Limit limit : LIMITS) {
                int port = OperatorProcess.freePort();
                List<String> up = new ArrayList<>(List.of("--nodes", String.valueOf(nodes), "--cpu", "32",
                        "--memory", "128Gi", "--pods", "110"));
                up.addAll(limit.upOptions());
                try (ControlPlane cluster = ControlPlane.withExtenderAt("bench", port, up.toArray(String[]::new));
                        KubernetesClient client = cluster.newClient();
                        OperatorProcess operator = new OperatorProcess(cluster.kubeconfig(), port,
                                List.of("-XX:MaxRAM=3g"))) {
                    operator.awaitReady(Duration.ofSeconds(90));
                    fill(client, nodes, raw);
                    table.append(compare(client, nodes, limit, operator.pid(), raw));
                    if (agreement == null) {
                        agreement = agreement(client, raw);
                    }
                }
            }
        }
        BenchReport.write("throughput", "(b) Scheduling throughput: pyfleet-scheduler vs default scheduler",
                "make bench", table + """

                Bound per second: median (lowest–highest) of %d runs. Each row is a local control plane of its own
                with N KWOK nodes of 32 CPU, 128Gi and 110 pods, each already running %d pods (100m, 256Mi,
                bound by name, not scheduled) before anything is measured. Both schedulers run side by side as
                two kube-scheduler processes; the same %,d PyFleet pods (100m, 128Mi, Balanced) are created for
                one from 8 client threads, timed from the first create until a watch has seen every pod bound,
                then deleted, and created again for the other; %d rounds, the order of the two alternating from
                round to round, after one unmeasured run of each (so the operator's JVM has compiled the
                extender's path, as a long-running one has). The raw output gives, per run, the CPU seconds each
                process used from the first create to the last bind (/proc). The client limit is the schedulers' (clientConnection.qps and burst);
                pyfleet-scheduler calls the extender (filter, prioritize) for every pod, and kube-scheduler's
                default percentageOfNodesToScore decides how many nodes each call names.

                %s
                """.formatted(Runs.ROUNDS, PODS_PER_NODE, PODS, Runs.ROUNDS, agreement), raw.toString());
    }

    /** 30 pods bound to every node by name, as other workloads would be, and Running (KWOK runs them). */
    private static void fill(KubernetesClient client, int nodes, StringBuilder raw) throws Exception {
        long start = System.nanoTime();
        String ns = "background";
        TestNamespace.create(client, ns);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<?>> created = new ArrayList<>();
            for (int node = 0; node < nodes; node++) {
                for (int i = 0; i < PODS_PER_NODE; i++) {
                    String nodeName = "kwok-node-" + node;
                    String name = "bg-" + node + "-" + i;
                    created.add(pool.submit(() -> client.pods().inNamespace(ns).resource(new PodBuilder()
                            .withNewMetadata().withName(name).addToLabels("bench", "background").endMetadata()
                            .withNewSpec().withNodeName(nodeName).addNewContainer().withName("app")
                            .withImage("python:3.12-slim").withNewResources()
                            .addToRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")))
                            .endResources().endContainer().endSpec().build()).create()));
                }
            }
            for (java.util.concurrent.Future<?> future : created) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        int total = nodes * PODS_PER_NODE;
        Awaitility.await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofSeconds(5))
                .until(() -> client.pods().inNamespace(ns).withField("status.phase", "Running").list().getItems()
                        .size() == total);
        raw.append("%d nodes: %d background pods created and Running in %.0f s%n".formatted(nodes, total,
                (System.nanoTime() - start) / 1e9));
    }

    private static String compare(KubernetesClient client, int nodes, Limit limit, long operatorPid,
            StringBuilder raw) throws Exception {
        Map<String, Runs> rate = new LinkedHashMap<>();
        SCHEDULERS.forEach(s -> rate.put(s, new Runs()));
        Runs ratio = new Runs();
        // One unmeasured run each first: the operator's JVM has compiled the extender's path before round 1, as
        // a long-running extender has.
        for (String scheduler : SCHEDULERS) {
            raw.append("%d nodes, limit %s, warm-up: %s bound %d pods at %.2f per second%n".formatted(nodes,
                    limit.label(), scheduler, PODS, podsPerSecond(client, scheduler, operatorPid).perSecond()));
        }
        for (int round = 0; round < Runs.ROUNDS; round++) {
            Map<String, Double> thisRound = new HashMap<>();
            for (String scheduler : Runs.order(SCHEDULERS, round)) {
                Binding binding = podsPerSecond(client, scheduler, operatorPid);
                double podsPerSecond = binding.perSecond();
                thisRound.put(scheduler, podsPerSecond);
                rate.get(scheduler).add(podsPerSecond);
                raw.append("%d nodes, limit %s, round %d: %s bound %d pods at %.2f per second; CPU used: %s%n"
                        .formatted(nodes, limit.label(), round + 1, scheduler, PODS, podsPerSecond, binding.cpu()));
            }
            ratio.add(thisRound.get("pyfleet-scheduler") / thisRound.get("default-scheduler"));
        }
        return "| %,d | %s | %s | %s | %s |%n".formatted(nodes, limit.label(),
                rate.get("pyfleet-scheduler").summary("%.1f"), rate.get("default-scheduler").summary("%.1f"),
                ratio.summary("%.2f"));
    }

    /** Pods bound per second, and the CPU each process used from the first create until the last was seen bound. */
    record Binding(double perSecond, String cpu) {
    }

    private static Binding podsPerSecond(KubernetesClient client, String scheduler, long operatorPid)
            throws Exception {
        String name;
        double seconds;
        String cpu;
        try (TestNamespace namespace = new TestNamespace(client, "bench-" + scheduler.substring(0, 7))) {
            name = namespace.name();
            java.util.Set<String> bound = java.util.concurrent.ConcurrentHashMap.newKeySet();
            try (var watched = client.pods().inNamespace(name).inform(
                    new io.fabric8.kubernetes.client.informers.ResourceEventHandler<Pod>() {
                        @Override
                        public void onAdd(Pod pod) {
                            seen(pod);
                        }

                        @Override
                        public void onUpdate(Pod old, Pod pod) {
                            seen(pod);
                        }

                        @Override
                        public void onDelete(Pod pod, boolean unknown) {
                        }

                        private void seen(Pod pod) {
                            if (pod.getSpec().getNodeName() != null) {
                                bound.add(pod.getMetadata().getName());
                            }
                        }
                    })) {
                ProcessCpu before = ProcessCpu.read(operatorPid);
                long start = System.nanoTime();
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
                try {
                    List<java.util.concurrent.Future<?>> created = new ArrayList<>();
                    for (int i = 0; i < PODS; i++) {
                        int index = i;
                        created.add(pool.submit(() -> client.pods().inNamespace(name).resource(pod("p-" + index,
                                scheduler, "100m", "128Mi", 0, "Balanced", Map.of())).create()));
                    }
                    for (java.util.concurrent.Future<?> future : created) {
                        future.get();
                    }
                } finally {
                    pool.shutdown();
                }
                Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> bound.size() == PODS);
                seconds = (System.nanoTime() - start) / 1e9;
                cpu = ProcessCpu.read(operatorPid).since(before);
            }
            // Removed at once rather than through KWOK's graceful deletion, which at 1,000 nodes on a busy machine
            // took more than the five minutes allowed below; one by one, as one request for all of them outlasts
            // the client's request timeout.
            java.util.concurrent.ExecutorService deleting = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                List<java.util.concurrent.Future<?>> deletes = new ArrayList<>();
                for (Pod pod : client.pods().inNamespace(name).list().getItems()) {
                    deletes.add(deleting.submit(() -> client.pods().inNamespace(name)
                            .withName(pod.getMetadata().getName()).withGracePeriod(0).delete()));
                }
                for (java.util.concurrent.Future<?> delete : deletes) {
                    delete.get();
                }
            } finally {
                deleting.shutdown();
            }
        }
        // The next measurement starts with only the background pods on the nodes.
        Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> client.pods().inNamespace(name).list().getItems().isEmpty());
        return new Binding(PODS / seconds, cpu);
    }

    /** The first 200 openb pods that fit, on 20 openb nodes, placed by the real scheduler and by the engine. */
    private static String agreement(KubernetesClient client, StringBuilder raw) throws Exception {
        Path trace = ControlPlane.repoPath("../shared/fixtures/traces/openb").normalize();
        List<String> nodeLines = Files.readAllLines(trace.resolve("openb_node_list_all_node.csv"));
        List<NodeSnapshot> engineNodes = new ArrayList<>();
        for (String line : nodeLines.subList(1, 21)) {
            String[] f = line.split(",", -1);
            String name = "openb-" + f[0].substring(f[0].lastIndexOf('-') + 1);
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                    .addToAnnotations("kwok.x-k8s.io/node", "fake").addToLabels("pyfleet.dev/bench", "openb")
                    .endMetadata().withNewStatus()
                    .addToAllocatable(Map.of("cpu", new Quantity(f[1] + "m"), "memory", new Quantity(f[2] + "Mi"),
                            "pods", new Quantity("110"), "nvidia.com/gpu", new Quantity(f[3])))
                    .addToCapacity(Map.of("cpu", new Quantity(f[1] + "m"), "memory", new Quantity(f[2] + "Mi"),
                            "pods", new Quantity("110"), "nvidia.com/gpu", new Quantity(f[3])))
                    .endStatus().build()).create();
            engineNodes.add(new NodeSnapshot(name, new Resources(Long.parseLong(f[1]), Long.parseLong(f[2]) << 20,
                    110, Long.parseLong(f[3])), Resources.NONE, Optional.empty(), List.of(),
                    Map.of("pyfleet.dev/bench", "openb"), false, Map.of()));
        }
        // Ready, and no longer tainted not-ready by the node lifecycle controller: until then the scheduler offers
        // the extender only some of the nodes, and the engine's model, which has them all, cannot agree.
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> client.nodes()
                .withLabel("pyfleet.dev/bench", "openb").list().getItems().stream()
                .allMatch(n -> n.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
                        && (n.getSpec().getTaints() == null || n.getSpec().getTaints().isEmpty())));
        List<String> podLines = Files.readAllLines(trace.resolve("openb_pod_list_default.csv"));
        List<String[]> pods = podLines.subList(1, podLines.size()).stream().map(l -> l.split(",", -1))
                .sorted(Comparator.comparingLong((String[] f) -> Long.parseLong(f[8])).thenComparing(f -> f[0]))
                .toList();
        StringBuilder out = new StringBuilder("Engine and scheduler agree: for each strategy, the first "
                + AGREEMENT_PODS + " openb pods that fit, created one by one on 20 openb nodes (emptied between "
                + "strategies) through the real pyfleet-scheduler, landed on the node the engine chose for:\n\n"
                + "| strategy | same node as the engine |\n|---|---:|\n");
        for (Strategy strategy : Strategy.values()) {
            int[] result = agreement(client, strategy, engineNodes, pods, raw);
            out.append("| %s | %d of %d |%n".formatted(strategy, result[0], result[1]));
        }
        return out.toString();
    }

    static final int AGREEMENT_PODS = 50;

    /** Returns {same, compared}. */
    private static int[] agreement(KubernetesClient client, Strategy strategy, List<NodeSnapshot> empty,
            List<String[]> pods, StringBuilder raw) {
        List<NodeSnapshot> engineNodes = new ArrayList<>(empty);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < engineNodes.size(); i++) {
            index.put(engineNodes.get(i).name(), i);
        }
        int compared = 0;
        int same = 0;
        String name;
        try (TestNamespace namespace = new TestNamespace(client, "bench-" + strategy.name().toLowerCase())) {
            name = namespace.name();
            for (String[] f : pods) {
                if (compared == AGREEMENT_PODS) {
                    break;
                }
                Pod pod = pod(f[0], "pyfleet-scheduler", f[1] + "m", f[2] + "Mi", Long.parseLong(f[3]),
                        strategy.name(), Map.of("pyfleet.dev/bench", "openb"));
                pod.getMetadata().setNamespace(namespace.name());
                PodRequest request = PodRequests.of(pod);
                List<NodeSnapshot> fits = engineNodes.stream().filter(n -> PlacementEngine.fits(request, n))
                        .toList();
                if (fits.isEmpty()) {
                    continue;
                }
                String engineChoice = PlacementEngine.best(request, fits);
                client.pods().inNamespace(namespace.name()).resource(pod).create();
                Pod bound = client.pods().inNamespace(namespace.name()).withName(f[0])
                        .waitUntilCondition(p -> p.getSpec().getNodeName() != null, 60,
                                java.util.concurrent.TimeUnit.SECONDS);
                String schedulerChoice = bound.getSpec().getNodeName();
                int at = index.get(schedulerChoice);
                engineNodes.set(at, engineNodes.get(at).withPod(request));
                compared++;
                if (schedulerChoice.equals(engineChoice)) {
                    same++;
                }
                raw.append("%s %s: engine %s, scheduler %s%s%n".formatted(strategy, f[0], engineChoice,
                        schedulerChoice, schedulerChoice.equals(engineChoice) ? "" : "  (disagree)"));
            }
        }
        Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> client.pods().inNamespace(name).list().getItems().isEmpty());
        return new int[] {same, compared};
    }

    private static Pod pod(String name, String scheduler, String cpu, String memory, long gpus, String strategy,
            Map<String, String> nodeSelector) {
        var requests = new HashMap<String, Quantity>(Map.of("cpu", new Quantity(cpu), "memory",
                new Quantity(memory)));
        if (gpus > 0) {
            requests.put("nvidia.com/gpu", new Quantity(String.valueOf(gpus)));
        }
        return new PodBuilder().withNewMetadata().withName(name)
                .addToLabels("app.kubernetes.io/managed-by", "pyfleet").addToLabels("pyfleet.dev/app", "bench")
                .addToAnnotations("pyfleet.dev/placement-strategy", strategy).endMetadata()
                .withNewSpec().withSchedulerName(scheduler).withNodeSelector(nodeSelector)
                .addNewContainer().withName("app").withImage("python:3.12-slim").withNewResources()
                .addToRequests(requests).addToLimits(gpus > 0 ? Map.of("nvidia.com/gpu",
                        new Quantity(String.valueOf(gpus))) : Map.of()).endResources().endContainer()
                .endSpec().build();
    }
}
