package dev.pyfleet.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Boots the operator under test against the real control plane by handing it the control plane's kubeconfig. */
public class ControlPlaneResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kubeconfig", ControlPlane.get().kubeconfig().toString());
    }

    @Override
    public void stop() {
        // The control plane outlives a single test class; its own shutdown hook stops it at the end of the run.
    }
}
