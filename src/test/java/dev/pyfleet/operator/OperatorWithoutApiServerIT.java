package dev.pyfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyfleet.testing.CommandResult;

/** Pointed at no API server, the packaged operator exits at once with a message that says what to do. */
class OperatorWithoutApiServerIT {

    @Test
    void exitsWithAClearMessageWhenNoApiServerIsReachable(@TempDir Path dir) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: nowhere, cluster: {server: "https://127.0.0.1:%d"}}]
                users: [{name: nobody, user: {token: unused}}]
                contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]
                current-context: nowhere
                """.formatted(closedPort));
        Path repo = Path.of(System.getProperty("pyfleet.repo", ".")).toAbsolutePath();
        String java = ProcessHandle.current().info().command().orElse("java");

        CommandResult result = CommandResult.run(List.of(java, "-Dkubeconfig=" + kubeconfig,
                "-Dpyfleet.api-server.startup-timeout=2s", "-Dquarkus.http.port=0", "-Dquarkus.management.port=0",
                "-jar", repo.resolve("target/quarkus-app/quarkus-run.jar").toString()), repo, Map.of());

        assertThat(result.exitCode()).as(result.output()).isEqualTo(OperatorLifecycle.EXIT_API_SERVER_UNREACHABLE);
        assertThat(result.output())
                .contains("PyFleet cannot start: cannot reach the Kubernetes API server at https://127.0.0.1:"
                        + closedPort)
                .contains("KUBECONFIG")
                .doesNotContain("Exception in thread");
    }
}
