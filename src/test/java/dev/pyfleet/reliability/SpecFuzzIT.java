package dev.pyfleet.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.RandomAppSpecs;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Random specs from inside the schema, sent to the real API server and reconciled by the packaged operator. The API
 * server accepts every one, the reconciler never fails on any, and each ends where its spec says it must, in the
 * time its spec allows: an app whose Pods fit the nodes is Ready within its minReadySeconds (plus the time the
 * machine needs); one whose Pods fit no node is Degraded with ProgressDeadlineExceeded within its
 * progressDeadlineSeconds; one on a VM pool that does not exist waits for it, saying so.
 */
class SpecFuzzIT {

    static final int SPECS = Chaos.pick(30, 300);
    static final int NODES = 8;
    static final BigDecimal NODE_CPU = BigDecimal.valueOf(64);
    static final BigDecimal NODE_MEMORY = Quantity.getAmountInBytes(new Quantity("64Gi"));
    /** What the machine itself needs to create, schedule and report an app, beyond what its spec asks for. */
    static final Duration SLACK = Duration.ofSeconds(Chaos.pick(60, 180));

    enum Outcome { READY, DEGRADED, WAITING_FOR_POOL }

    record Expectation(String name, Outcome outcome, Duration within, Map<String, Object> spec) {
    }

    @Test
    void eachRandomSpecEndsWhereItsSpecSaysWithinTheTimeItAllows() throws Exception {
        Random random = Chaos.random("SpecFuzzIT");
        RandomAppSpecs specs = RandomAppSpecs.withShortTimes(random);
        try (ControlPlane cluster = ControlPlane.dedicated("fuzz", Map.of(), "--nodes", "" + NODES,
                "--cpu", NODE_CPU.toPlainString(), "--memory", "64Gi", "--pods", "250");
                KubernetesClient client = cluster.newClient();
                OperatorProcess operator = new OperatorProcess(cluster.kubeconfig())) {
            String ns = "fuzz";
            TestNamespace.create(client, ns);
            operator.awaitReady(Duration.ofSeconds(90));
            List<String> rejected = new ArrayList<>();
            Map<String, Expectation> expected = new LinkedHashMap<>();
            Map<String, Instant> created = new LinkedHashMap<>();
            for (String name : RandomAppSpecs.names(SPECS)) {
                Map<String, Object> spec = new LinkedHashMap<>(specs.next(name));
                // Apps waiting on others are covered by PythonAppIT; here every app must settle on its own.
                spec.remove("dependsOn");
                expected.put(name, expect(name, spec));
                GenericKubernetesResource app = new GenericKubernetesResource();
                app.setApiVersion("pyfleet.dev/v1alpha1");
                app.setKind("PythonApp");
                app.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
                app.setAdditionalProperty("spec", spec);
                try {
                    client.genericKubernetesResources("pyfleet.dev/v1alpha1", "PythonApp").inNamespace(ns)
                            .resource(app).create();
                    created.put(name, Instant.now());
                } catch (KubernetesClientException e) {
                    rejected.add(name + ": " + e.getStatus().getMessage() + "\n  spec: " + spec);
                }
            }
            assertThat(rejected).as("specs from inside the schema that the API server refused").isEmpty();
            assertThat(demand(expected.values(), 0)).as("CPU of every app that fits, at once (cluster: %s)",
                    NODE_CPU.multiply(BigDecimal.valueOf(NODES))).isLessThan(NODE_CPU.multiply(BigDecimal.valueOf(NODES / 2)));
            assertThat(demand(expected.values(), 1)).as("memory of every app that fits, at once")
                    .isLessThan(NODE_MEMORY.multiply(BigDecimal.valueOf(NODES / 2)));

            // Record when each app first shows its expected outcome; the last deadline bounds the wait.
            Map<String, Instant> reached = new LinkedHashMap<>();
            Instant lastDeadline = expected.values().stream()
                    .map(e -> created.get(e.name()).plus(e.within())).max(Instant::compareTo).orElseThrow();
            // A fitting app with a 1 s progress deadline may pass through Degraded first: only reaching the
            // outcome, and being there at the end, counts.
            try {
                Awaitility.await("every app ends where its spec says")
                        .atMost(Duration.between(Instant.now(), lastDeadline).plusSeconds(5))
                        .pollInterval(Duration.ofSeconds(1)).until(() -> {
                            for (PythonApp app : client.resources(PythonApp.class).inNamespace(ns).list()
                                    .getItems()) {
                                Expectation e = expected.get(app.getMetadata().getName());
                                if (shows(app, e.outcome())) {
                                    reached.putIfAbsent(e.name(), Instant.now());
                                }
                            }
                            return reached.size() == SPECS;
                        });
            } catch (ConditionTimeoutException e) {
                List<String> missing = new ArrayList<>();
                for (PythonApp app : client.resources(PythonApp.class).inNamespace(ns).list().getItems()) {
                    Expectation x = expected.get(app.getMetadata().getName());
                    if (!reached.containsKey(x.name())) {
                        missing.add("%s: expected %s within %d s, status %s; spec %s".formatted(x.name(),
                                x.outcome(), x.within().toSeconds(), app.getStatus(), x.spec()));
                    }
                }
                throw new AssertionError("apps that never reached their outcome:\n" + String.join("\n", missing), e);
            }
            List<String> late = expected.values().stream()
                    .filter(e -> reached.get(e.name()).isAfter(created.get(e.name()).plus(e.within())))
                    .map(e -> "%s: %s after %d s, allowed %d s; spec %s".formatted(e.name(), e.outcome(),
                            Duration.between(created.get(e.name()), reached.get(e.name())).toSeconds(),
                            e.within().toSeconds(), e.spec()))
                    .toList();
            assertThat(late).as("apps that reached their outcome later than their spec allows").isEmpty();

            // Where they ended, read once more: an outcome that was only passed through does not count.
            List<String> wrong = new ArrayList<>();
            for (PythonApp app : client.resources(PythonApp.class).inNamespace(ns).list().getItems()) {
                Expectation e = expected.get(app.getMetadata().getName());
                if (!shows(app, e.outcome())) {
                    wrong.add("%s: expected %s, status %s; spec %s".formatted(e.name(), e.outcome(),
                            app.getStatus(), e.spec()));
                }
            }
            assertThat(wrong).as("apps that left their outcome").isEmpty();
            assertThat(operator.log()).doesNotContain("reconcile failed");
            System.out.printf("[chaos] %d random apps: %d Ready, %d Degraded as their Pods fit no node, %d waiting"
                    + " for their pool%n", SPECS, count(expected, Outcome.READY), count(expected, Outcome.DEGRADED),
                    count(expected, Outcome.WAITING_FOR_POOL));
        }
    }

    /** What the spec says must happen, decided from the spec alone and the nodes' size. */
    static Expectation expect(String name, Map<String, Object> spec) {
        @SuppressWarnings("unchecked")
        Map<String, Object> runtime = (Map<String, Object>) spec.getOrDefault("runtime", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> rollout = (Map<String, Object>) spec.get("rollout");
        if ("VMPool".equals(runtime.get("type"))) {
            return new Expectation(name, Outcome.WAITING_FOR_POOL, SLACK, spec);
        }
        int replicas = (Integer) spec.getOrDefault("replicas", 1);
        if (replicas == 0 || podFits(spec)) {
            int minReady = ((Number) rollout.getOrDefault("minReadySeconds", 0)).intValue();
            return new Expectation(name, Outcome.READY, SLACK.plusSeconds(minReady), spec);
        }
        int deadline = ((Number) rollout.get("progressDeadlineSeconds")).intValue();
        return new Expectation(name, Outcome.DEGRADED, SLACK.plusSeconds(deadline), spec);
    }

    /**
     * Whether one Pod's requests fit a node: a request absent but a limit present means the limit, as the API server
     * defaults it. (maxPerNode of 1 still leaves room: replicas never exceed the nodes.)
     */
    static boolean podFits(Map<String, Object> spec) {
        BigDecimal[] request = podRequest(spec);
        return request[0].compareTo(NODE_CPU) <= 0 && request[1].compareTo(NODE_MEMORY) <= 0;
    }

    @SuppressWarnings("unchecked")
    static BigDecimal[] podRequest(Map<String, Object> spec) {
        Map<String, Object> resources = (Map<String, Object>) spec.getOrDefault("resources", Map.of());
        Map<String, Object> requests = (Map<String, Object>) resources.getOrDefault("requests", Map.of());
        Map<String, Object> limits = (Map<String, Object>) resources.getOrDefault("limits", Map.of());
        Object cpu = requests.getOrDefault("cpu", limits.get("cpu"));
        Object memory = requests.getOrDefault("memory", limits.get("memory"));
        return new BigDecimal[] {
                cpu == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(new Quantity(cpu.toString())),
                memory == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(new Quantity(memory.toString())) };
    }

    /** The sum of one resource (0 CPU, 1 memory) over every Pod of every app expected Ready. */
    private static BigDecimal demand(java.util.Collection<Expectation> expectations, int resource) {
        return expectations.stream().filter(e -> e.outcome() == Outcome.READY)
                .map(e -> podRequest(e.spec())[resource]
                        .multiply(BigDecimal.valueOf((Integer) e.spec().getOrDefault("replicas", 1))))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Whether the app's status, for its current generation, shows the outcome. */
    static boolean shows(PythonApp app, Outcome outcome) {
        if (app.getStatus() == null
                || !app.getMetadata().getGeneration().equals(app.getStatus().observedGeneration())) {
            return false;
        }
        Condition ready = PythonApps.condition(app, "Ready");
        Condition degraded = PythonApps.condition(app, "Degraded");
        if (ready == null || degraded == null) {
            return false;
        }
        return switch (outcome) {
            case READY -> "True".equals(ready.getStatus()) && "False".equals(degraded.getStatus());
            case DEGRADED -> "False".equals(ready.getStatus()) && "True".equals(degraded.getStatus())
                    && "ProgressDeadlineExceeded".equals(degraded.getReason());
            case WAITING_FOR_POOL -> "False".equals(ready.getStatus()) && "PoolNotFound".equals(ready.getReason())
                    && ready.getMessage() != null
                    && ready.getMessage().contains(app.getSpec().runtime().poolRef().name());
        };
    }

    private static long count(Map<String, Expectation> expected, Outcome outcome) {
        return expected.values().stream().filter(e -> e.outcome() == outcome).count();
    }
}
