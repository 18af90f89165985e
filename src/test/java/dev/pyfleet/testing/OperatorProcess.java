package dev.pyfleet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged operator as a process of its own, pointed at a given kubeconfig; closing it stops it. */
public final class OperatorProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    public OperatorProcess(Path kubeconfig) {
        Path repo = Path.of(System.getProperty("pyfleet.repo", ".")).toAbsolutePath();
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            log = Files.createTempFile("pyfleet-operator-", ".log");
            process = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Dkubeconfig=" + kubeconfig, "-Dquarkus.http.port=" + port,
                    "-jar", repo.resolve("target/quarkus-app/quarkus-run.jar").toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
