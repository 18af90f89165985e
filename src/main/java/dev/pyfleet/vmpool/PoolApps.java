package dev.pyfleet.vmpool;

import java.util.Optional;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.app.EffectiveSpec;
import dev.pyfleet.kube.PrunedItemStore;

/**
 * What the VMPool controller's informer keeps of each PythonApp: its identity and, for an app on a pool, the spec that
 * renders the pool's VMs. An app that runs as Pods is kept as a name only: its spec and status live in the PythonApp
 * controller's cache. That cache is not read from here because the two controllers start independently: a pool
 * reconciled before it had synced would render its VMs without their apps and roll them.
 */
final class PoolApps {

    private PoolApps() {
    }

    /** The app's identity, and its spec if it runs on a pool. */
    static PythonApp cached(PythonApp app) {
        PythonApp kept = new PythonApp();
        kept.setMetadata(PrunedItemStore.identity(app.getMetadata()));
        if (pool(app).isPresent()) {
            kept.setSpec(app.getSpec());
        }
        return kept;
    }

    /** The pool the app runs on, if any; an app kept without its spec runs on none. */
    static Optional<String> pool(PythonApp app) {
        return app.getSpec() == null ? Optional.empty() : new EffectiveSpec(app.getSpec()).poolName();
    }
}
