package dev.pyfleet.hardening;

import static dev.pyfleet.testing.PythonApps.conditionIs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.FakeNodes;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * What a tenant who means harm can do to PyFleet, on a real control plane with pyfleet-scheduler calling the
 * operator's extender: made-up extender calls, guest sizes on pods that are not PyFleet's, an image string built to
 * break out of a line, a Pod that squats a replica's name. Each is harmless.
 */
class HostileInputIT {

    /** HTTP/1.1, as kube-scheduler calls an extender. */
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static ControlPlane cluster;
    static OperatorProcess operator;
    static KubernetesClient client;
    TestNamespace namespace;
    String pool;

    @BeforeAll
    static void start() {
        int port = OperatorProcess.freePort();
        cluster = ControlPlane.withExtenderAt("hostile", port, "--nodes", "0");
        operator = new OperatorProcess(cluster.kubeconfig(), port);
        operator.awaitReady(Duration.ofSeconds(60));
        client = cluster.newClient();
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
            client.close();
            cluster.close();
        }
    }

    @BeforeEach
    void nodes() {
        namespace = new TestNamespace(client, "hostile");
        pool = namespace.name();
        FakeNodes.create(client, pool, 3, Map.of("pyfleet.dev/test-pool", pool), "4", "16Gi");
        Awaitility.await("the extender's cache knows the new nodes").atMost(Duration.ofSeconds(30))
                .until(() -> filter(ghost("probe", "100m"), pool + "-0", pool + "-1", pool + "-2").body()
                        .contains("\"NodeNames\":[\"" + pool + "-0\",\"" + pool + "-1\",\"" + pool + "-2\"]"));
    }

    @AfterEach
    void cleanUp() {
        namespace.close();
    }

    /**
     * Anyone who reaches the extender can post pods that do not exist, sized to fill a node, to both verbs. While a
     * flood of those runs, a real app with one Pod per node is placed on all three nodes at the first try.
     */
    @Test
    void aFloodOfMadeUpExtenderCallsDoesNotKeepRealPodsPending() throws Exception {
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        Thread flood = new Thread(() -> {
            while (flooding.get()) {
                int i = sent.incrementAndGet();
                String pod = ghost("ghost-" + i, "3900m");
                // One node: the extender answers with that node alone, as a scheduler would then bind there.
                int status = filter(pod, pool + "-" + (i % 3)).statusCode();
                status = Math.max(status, prioritize(pod, pool + "-0", pool + "-1", pool + "-2").statusCode());
                if (status == 200) {
                    answered.incrementAndGet();
                }
            }
        }, "extender-flood");
        flood.start();
        try {
            Awaitility.await("the flood is under way").atMost(Duration.ofSeconds(10)).until(() -> sent.get() > 50);
            PythonApps.create(client, namespace.name(), """
                    metadata: {name: real}
                    spec:
                      image: ghcr.io/acme/real:1
                      process: {type: wsgi, module: "app:app"}
                      replicas: 3
                      resources: {requests: {cpu: 100m, memory: 128Mi}}
                      placement: {strategy: Spread, maxPerNode: 1, nodeSelector: {pyfleet.dev/test-pool: %s}}
                    """.formatted(pool));
            Awaitility.await("all three Pods bound").atMost(Duration.ofSeconds(90))
                    .until(() -> PythonApps.pods(client, namespace.name(), "real").stream()
                            .filter(p -> p.getSpec().getNodeName() != null).count() == 3);
        } finally {
            flooding.set(false);
            flood.join();
        }
        System.out.printf("[hostile] %d made-up extender calls sent during the test, %d answered%n", sent.get(),
                answered.get());
        assertThat(answered.get()).as("made-up calls the extender answered (the flood did reach it)")
                .isGreaterThan(50);
        assertThat(PythonApps.pods(client, namespace.name(), "real")).extracting(p -> p.getSpec().getNodeName())
                .containsExactlyInAnyOrder(pool + "-0", pool + "-1", pool + "-2");
        assertThat(client.v1().events().inNamespace(namespace.name()).list().getItems())
                .filteredOn(e -> "FailedScheduling".equals(e.getReason()))
                .as("scheduling failures of the real Pods").isEmpty();
    }

    /**
     * Guest sizes are PyFleet's annotations for its VMs' launcher pods. On anyone else's pod they are not read: a
     * huge one does not fill the node, one that is no quantity fails no extender call.
     */
    @Test
    void guestSizesOnAStrangersPodsChangeNothingForPlacement() throws Exception {
        for (String size : List.of("lots", "1000")) {
            // Labelled as PyFleet's, even: without a VirtualMachineInstance controlling it, it is no launcher pod.
            client.pods().inNamespace(namespace.name()).resource(new PodBuilder().withNewMetadata()
                    .withName("stranger-" + size).addToLabels("app.kubernetes.io/managed-by", "pyfleet")
                    .addToLabels("pyfleet.dev/pool", "not-mine").addToAnnotations("pyfleet.dev/guest-cpu", size)
                    .addToAnnotations("pyfleet.dev/guest-memory", size + "Ti").endMetadata().withNewSpec()
                    .withNodeName(pool + "-0").addNewContainer().withName("c").withImage("busybox")
                    .withNewResources().addToRequests("cpu", new Quantity("10m")).endResources().endContainer()
                    .endSpec().build()).create();
        }
        // Asked again and again while the Pod cache takes the strangers' pods in: always answered, and
        // their node always still fits a 3-CPU pod.
        Awaitility.await("the extender answers and keeps " + pool + "-0").during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    HttpResponse<String> answer = filter(ghost("asks", "3"), pool + "-0", pool + "-1", pool + "-2");
                    assertThat(answer.statusCode()).isEqualTo(200);
                    assertThat(answer.body()).contains("\"NodeNames\":[\"" + pool + "-0\"");
                    assertThat(prioritize(ghost("asks", "3"), pool + "-0", pool + "-1", pool + "-2").statusCode())
                            .isEqualTo(200);
                });

        PythonApps.create(client, namespace.name(), """
                metadata: {name: spread}
                spec:
                  image: ghcr.io/acme/spread:1
                  process: {type: wsgi, module: "app:app"}
                  replicas: 3
                  resources: {requests: {cpu: "3", memory: 128Mi}}
                  placement: {strategy: Spread, maxPerNode: 1, nodeSelector: {pyfleet.dev/test-pool: %s}}
                """.formatted(pool));
        PythonApps.await(client, namespace.name(), "spread", conditionIs("Ready", "True"), 90);
        assertThat(PythonApps.pods(client, namespace.name(), "spread")).extracting(p -> p.getSpec().getNodeName())
                .containsExactlyInAnyOrder(pool + "-0", pool + "-1", pool + "-2");
    }

    /** A body far larger than any scheduler sends is refused before it is read, with 413. */
    @Test
    void anOversizedExtenderRequestIsRefused() throws Exception {
        String nodes = String.join("\", \"", java.util.Collections.nCopies(60_000, "node-with-a-long-name-0000"));
        String body = "{\"Pod\": " + ghost("big", "100m") + ", \"NodeNames\": [\"" + nodes + "\"]}";
        assertThat(body.length()).isGreaterThan(1 << 20);
        // Expect: 100-continue, so the answer comes before the body is sent, as it would to a careful client.
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + operator.port() + "/scheduler/filter")).header("Content-Type", "application/json")
                .expectContinue(true).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(413);
        // Whatever came before, the extender still answers a scheduler's call.
        assertThat(filter(ghost("after", "100m"), pool + "-0").statusCode()).isEqualTo(200);
    }

    /** An image string with a line break (which on a VM would add systemd directives) never reaches the store. */
    @Test
    void anImageWithALineBreakIsRefusedByTheApiServer() {
        assertThatThrownBy(() -> PythonApps.create(client, namespace.name(), """
                metadata: {name: breakout}
                spec:
                  image: "ghcr.io/acme/shop:1\\nExecStartPre=+/bin/sh -c 'id > /root/owned'"
                  python: "3.12"
                  process: {type: wsgi, module: "app:app"}
                """)).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains("spec.image: Invalid value");
                });
    }

    /**
     * A Pod created ahead of time under the name the operator will give a replica does not stand in for it: the
     * operator passes the name over, says so in a Warning, and the app gets all its replicas.
     */
    @Test
    void aPodSquattingAReplicasNameDoesNotTakeItsPlace() {
        PythonApps.create(client, namespace.name(), """
                metadata: {name: target}
                spec:
                  image: ghcr.io/acme/target:1
                  process: {type: wsgi, module: "app:app"}
                  replicas: 1
                  placement: {nodeSelector: {pyfleet.dev/test-pool: %s}}
                """.formatted(pool));
        PythonApps.await(client, namespace.name(), "target", conditionIs("Ready", "True"), 90);
        Pod first = PythonApps.pods(client, namespace.name(), "target").get(0);
        String squatted = first.getMetadata().getName().replaceAll("-0$", "-1");
        // The squatter even carries the app's labels, as a copy of a replica would.
        client.pods().inNamespace(namespace.name()).resource(new PodBuilder().withNewMetadata().withName(squatted)
                .withLabels(first.getMetadata().getLabels()).endMetadata().withNewSpec()
                .withNodeName(pool + "-1").addNewContainer().withName("c").withImage("busybox").endContainer()
                .endSpec().build()).create();

        client.resources(PythonApp.class).inNamespace(namespace.name()).withName("target")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\": {\"replicas\": 2}}");
        PythonApps.await(client, namespace.name(), "target", app -> conditionIs("Ready", "True").test(app)
                && app.getStatus().readyReplicas() != null && app.getStatus().readyReplicas() == 2, 90);
        List<Pod> replicas = PythonApps.pods(client, namespace.name(), "target").stream()
                .filter(p -> p.getMetadata().getOwnerReferences() != null
                        && !p.getMetadata().getOwnerReferences().isEmpty())
                .toList();
        assertThat(replicas).hasSize(2).extracting(p -> p.getMetadata().getName()).doesNotContain(squatted);
        assertThat(client.v1().events().inNamespace(namespace.name()).list().getItems())
                .anyMatch(e -> "PodNameTaken".equals(e.getReason()) && e.getMessage().contains(squatted));
    }

    /** A PyFleet-labelled pod that no one created, of the given CPU request. */
    private String ghost(String name, String cpu) {
        return """
                {"metadata": {"name": "%s", "namespace": "%s", "uid": "%s",
                              "labels": {"app.kubernetes.io/managed-by": "pyfleet", "pyfleet.dev/app": "ghost"}},
                 "spec": {"containers": [{"name": "c", "image": "i",
                          "resources": {"requests": {"cpu": "%s", "memory": "1Gi"}}}]}}"""
                .formatted(name, pool, java.util.UUID.randomUUID(), cpu);
    }

    private static HttpResponse<String> filter(String pod, String... nodes) {
        return post("filter", pod, nodes);
    }

    private static HttpResponse<String> prioritize(String pod, String... nodes) {
        return post("prioritize", pod, nodes);
    }

    private static HttpResponse<String> post(String verb, String pod, String... nodes) {
        String body = "{\"Pod\": " + pod + ", \"NodeNames\": [\"" + String.join("\", \"", nodes) + "\"]}";
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + operator.port() + "/scheduler/" + verb)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
