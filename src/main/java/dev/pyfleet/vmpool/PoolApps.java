package dev.pyfleet.vmpool;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.kube.PrunedItemStore;

/** What the VMPool controller's informer keeps of each PythonApp: its name and spec, which render the VMs. */
final class PoolApps {

    private PoolApps() {
    }

    /** The app's identity and spec; its status (conditions and their messages) stays in the app controller's cache. */
    static PythonApp cached(PythonApp app) {
        PythonApp kept = new PythonApp();
        kept.setMetadata(PrunedItemStore.identity(app.getMetadata()));
        kept.setSpec(app.getSpec());
        return kept;
    }
}
