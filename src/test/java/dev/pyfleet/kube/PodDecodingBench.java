package dev.pyfleet.kube;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pyfleet.bench.BenchReport;
import dev.pyfleet.bench.Runs;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * What the operator's client spends reading one watch event of a Pod: as the client reads it by default (a tree of
 * the object, then the object, managed fields and all), with the managed fields stepped over, and as the operator
 * reads it ({@link LeanDecoding}: that, and no tree), side by side in one run: time and bytes allocated per event.
 * The Pod is a real one: an app's Pod as the operator, kube-scheduler and a KWOK node wrote it, read back from the
 * API server.
 */
class PodDecodingBench {

    static final String STOCK = "the client's reader";
    static final String NO_MANAGED_FIELDS = "managed fields stepped over";
    static final String OPERATOR = "managed fields stepped over, object bound as it streams (the operator's)";
    static final int EVENTS = 20_000;
    static final int ROUNDS = 6;

    @Test
    void watchEventsOfAPodWithAndWithoutManagedFields() throws Exception {
        String event;
        try (ControlPlane cluster = ControlPlane.dedicated("decode", Map.of(), "--nodes", "1");
                KubernetesClient client = new KubernetesClientBuilder().withConfig(cluster.config()).build();
                OperatorProcess operator = new OperatorProcess(cluster.kubeconfig(), OperatorProcess.freePort(),
                        List.of("-Dpyfleet.scheduler.enabled=false"))) {
            operator.awaitReady(Duration.ofSeconds(90));
            TestNamespace.create(client, "decode");
            PythonApps.create(client, "decode", """
                    metadata: {name: shop}
                    spec:
                      image: ghcr.io/acme/shop:1.0.0
                      process: {type: wsgi, module: "shop.wsgi:application"}
                      replicas: 1
                      healthCheck: {path: /healthz}
                      env: [{name: SHOP_MODE, value: production}]
                    """);
            PythonApps.await(client, "decode", "shop", PythonApps.conditionIs("Ready", "True"), 120);
            Pod pod = PythonApps.pods(client, "decode", "shop").get(0);
            event = "{\"type\":\"MODIFIED\",\"object\":" + client.raw(cluster.config().getMasterUrl()
                    + "api/v1/namespaces/decode/pods/" + pod.getMetadata().getName()) + "}";
        }
        Map<String, KubernetesSerialization> readers = new java.util.LinkedHashMap<>();
        readers.put(STOCK, new KubernetesSerialization());
        readers.put(NO_MANAGED_FIELDS, new KubernetesSerialization(
                LeanDecoding.withoutManagedFields(new ObjectMapper()), true));
        readers.put(OPERATOR, new KubernetesSerialization(LeanDecoding.forClient(new ObjectMapper()), true));
        Map<String, Runs> micros = new java.util.HashMap<>();
        Map<String, Runs> bytes = new java.util.HashMap<>();
        for (String reader : readers.keySet()) {
            micros.put(reader, new Runs());
            bytes.put(reader, new Runs());
            decode(readers.get(reader), event, EVENTS); // warm-up: compiled before it is measured
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (String reader : Runs.order(List.copyOf(readers.keySet()), round)) {
                long allocatedBefore = allocated();
                long start = System.nanoTime();
                decode(readers.get(reader), event, EVENTS);
                micros.get(reader).add((System.nanoTime() - start) / 1e3 / EVENTS);
                bytes.get(reader).add((allocated() - allocatedBefore) / (double) EVENTS);
            }
        }
        int managedStart = event.indexOf("\"managedFields\"");
        int managedEnd = event.indexOf("\"spec\"");
        StringBuilder table = new StringBuilder("""
                | reading one Pod watch event | µs per event | bytes allocated per event |
                |---|---:|---:|
                """);
        for (String reader : readers.keySet()) {
            table.append("| %s | %s | %s |%n".formatted(reader, micros.get(reader).summary("%.1f"),
                    bytes.get(reader).summary("%,.0f")));
        }
        BenchReport.write("pod-decoding", "Operator: reading a Pod's watch event",
                "make bench", table + """

                        In-process, one thread: %,d reads of the same watch event per run, after a warm-up of as many;
                        %d runs of each, the order reversed from run to run; median (lowest–highest) of the runs. The event holds a
                        real Pod (an app of 1 replica with a health check, as the operator, kube-scheduler and a KWOK
                        node wrote it, read back from kube-apiserver): %,d bytes of JSON, of which about %,d are its
                        managed fields. Bytes allocated: the thread's own count (ThreadMXBean).
                        """.formatted(EVENTS, ROUNDS, event.length(), managedEnd > managedStart && managedStart > 0
                        ? managedEnd - managedStart : -1), event);
    }

    private static void decode(KubernetesSerialization reader, String event, int times) {
        for (int i = 0; i < times; i++) {
            WatchEvent read = reader.unmarshal(event, WatchEvent.class);
            if (!(read.getObject() instanceof Pod)) {
                throw new IllegalStateException("not read as a Pod: " + read.getObject());
            }
        }
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }
}
