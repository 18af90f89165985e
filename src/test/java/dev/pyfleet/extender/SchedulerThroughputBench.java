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
 * (b) Throughput of 1,000 pods on 100 fake nodes through pyfleet-scheduler (with the extender) and through the
 * default scheduler, three rounds in alternating order on one control plane; and a sample of the openb trace replayed through the real
 * pyfleet-scheduler, compared with the engine's replay of the same pods on the same nodes.
 */
class SchedulerThroughputBench {

    static final int PODS = 1000;
    static final List<String> SCHEDULERS = List.of("pyfleet-scheduler", "default-scheduler");

    @Test
    void throughputAndAgreement() throws Exception {
        Path trace = ControlPlane.repoPath("../shared/fixtures/traces/openb").normalize();
        Inputs.require(Files.isDirectory(trace), "the openb trace is absent: " + trace);
        int port = OperatorProcess.freePort();
        try (ControlPlane cluster = ControlPlane.withExtenderAt("bench", port, "--nodes", "100", "--cpu", "32",
                "--memory", "128Gi");
                KubernetesClient client = cluster.newClient();
                OperatorProcess operator = new OperatorProcess(cluster.kubeconfig(), port)) {
            operator.awaitReady(Duration.ofSeconds(90));
            Map<String, Runs> rate = new LinkedHashMap<>();
            SCHEDULERS.forEach(s -> rate.put(s, new Runs()));
            Runs ratio = new Runs();
            StringBuilder raw = new StringBuilder();
            for (int round = 0; round < Runs.ROUNDS; round++) {
                Map<String, Double> thisRound = new HashMap<>();
                for (String scheduler : Runs.order(SCHEDULERS, round)) {
                    double podsPerSecond = podsPerSecond(client, scheduler);
                    thisRound.put(scheduler, podsPerSecond);
                    rate.get(scheduler).add(podsPerSecond);
                    raw.append("round %d: %s bound %d pods at %.2f per second%n".formatted(round + 1, scheduler,
                            PODS, podsPerSecond));
                }
                ratio.add(thisRound.get("pyfleet-scheduler") / thisRound.get("default-scheduler"));
            }
            String agreement = agreement(client, raw);
            BenchReport.write("throughput", "(b) Scheduling throughput: pyfleet-scheduler vs default scheduler",
                    "make bench", """
                    | scheduler | 1,000 pods on 100 nodes, bound per second: median (lowest–highest) of %d runs |
                    |---|---:|
                    | pyfleet-scheduler + extender | %s |
                    | default-scheduler | %s |
                    | ratio (pyfleet / default), per round | %s |

                    Both schedulers run side by side on one local control plane (100 KWOK nodes of 32 CPU, 128Gi);
                    the same 1,000 PyFleet pods (100m, 128Mi, Balanced) are created for one, timed from the first
                    create until every pod is bound, then deleted, and created again for the other; %d rounds,
                    the order of the two alternating from round to round.

                    %s
                    """.formatted(Runs.ROUNDS, rate.get("pyfleet-scheduler").summary("%.1f"),
                    rate.get("default-scheduler").summary("%.1f"), ratio.summary("%.2f"), Runs.ROUNDS, agreement),
                    raw.toString());
        }
    }

    private static double podsPerSecond(KubernetesClient client, String scheduler) {
        String name;
        double seconds;
        try (TestNamespace namespace = new TestNamespace(client, "bench-" + scheduler.substring(0, 7))) {
            name = namespace.name();
            client.serviceAccounts().inNamespace(namespace.name()).withName("default")
                    .waitUntilCondition(sa -> sa != null, 60, java.util.concurrent.TimeUnit.SECONDS);
            long start = System.nanoTime();
            for (int i = 0; i < PODS; i++) {
                client.pods().inNamespace(namespace.name()).resource(pod("p-" + i, scheduler, "100m", "128Mi", 0,
                        "Balanced", Map.of())).create();
            }
            Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> client.pods().inNamespace(namespace.name()).list().getItems().stream()
                            .filter(p -> p.getSpec().getNodeName() != null).count() == PODS);
            seconds = (System.nanoTime() - start) / 1e9;
        }
        // The next measurement starts on empty nodes.
        Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> client.pods().inNamespace(name).list().getItems().isEmpty());
        return PODS / seconds;
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
            client.serviceAccounts().inNamespace(namespace.name()).withName("default")
                    .waitUntilCondition(sa -> sa != null, 60, java.util.concurrent.TimeUnit.SECONDS);
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
