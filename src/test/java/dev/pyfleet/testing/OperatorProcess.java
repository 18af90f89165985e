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
    private final int managementPort;

    public OperatorProcess(Path kubeconfig) {
        this(kubeconfig, freePort());
    }

    public OperatorProcess(Path kubeconfig, int port) {
        this(kubeconfig, port, List.of());
    }

    /** @param systemProperties extra -D options, e.g. the client's impersonation settings */
    public OperatorProcess(Path kubeconfig, int port, List<String> systemProperties) {
        this(kubeconfig, port, List.of(), systemProperties);
    }

    /**
     * @param launcher a command the java command line is appended to, e.g. one that enters a memory cgroup and execs
     *        its arguments (the process keeps its pid); empty to start java directly
     */
    public OperatorProcess(Path kubeconfig, int port, List<String> launcher, List<String> systemProperties) {
        Path repo = Path.of(System.getProperty("pyfleet.repo", ".")).toAbsolutePath();
        this.port = port;
        this.managementPort = freePort();
        try {
            log = Files.createTempFile("pyfleet-operator-", ".log");
            List<String> command = new java.util.ArrayList<>(launcher);
            command.addAll(List.of(
                    ProcessHandle.current().info().command().orElse("java"),
                    "-Dkubeconfig=" + kubeconfig, "-Dquarkus.http.port=" + port,
                    "-Dquarkus.management.port=" + managementPort));
            command.addAll(systemProperties);
            command.addAll(List.of("-jar", repo.resolve("target/quarkus-app/quarkus-run.jar").toString()));
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A free port below the kernel's ephemeral range (as hack/cluster.sh picks them): a port the kernel hands out
     * could become the local end of some new connection before the operator binds it.
     */
    public static int freePort() {
        var random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 10000 + random.nextInt(22000);
            try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port between 10000 and 32000");
    }

    /** Waits until the operator reports ready on /q/health/ready. */
    public void awaitReady(java.time.Duration timeout) {
        var http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator exited:\n" + log());
            }
            try {
                var response = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready")).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the operator did not become ready within " + timeout + ":\n" + log());
    }

    public long pid() {
        return process.pid();
    }

    /** The extender's port. */
    public int port() {
        return port;
    }

    /** Health and metrics: /q/health/..., /q/metrics. */
    public int managementPort() {
        return managementPort;
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

    /** Waits for the process to exit by itself; false if it still runs after the timeout. */
    public boolean awaitExit(java.time.Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGSTOP: every thread stands still, sockets stay open, as in a long GC pause or a frozen VM. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kill -9: no shutdown hook runs, nothing is flushed or released; returns once the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
