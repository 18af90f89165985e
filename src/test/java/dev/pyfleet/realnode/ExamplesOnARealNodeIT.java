package dev.pyfleet.realnode;

import static dev.pyfleet.testing.PythonApps.conditionIs;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.NodeProcesses;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * PythonApps on a real node (kubelet, containerd, kube-proxy) with the example images built from their own
 * Dockerfiles: the samples serve through real probes, Services and cluster DNS with the workers rule, as UID 10001
 * under the restricted Pod Security profile; a rollout to a process that exits, or one that outgrows its memory
 * limit, turns the app Degraded with the kubelet's reason and the process's own last words while the old Pods keep
 * serving; a rolling update with maxUnavailable 0 fails no request sent through the Service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplesOnARealNodeIT {

    static final String NS = "examples";

    ControlPlane cluster;
    KubernetesClient client;
    OperatorProcess operator;

    @BeforeAll
    void startClusterAndOperator() {
        cluster = ControlPlane.withRealNode("examples");
        client = cluster.newClient();
        operator = new OperatorProcess(cluster.kubeconfig());
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build()).create();
        operator.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    void stop() {
        if (operator != null) {
            operator.close();
            client.close();
            cluster.close();
        }
    }

    @Test
    void theSamplesServeThroughTheirServicesWithTheWorkersRuleAsTheRestrictedUser() throws Exception {
        for (String sample : List.of("hello-wsgi.yaml", "hello-asgi.yaml")) {
            List<HasMetadata> items = client.load(Files.newInputStream(
                    ControlPlane.repoPath("deploy/samples/" + sample))).items();
            items.forEach(item -> client.resource(item).inNamespace(NS).create());
        }

        PythonApps.await(client, NS, "hello-wsgi", conditionIs("Ready", "True"), 240);
        assertThat(get("hello-wsgi", "/")).isEqualTo("Hello, World!\n");
        assertWorkers("hello-wsgi", "gunicorn", 1, "8080");

        // hello-asgi waits for hello-wsgi (dependsOn), then starts with its own rule: a 1-CPU limit gives 3.
        PythonApps.await(client, NS, "hello-asgi", conditionIs("Ready", "True"), 240);
        assertThat(get("hello-asgi", "/healthz")).isEqualTo("{\"status\":\"ok\"}");
        // Its GREETER_URL, http://hello-wsgi, resolves through the cluster DNS to hello-wsgi's Service.
        assertThat(get("hello-asgi", "/")).isEqualTo("hello-asgi relays: Hello, World!\n");
        assertWorkers("hello-asgi", "uvicorn", 3, "8000");
    }

    @Test
    void aRollingUpdateWithMaxUnavailableZeroFailsNoRequestSentThroughTheService() throws Exception {
        create("steady", "image: ghcr.io/pyfleet/examples/hello-wsgi:1.0.0",
                "process: {type: wsgi, module: \"app:app\"}", "replicas: 2",
                "rollout: {maxSurge: 1, maxUnavailable: 0}", "healthCheck: {path: /healthz, periodSeconds: 1}");
        PythonApps.await(client, NS, "steady", conditionIs("Ready", "True"), 180);
        List<String> before = PythonApps.pods(client, NS, "steady").stream().map(p -> p.getMetadata().getName())
                .toList();
        String ip = client.services().inNamespace(NS).withName("steady").get().getSpec().getClusterIP();
        get("steady", "/");

        Path dir = Files.createTempDirectory("steady-");
        Path stop = dir.resolve("stop");
        // One request after the other until told to stop; each either answers 200 or counts as failed.
        Process loop = cluster.startOnRealNode("real-node-0", dir.resolve("loop.log"), "sh", "-c", """
                ok=0; failed=0
                while [ ! -e %s ]; do
                  if [ "$(curl -s -o /dev/null -w '%%{http_code}' --max-time 2 http://%s/)" = 200 ]; then
                    ok=$((ok + 1)); else failed=$((failed + 1)); fi
                done
                echo "$ok $failed"
                """.formatted(stop, ip));
        try {
            client.resources(PythonApp.class).inNamespace(NS).withName("steady").patch(
                    PatchContext.of(PatchType.JSON_MERGE), "{\"spec\": {\"env\": [{\"name\": \"MODE\", \"value\": \"v2\"}]}}");
            PythonApps.await(client, NS, "steady", app -> conditionIs("Ready", "True").test(app)
                    && app.getStatus().updateRevision().equals(app.getStatus().currentRevision())
                    && PythonApps.pods(client, NS, "steady").stream().noneMatch(p -> before.contains(
                            p.getMetadata().getName())), 180);
            // The replaced Pods' last seconds fall inside the loop.
            Thread.sleep(Duration.ofSeconds(2).toMillis());
        } finally {
            Files.createFile(stop);
            assertThat(loop.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        String[] counts = Files.readString(dir.resolve("loop.log")).strip().split("\\s+");
        int ok = Integer.parseInt(counts[0]);
        int failed = Integer.parseInt(counts[1]);
        System.out.printf("[real-node] rolling update under load: %d requests answered, %d failed%n", ok, failed);
        assertThat(failed).as("requests that failed during the rollout (%d answered)", ok).isZero();
        assertThat(ok).as("requests sent during the rollout").isGreaterThan(50);
    }

    @Test
    void aRolloutToAProcessThatExitsIsDegradedWithItsMessageWhileTheOldPodsServe() {
        create("exits", "image: ghcr.io/pyfleet/examples/hello-wsgi:1.0.0",
                "process: {type: wsgi, module: \"app:app\"}", "replicas: 2",
                "rollout: {maxSurge: 1, maxUnavailable: 0}");
        PythonApps.await(client, NS, "exits", conditionIs("Ready", "True"), 180);
        List<String> old = PythonApps.pods(client, NS, "exits").stream().map(p -> p.getMetadata().getName()).toList();

        client.resources(PythonApp.class).inNamespace(NS).withName("exits").patch(
                PatchContext.of(PatchType.JSON_MERGE), """
                {"spec": {"process": {"type": "command", "module": null,
                                      "command": ["python3", "-c", "import shop.wsgi"]}}}""");
        PythonApp degraded = PythonApps.await(client, NS, "exits", app -> conditionIs("Degraded", "True").test(app)
                && "CrashLoopBackOff".equals(PythonApps.condition(app, "Degraded").getReason()), 180);
        Condition condition = PythonApps.condition(degraded, "Degraded");
        assertThat(condition.getMessage()).contains("exited with code 1")
                .contains("ModuleNotFoundError: No module named 'shop'").contains("the previous Pods are kept");
        assertThat(degraded.getStatus().phase()).isEqualTo("Degraded");
        assertThat(warnings("exits")).contains("CrashLoopBackOff");
        assertThat(PythonApps.pods(client, NS, "exits")).filteredOn(PythonApps::isReady)
                .extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrderElementsOf(old);
        assertThat(get("exits", "/")).as("the old Pods still answer").isEqualTo("Hello, World!\n");
    }

    @Test
    void anAppThatOutgrowsItsMemoryLimitIsReportedOomKilled() {
        create("hungry", "image: ghcr.io/pyfleet/examples/hello-wsgi:1.0.0",
                "process: {type: command, command: [python3, -c, \"b = bytearray(256 * 1024 * 1024); "
                        + "import time; time.sleep(3600)\"]}",
                "replicas: 1", "resources: {requests: {memory: 32Mi}, limits: {memory: 64Mi}}");
        PythonApp degraded = PythonApps.await(client, NS, "hungry", app -> conditionIs("Degraded", "True").test(app)
                && "OOMKilled".equals(PythonApps.condition(app, "Degraded").getReason()), 180);
        assertThat(PythonApps.condition(degraded, "Degraded").getMessage())
                .contains("killed for using more than its memory limit of 64Mi");
        assertThat(warnings("hungry")).contains("OOMKilled");
    }

    /**
     * An app's files as it sees them, running as UID 10001 under the restricted profile: it writes its scratch space
     * (/tmp, where it serves from) and its claim's volume, and reads a ConfigMap's key as a file. The claim is bound
     * to a directory of this machine, whose file then belongs to the app's user.
     */
    @Test
    void anAppWritesItsScratchSpaceAndItsVolumeAndReadsItsConfigMap() throws Exception {
        Path disk = Files.createTempDirectory("pyfleet-volume-");
        Files.setAttribute(disk, "unix:uid", 10001);
        Files.setAttribute(disk, "unix:gid", 10001);
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("files-settings").endMetadata().addToData("greeting", "hello from a file").build()).create();
        client.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("files-disk")
                .endMetadata().withNewSpec().withStorageClassName("manual").withAccessModes("ReadWriteOnce")
                .addToCapacity("storage", new Quantity("1Gi")).withNewHostPath().withPath(disk.toString())
                .endHostPath().withNewClaimRef().withNamespace(NS).withName("files-data").endClaimRef().endSpec()
                .build()).create();
        client.persistentVolumeClaims().inNamespace(NS).resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName("files-data").endMetadata().withNewSpec().withStorageClassName("manual")
                .withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage", new Quantity("1Gi"))
                .endResources().endSpec().build()).create();
        try {
            create("files", "image: ghcr.io/pyfleet/examples/hello-wsgi:1.0.0",
                    "process: {type: command, command: [python3, -c, \"" + String.join("; ",
                            "import os, pathlib, functools, http.server",
                            "pathlib.Path('/srv/data/kept.txt').write_text('kept')",
                            "answer = 'uid=%d data=%s settings=%s' % (os.getuid(), "
                                    + "pathlib.Path('/srv/data/kept.txt').read_text(), "
                                    + "pathlib.Path('/etc/files/greeting').read_text())",
                            "pathlib.Path('/tmp/index.html').write_text(answer)",
                            "http.server.ThreadingHTTPServer(('', int(os.environ['PORT'])), functools.partial("
                                    + "http.server.SimpleHTTPRequestHandler, directory='/tmp')).serve_forever()")
                            + "\"]}",
                    "replicas: 1",
                    "storage: {scratch: 64Mi, volumes: [{name: data, mountPath: /srv/data, "
                            + "persistentVolumeClaim: files-data, readOnly: false}, "
                            + "{name: settings, mountPath: /etc/files, configMap: files-settings}]}");
            PythonApps.await(client, NS, "files", conditionIs("Ready", "True"), 180);

            assertThat(get("files", "/")).isEqualTo("uid=10001 data=kept settings=hello from a file");
            Path kept = disk.resolve("kept.txt");
            assertThat(kept).hasContent("kept");
            assertThat(Files.getAttribute(kept, "unix:uid")).as("written by the app's user").isEqualTo(10001);
        } finally {
            client.resources(PythonApp.class).inNamespace(NS).withName("files").delete();
            client.persistentVolumeClaims().inNamespace(NS).withName("files-data").delete();
            client.persistentVolumes().withName("files-disk").delete();
        }
    }

    private void create(String name, String... specLines) {
        PythonApps.create(client, NS, "metadata: {name: " + name + "}\nspec:\n  "
                + String.join("\n  ", specLines) + "\n  service: {port: 80}\n");
    }

    /** The reasons of the Warning Events recorded for the app. */
    private List<String> warnings(String app) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType()) && app.equals(e.getInvolvedObject().getName())
                        && "PythonApp".equals(e.getInvolvedObject().getKind()))
                .map(e -> e.getReason()).toList();
    }

    /** An HTTP GET to the app's Service, from inside the real node. */
    private String get(String app, String path) {
        return cluster.getThroughService(client, NS, app, path);
    }

    /**
     * Each Pod of the app runs one server process (gunicorn or uvicorn) with {@code workers} worker processes under
     * it (forked by gunicorn, spawned by uvicorn; Python's resource tracker does not count), all as UID 10001, and
     * the server sees PORT and WEB_CONCURRENCY.
     */
    private void assertWorkers(String app, String server, int workers, String port) {
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
