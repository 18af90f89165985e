package dev.pyfleet.operator;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.ConfigBuilder;

class ApiServerProbeTest {

    @Test
    void unreachableServerFailsWithinTheTimeoutNamingTheAddressAndTheCause() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var config = new ConfigBuilder().withMasterUrl("https://127.0.0.1:" + closedPort).build();

        assertThatThrownBy(() -> new ApiServerProbe(config).awaitVersion(Duration.ofMillis(500)))
                .isInstanceOf(ApiServerUnreachableException.class)
                .hasMessageContaining("https://127.0.0.1:" + closedPort)
                .hasMessageContaining("Connection refused")
                .hasMessageContaining("KUBECONFIG");
    }
}
