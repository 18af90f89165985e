package dev.pyfleet.pythonapp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * (d) 1,000 PythonApps x 3 replicas against 1,000 Deployments x 3 replicas on one control plane, timed from the
 * first create until every one reports all replicas ready; and the operator's heap and RSS with 1,000 and 5,000
 * apps, run with the memory the chart gives it.
 */
class FleetScaleBench {

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
            for (String ns : List.of("deployments", "apps", "more-apps")) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata()
                        .build()).create();
                client.serviceAccounts().inNamespace(ns).withName("default")
                        .waitUntilCondition(sa -> sa != null, 60, java.util.concurrent.TimeUnit.SECONDS);
            }
            Memory idle = memory(operator);

            // Readiness is counted from watches: listing thousands of objects every second would load the API
            // server the two contenders share.
            double deployments;
            try (var watched = client.apps().deployments().inNamespace("deployments").inform()) {
                deployments = timeUntil(APPS, i -> client.apps().deployments().inNamespace("deployments")
                        .resource(deployment("d-" + i)).create(),
                        () -> watched.getStore().list().stream().filter(FleetScaleBench::ready).count());
            }
            double apps = timeUntilAppsReady(client, "apps", APPS, 3);
            Memory thousand = memory(operator);
            double more = timeUntilAppsReady(client, "more-apps", MORE_APPS, 1);
            Memory fiveThousand = memory(operator);

            BenchReport.write("fleet-scale", "(d) Time to Ready: PythonApps vs Deployments; operator memory",
                    "make bench", """
                    | 1,000 objects x 3 replicas, first create to all Ready | seconds |
                    |---|---:|
                    | Deployments (kube-controller-manager) | %.1f |
                    | PythonApps (PyFleet operator) | %.1f |
                    | ratio (PythonApps / Deployments) | %.2f |

                    | operator memory | heap used after full GC | RSS |
                    |---|---:|---:|
                    | no apps | %s | %s |
                    | 1,000 apps (3,000 Pods) | %s | %s |
                    | 5,000 apps (1,000 x 3 + 4,000 x 1 = 7,000 Pods) | %s | %s |

                    One local control plane with 50 KWOK nodes; Deployments first, then PythonApps, each created
                    from 8 client threads (image only, 10m CPU, 16Mi). Both kinds of Pods use the default
                    scheduler (operator run with pyfleet.scheduler.enabled=false). kube-controller-manager runs with
                    its default client rate limit (20 QPS, burst 30); the operator's client has none. The 4,000 more
                    apps of 1 replica each took %.1f s to be Ready. The operator ran with the JVM flags of the image
                    (MaxRAMPercentage=75) and %s; heap used is measured after `jcmd GC.run` (the live set: what a
                    memory limit must leave room for), RSS from /proc.
                    """.formatted(deployments, apps, apps / deployments, idle.heap(), idle.rss(), thousand.heap(),
                    thousand.rss(), fiveThousand.heap(), fiveThousand.rss(), more, MEMORY));
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
                + operator.port() + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        double heap = metrics.lines()
                .filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        long rssKb = Files.readAllLines(Path.of("/proc/" + operator.pid() + "/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).map(l -> l.replaceAll("[^0-9]", "")).mapToLong(Long::parseLong)
                .findFirst().orElseThrow();
        return new Memory("%.0f MiB".formatted(heap / 1048576), "%d MiB".formatted(rssKb / 1024));
    }
}
