package dev.pyfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.FakeNodes;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The packaged jar's what-if tool against a live API server: placements and refusals, and nothing written. */
class WhatIfIT {

    @Test
    void whatIfPlacesEachReplicaOnTheLiveClusterAndChangesNothing() throws Exception {
        ControlPlane cluster = ControlPlane.get();
        try (KubernetesClient client = cluster.newClient();
                TestNamespace namespace = new TestNamespace(client, "what-if")) {
            String pool = namespace.name();
            FakeNodes.create(client, pool, 2, Map.of("pyfleet.dev/test-pool", pool), "4", "16Gi");
            try {
                Path app = Files.createTempFile("what-if-", ".yaml");
                Files.writeString(app, """
                        apiVersion: pyfleet.dev/v1alpha1
                        kind: PythonApp
                        metadata: {name: shop}
                        spec:
                          image: ghcr.io/acme/shop:1
                          process: {type: wsgi, module: "shop:app"}
                          replicas: 3
                          resources: {requests: {cpu: "3", memory: 1Gi}}
                          placement: {strategy: Spread, nodeSelector: {pyfleet.dev/test-pool: %s}}
                        """.formatted(pool));
                Path repo = cluster.repo();
                CommandResult result = CommandResult.run(List.of(ProcessHandle.current().info().command()
                        .orElse("java"), "-jar", repo.resolve("target/quarkus-app/quarkus-run.jar").toString(),
                        "what-if", "--app", app.toString(), "--namespace", namespace.name(), "--kubeconfig",
                        cluster.kubeconfig().toString()), repo, Map.of());
                assertThat(result.exitCode()).as(result.output()).isZero();
                String out = result.output();
                assertThat(out).contains(namespace.name() + "/shop: 3 replica(s)")
                        .containsPattern("replica 0 \\(3000m cpu, 1024Mi, Spread\\): " + pool + "-[01] — 0 of")
                        .containsPattern("replica 1 \\(3000m cpu, 1024Mi, Spread\\): " + pool + "-[01] — 0 of")
                        .contains("replica 2 (3000m cpu, 1024Mi, Spread): fits on no node; it would stay Pending")
                        .contains(pool + "-0: insufficient cpu: needs 3000m, 1000m free of 4000m")
                        .contains(pool + "-1: insufficient cpu: needs 3000m, 1000m free of 4000m")
                        .contains("NodeSelector");
                Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                        .until(() -> client.pods().inNamespace(namespace.name()).list().getItems().isEmpty());
                assertThat(client.resources(dev.pyfleet.api.v1alpha1.PythonApp.class)
                        .inNamespace(namespace.name()).list().getItems()).isEmpty();
            } finally {
                FakeNodes.delete(client, pool, 2);
            }
        }
    }
}
