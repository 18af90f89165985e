package dev.pyfleet.realnode;

import static dev.pyfleet.testing.PythonApps.conditionIs;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.NodeProcesses;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The samples as a user applies them, on a real node: the example images (built from their own Dockerfiles) start
 * gunicorn and uvicorn, become Ready through their real HTTP probes and answer through their Services (kube-proxy),
 * each Pod runs as many workers as the workers rule gives, sees PORT and WEB_CONCURRENCY, and runs as UID 10001 in a
 * namespace that enforces the restricted Pod Security profile.
 */
class ExamplesOnARealNodeIT {

    static final String NS = "examples";

    @Test
    void theSamplesServeThroughTheirServicesWithTheWorkersRuleAsTheRestrictedUser() throws Exception {
        try (ControlPlane cluster = ControlPlane.withRealNode("examples");
                KubernetesClient client = cluster.newClient();
                OperatorProcess operator = new OperatorProcess(cluster.kubeconfig())) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
                    .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build()).create();
            operator.awaitReady(Duration.ofSeconds(90));
            for (String sample : List.of("hello-wsgi.yaml", "hello-asgi.yaml")) {
                List<HasMetadata> items = client.load(Files.newInputStream(
                        ControlPlane.repoPath("deploy/samples/" + sample))).items();
                items.forEach(item -> client.resource(item).inNamespace(NS).create());
            }

            PythonApps.await(client, NS, "hello-wsgi", conditionIs("Ready", "True"), 240);
            assertThat(get(cluster, client, "hello-wsgi", "/")).isEqualTo("Hello, World!\n");
            assertWorkers(cluster, client, "hello-wsgi", "gunicorn", 1, "8080");

            // hello-asgi waits for hello-wsgi (dependsOn), then starts with its own rule: a 1-CPU limit gives 3.
            PythonApps.await(client, NS, "hello-asgi", conditionIs("Ready", "True"), 240);
            assertThat(get(cluster, client, "hello-asgi", "/healthz")).isEqualTo("{\"status\":\"ok\"}");
            assertWorkers(cluster, client, "hello-asgi", "uvicorn", 3, "8000");
        }
    }

    /** An HTTP GET to the app's Service, from inside the real node (where kube-proxy's rules live). */
    private static String get(ControlPlane cluster, KubernetesClient client, String app, String path) {
        String ip = client.services().inNamespace(NS).withName(app).get().getSpec().getClusterIP();
        int port = client.services().inNamespace(NS).withName(app).get().getSpec().getPorts().get(0).getPort();
        String[] body = new String[1];
        // A Ready Pod can take a moment more to appear behind the Service: kube-proxy syncs its rules on its own.
        Awaitility.await(app + " answers through its Service " + ip).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    CommandResult curl = cluster.onRealNode("real-node-0", "curl", "-sS", "--max-time", "3",
                            "http://" + ip + ":" + port + path);
                    body[0] = curl.output();
                    return curl.exitCode() == 0;
                });
        return body[0];
    }

    /**
     * Each Pod of the app runs one server process (gunicorn or uvicorn) with {@code workers} worker processes under
     * it (forked by gunicorn, spawned by uvicorn; Python's resource tracker does not count), all as UID 10001, and
     * the server sees PORT and WEB_CONCURRENCY.
     */
    private static void assertWorkers(ControlPlane cluster, KubernetesClient client, String app, String server,
            int workers, String port) {
        PythonApp spec = client.resources(PythonApp.class).inNamespace(NS).withName(app).get();
        List<Pod> pods = PythonApps.pods(client, NS, app);
        assertThat(pods).hasSize(spec.getSpec().replicas());
        for (Pod pod : pods) {
            List<NodeProcesses.Process> all = NodeProcesses.ofPod(cluster, 0, pod.getMetadata().getUid());
            List<NodeProcesses.Process> masters = all.stream().filter(p -> p.runs(server))
                    .filter(p -> all.stream().noneMatch(q -> q.pid() == p.parent() && q.runs(server))).toList();
            assertThat(masters).as("%s masters in %s: %s", server, pod.getMetadata().getName(), all).hasSize(1);
            NodeProcesses.Process master = masters.get(0);
            List<NodeProcesses.Process> children = all.stream().filter(p -> p.parent() == master.pid())
                    .filter(p -> p.command().stream().noneMatch(arg -> arg.contains("resource_tracker"))).toList();
            assertThat(children).as("%s workers in %s: %s", server, pod.getMetadata().getName(), all)
                    .hasSize(workers);
            assertThat(Stream.concat(Stream.of(master), children.stream()))
                    .allSatisfy(p -> assertThat(p.uid()).as("uid of %s", p.command()).isEqualTo(10001));
            assertThat(master.environment()).contains(Map.entry("PORT", port),
                    Map.entry("WEB_CONCURRENCY", Integer.toString(workers)));
        }
    }
}
