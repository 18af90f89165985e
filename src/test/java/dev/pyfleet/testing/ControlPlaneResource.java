package dev.pyfleet.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Boots the operator under test against the real control plane by handing it the control plane's kubeconfig, and
 * gives its management interface (health, metrics) a free port of its own, so that two runs on one machine never
 * share one. Reconcile retries start at 250 ms instead of the shipped 2 s, so a test that waits out more retries than
 * the SDK's default five takes seconds; the backoff factor, the 30 s cap and the unlimited attempts stay as shipped.
 */
public class ControlPlaneResource implements QuarkusTestResourceLifecycleManager {

    /** The first retry's delay in the operator under test; each next one is 1.5 times longer. */
    public static final long FIRST_RETRY_MS = 250;

    private static volatile int managementPort;

    @Override
    public Map<String, String> start() {
        managementPort = OperatorProcess.freePort();
        return Map.of("kubeconfig", ControlPlane.get().kubeconfig().toString(),
                "quarkus.management.port", String.valueOf(managementPort),
                "quarkus.operator-sdk.controllers.pythonapp.retry.interval.initial", String.valueOf(FIRST_RETRY_MS),
                "quarkus.operator-sdk.controllers.vmpool.retry.interval.initial", String.valueOf(FIRST_RETRY_MS));
    }

    /** Where the operator under test serves /q/health and /q/metrics, e.g. {@code http://127.0.0.1:41234/}. */
    public static String managementUrl() {
        if (managementPort == 0) {
            throw new IllegalStateException("the operator under test has not been started");
        }
        return "http://127.0.0.1:" + managementPort + "/";
    }

    @Override
    public void stop() {
        // The control plane outlives a single test class; its own shutdown hook stops it at the end of the run.
    }
}
