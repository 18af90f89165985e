package dev.pyfleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.pyfleet.testing.ControlPlane;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;

class ControlPlaneIT {

    static KubernetesClient client;

    @BeforeAll
    static void connect() {
        client = ControlPlane.get().newClient();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void apiServerReportsKubernetes134() {
        var version = client.getKubernetesVersion();
        System.out.println("[control-plane] /version: " + version.getGitVersion() + " " + version.getPlatform());
        assertThat(version.getGitVersion()).startsWith("v1.34.");
        assertThat(version.getMajor()).isEqualTo("1");
        assertThat(version.getMinor()).isEqualTo("34");
    }

    @Test
    void fakeNodesAreReadyWithTheConfiguredCapacity() {
        var nodes = client.nodes().withLabel("type", "kwok").list().getItems();
        assertThat(nodes).hasSizeGreaterThanOrEqualTo(3);
        for (Node node : nodes) {
            assertThat(node.getStatus().getConditions())
                    .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
            assertThat(node.getStatus().getAllocatable()).containsKeys("cpu", "memory", "pods");
            assertThat(node.getStatus().getAllocatable().get("cpu")).isEqualTo(new Quantity("8"));
        }
    }
}
