package dev.pyfleet.pythonapp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.bench.BenchReport;
import dev.pyfleet.bench.Runs;
import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * (d) 500 PythonApps x 3 replicas against 500 Deployments x 3 replicas on one control plane, timed from the first
 * create until every one reports all replicas ready, three rounds in alternating order; and the operator's heap and
 * RSS with 1,000 and 5,000 apps.
 */
class FleetScaleBench {

    /** Objects of each kind per round of the time-to-Ready comparison. */
    static final int COMPARED = 500;
    static final int APPS = 1000;
    static final int MORE_APPS = 4000;
    /** Room enough that the 5,000-app run measures what the operator needs rather than a GC at its limit. */
    static final String MEMORY = "-XX:MaxRAM=1536m";

    @Test
    void timeToReadyAgainstDeploymentsAndMemory() throws Exception {
        try (ControlPlane cluster = ControlPlane.dedicated("scale", Map.of(), "--nodes", "50", "--pods", "250",
                "--cpu", "64", "--memory", "256Gi");
                KubernetesClient client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                        new io.fabric8.kubernetes.client.ConfigBuilder(cluster.config()).withRequestTimeout(120_000)
                                .build()).build();
                // Both kinds of Pods go through the default scheduler, so only the controllers differ.
                OperatorProcess operator = new OperatorProcess(cluster.kubeconfig(), OperatorProcess.freePort(),
                        List.of("-Dpyfleet.scheduler.enabled=false", MEMORY, "-XX:MaxRAMPercentage=75"))) {
            operator.awaitReady(Duration.ofSeconds(90));
            Memory idle = memory(operator);

            // Readiness is counted from watches: listing thousands of objects every second would load the API
            // server the two contenders share. Each round starts on empty nodes: the last round's namespace is
            // deleted and gone first.
            Runs deployments = new Runs();
            Runs apps = new Runs();
            Runs ratio = new Runs();
            StringBuilder raw = new StringBuilder();
            for (int round = 0; round < Runs.ROUNDS; round++) {
                Map<String, Double> seconds = new HashMap<>();
                for (String kind : Runs.order(List.of("Deployments", "PythonApps"), round)) {
                    String ns = kind.toLowerCase() + "-" + (round + 1);
                    createNamespace(client, ns);
                    double took = kind.equals("Deployments") ? timeUntilDeploymentsReady(client, ns, COMPARED)
                            : timeUntilAppsReady(client, ns, COMPARED, 3);
                    seconds.put(kind, took);
                    raw.append("round %d: %d %s x 3 replicas Ready in %.1f s%n".formatted(round + 1, COMPARED, kind,
                            took));
                    deleteNamespace(client, ns);
                }
                deployments.add(seconds.get("Deployments"));
                apps.add(seconds.get("PythonApps"));
                ratio.add(seconds.get("PythonApps") / seconds.get("Deployments"));
            }

            createNamespace(client, "apps");
            createNamespace(client, "more-apps");
            double thousandTook = timeUntilAppsReady(client, "apps", APPS, 3);
            Memory thousand = memory(operator);
            double more = timeUntilAppsReady(client, "more-apps", MORE_APPS, 1);
            Memory fiveThousand = memory(operator);
            raw.append("memory: idle %s; %d apps x 3 (Ready in %.1f s) %s; plus %d apps x 1 (Ready in %.1f s) %s%n"
                    .formatted(idle, APPS, thousandTook, thousand, MORE_APPS, more, fiveThousand));

            BenchReport.write("fleet-scale", "(d) Time to Ready: PythonApps vs Deployments; operator memory",
                    "make bench", """
                    | %d objects x 3 replicas, first create to all Ready | seconds: median (lowest–highest) of %d runs |
                    |---|---:|
                    | Deployments (kube-controller-manager) | %s |
                    | PythonApps (PyFleet operator) | %s |
                    | ratio (PythonApps / Deployments), per round | %s |

                    | operator memory (every Pod cached by the controller's informer in full, and by the extender as the fields placement reads) | heap used after full GC | RSS |
                    |---|---:|---:|
                    | no apps | %s | %s |
                    | 1,000 apps (3,000 Pods) | %s | %s |
                    | 5,000 apps (1,000 x 3 + 4,000 x 1 = 7,000 Pods) | %s | %s |

                    One local control plane with 50 KWOK nodes. In each of %d rounds the two kinds are created in a
                    namespace of their own from 8 client threads (image only, 10m CPU, 16Mi), which is deleted
                    before the other kind starts; the order alternates from round to round. Both kinds of Pods use
                    the default scheduler (operator run with pyfleet.scheduler.enabled=false).
                    kube-controller-manager runs with its default client rate limit (20 QPS, burst 30); the
                    operator's client has none, so the ratio compares the products as shipped, not on equal terms.
                    Memory is measured after the rounds, on fresh namespaces: 1,000 apps of 3 replicas, then 4,000
                    more apps of 1 replica (Ready in %.1f s). The operator ran with the JVM flags of the image
                    (MaxRAMPercentage=75) and %s; heap used is measured after `jcmd GC.run` (the live set: what a
                    memory limit must leave room for), RSS from /proc.
                    """.formatted(COMPARED, Runs.ROUNDS, deployments.summary("%.1f"), apps.summary("%.1f"),
                    ratio.summary("%.2f"), idle.heap(), idle.rss(), thousand.heap(), thousand.rss(),
                    fiveThousand.heap(), fiveThousand.rss(), Runs.ROUNDS, more, MEMORY), raw.toString());
        }
    }

    private static void createNamespace(KubernetesClient client, String ns) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        client.serviceAccounts().inNamespace(ns).withName("default")
                .waitUntilCondition(sa -> sa != null, 60, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static void deleteNamespace(KubernetesClient client, String ns) {
        client.namespaces().withName(ns).delete();
        client.namespaces().withName(ns).waitUntilCondition(java.util.Objects::isNull, 10,
                java.util.concurrent.TimeUnit.MINUTES);
    }

    private static double timeUntilDeploymentsReady(KubernetesClient client, String ns, int n) throws Exception {
        try (var watched = client.apps().deployments().inNamespace(ns).inform()) {
            return timeUntil(n, i -> client.apps().deployments().inNamespace(ns).resource(deployment("d-" + i))
                    .create(), () -> watched.getStore().list().stream().filter(FleetScaleBench::ready).count());
        }
    }

    /** Creates n objects from 8 threads and waits until ready() counts n; seconds from the first create. */
    private static double timeUntil(int n, IntConsumer create, Supplier<Long> ready) throws Exception {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> created = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                created.add(pool.submit(() -> create.accept(index)));
            }
            for (Future<?> future : created) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        while (ready.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not all " + n + " ready within 20 minutes: " + ready.get());
            }
            Thread.sleep(500);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static double timeUntilAppsReady(KubernetesClient client, String ns, int n, int replicas)
            throws Exception {
        String prefix = ns.substring(0, 1) + "-";
        try (var watched = client.resources(PythonApp.class).inNamespace(ns).inform()) {
            return timeUntil(n, i -> PythonApps.create(client, ns, app(prefix + i, replicas)),
                    () -> watched.getStore().list().stream().filter(PythonApps.conditionIs("Ready", "True")).count());
        }
    }

    private static boolean ready(Deployment d) {
        return d.getStatus() != null && Integer.valueOf(3).equals(d.getStatus().getReadyReplicas())
                && Integer.valueOf(3).equals(d.getStatus().getUpdatedReplicas());
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

    record Memory(String heap, String rss) {
    }

    private static Memory memory(OperatorProcess operator) throws Exception {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        CommandResult gc = CommandResult.run(List.of(jcmd.toString(), Long.toString(operator.pid()), "GC.run"),
                Path.of("."), Map.of());
        if (gc.exitCode() != 0) {
            throw new IllegalStateException("jcmd GC.run failed: " + gc.output());
        }
        Thread.sleep(1000);
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + operator.managementPort() + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        double heap = metrics.lines()
                .filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        long rssKb = Files.readAllLines(Path.of("/proc/" + operator.pid() + "/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).map(l -> l.replaceAll("[^0-9]", "")).mapToLong(Long::parseLong)
                .findFirst().orElseThrow();
        return new Memory("%.0f MiB".formatted(heap / 1048576), "%d MiB".formatted(rssKb / 1024));
    }
}
