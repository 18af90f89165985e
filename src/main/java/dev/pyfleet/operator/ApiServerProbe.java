package dev.pyfleet.operator;

import java.time.Duration;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;

/**
 * Asks the API server for its version with a bounded wait, so that an operator pointed at nothing fails fast with a
 * message a person can act on instead of retrying for minutes inside the client.
 */
public final class ApiServerProbe {

    private final Config config;

    public ApiServerProbe(Config config) {
        // One attempt per call; the loop in awaitVersion owns the retries and the deadline.
        this.config = new ConfigBuilder(config)
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(5_000)
                .withRequestTimeout(5_000)
                .build();
    }

    /** The server's /version, or an {@link ApiServerUnreachableException} once {@code timeout} has passed. */
    public VersionInfo awaitVersion(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last;
        do {
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
                return client.getKubernetesVersion();
            } catch (RuntimeException e) {
                last = e;
            }
            sleepQuietly(Duration.ofMillis(500));
        } while (System.nanoTime() < deadline);
        throw new ApiServerUnreachableException(config.getMasterUrl(), timeout, rootMessage(last));
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiServerUnreachableException("interrupted while waiting for the API server", e);
        }
    }
}
