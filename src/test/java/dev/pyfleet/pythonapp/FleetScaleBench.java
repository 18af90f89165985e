package dev.pyfleet.pythonapp;

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
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * (d) 500 PythonApps x 3 replicas against 500 Deployments x 3 replicas on one control plane, timed from the first
 * create until every one reports all replicas ready, three rounds in alternating order.
 */
class FleetScaleBench {

    /** Objects of each kind per round of the time-to-Ready comparison. */
    static final int COMPARED = 500;
    /** Room enough that the comparison measures the controllers rather than a GC at its limit. */
    static final String MEMORY = "-XX:MaxRAM=1536m";

    @Test
    void timeToReadyAgainstDeployments() throws Exception {
        try (ControlPlane cluster = ControlPlane.dedicated("scale", Map.of(), "--nodes", "50", "--pods", "250",
                "--cpu", "64", "--memory", "256Gi");
                KubernetesClient client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                        new io.fabric8.kubernetes.client.ConfigBuilder(cluster.config()).withRequestTimeout(120_000)
                                .build()).build();
                // Both kinds of Pods go through the default scheduler, so only the controllers differ.
                OperatorProcess operator = new OperatorProcess(cluster.kubeconfig(), OperatorProcess.freePort(),
                        List.of("-Dpyfleet.scheduler.enabled=false", MEMORY, "-XX:MaxRAMPercentage=75"))) {
            operator.awaitReady(Duration.ofSeconds(90));

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

            BenchReport.write("fleet-scale", "(d) Time to Ready: PythonApps vs Deployments",
                    "make bench", """
                    | %d objects x 3 replicas, first create to all Ready | seconds: median (lowest–highest) of %d runs |
                    |---|---:|
                    | Deployments (kube-controller-manager) | %s |
                    | PythonApps (PyFleet operator) | %s |
                    | ratio (PythonApps / Deployments), per round | %s |

                    One local control plane with 50 KWOK nodes. In each of %d rounds the two kinds are created in a
                    namespace of their own from 8 client threads (image only, 10m CPU, 16Mi), which is deleted
                    before the other kind starts; the order alternates from round to round. Both kinds of Pods use
                    the default scheduler (operator run with pyfleet.scheduler.enabled=false).
                    kube-controller-manager runs with its default client rate limit (20 QPS, burst 30); the
                    operator's client has none, so the ratio compares the products as shipped, not on equal terms.
                    The operator's memory is measured on its own, with the chart's defaults: (e).
                    """.formatted(COMPARED, Runs.ROUNDS, deployments.summary("%.1f"), apps.summary("%.1f"),
                    ratio.summary("%.2f"), Runs.ROUNDS), raw.toString());
        }
    }

    static void createNamespace(KubernetesClient client, String ns) {
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

    static double timeUntilAppsReady(KubernetesClient client, String ns, int n, int replicas)
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
}
