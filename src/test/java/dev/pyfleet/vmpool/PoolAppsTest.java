package dev.pyfleet.vmpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.kube.PrunedItemStore;

/**
 * The VMPool controller caches the name of each app and the spec of each app on a pool; the VMs it renders from them
 * are the same.
 */
class PoolAppsTest {

    @Test
    void theVmsRenderedFromCachedAppsAreThoseRenderedFromWholeApps() {
        List<PythonApp> whole = List.of(withStatus(PoolFixtures.app("shop", "{type: wsgi, module: \"shop.wsgi:app\"}",
                8000)), withStatus(PoolFixtures.app("api", "{type: asgi, module: \"api.main:app\"}", 8001)));
        PrunedItemStore<PythonApp> store = new PrunedItemStore<>(PoolApps::cached);
        whole.forEach(app -> store.put(app.getMetadata().getName(), app));
        List<PythonApp> cached = List.of(store.get("shop"), store.get("api"));

        var fromWhole = PoolVirtualMachines.of(PoolVirtualMachinesTest.pool(""), whole, "pyfleet-scheduler");
        var fromCached = PoolVirtualMachines.of(PoolVirtualMachinesTest.pool(""), cached, "pyfleet-scheduler");

        assertThat(fromCached.revision()).isEqualTo(fromWhole.revision());
        assertThat(fromCached.userDataSecret().getData()).isEqualTo(fromWhole.userDataSecret().getData());
        assertThat(fromCached.vm(1)).isEqualTo(fromWhole.vm(1));
        assertThat(cached).allSatisfy(app -> {
            assertThat(app.getStatus()).as("status stays in the app controller's cache").isNull();
            assertThat(app.getMetadata().getLabels()).isEmpty();
            assertThat(app.getMetadata().getResourceVersion()).isEqualTo("7");
        });
    }

    @Test
    void anAppThatRunsAsPodsIsKeptAsANameOnlyAndIsOnNoPool() {
        PythonApp asPods = PoolFixtures.SERIALIZATION.unmarshal("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: PythonApp
                metadata: {name: web, namespace: demo}
                spec: {image: "ghcr.io/acme/web:1", runtime: {type: Pods}}
                """, PythonApp.class);
        PythonApp onPool = PoolFixtures.app("shop", "{type: wsgi, module: \"shop.wsgi:app\"}", 8000);

        assertThat(PoolApps.cached(asPods).getSpec()).isNull();
        assertThat(PoolApps.cached(asPods).getMetadata().getName()).isEqualTo("web");
        assertThat(PoolApps.pool(PoolApps.cached(asPods))).isEmpty();
        assertThat(PoolApps.pool(PoolApps.cached(onPool))).contains("vms");
    }

    private static PythonApp withStatus(PythonApp app) {
        app.getMetadata().setResourceVersion("7");
        app.getMetadata().setLabels(java.util.Map.of("team", "shop"));
        app.setStatus(PoolFixtures.SERIALIZATION.unmarshal("""
                phase: Running
                conditions:
                - {type: Ready, status: "True", reason: PoolReady, message: the pool's VMs are Ready}
                """, dev.pyfleet.api.v1alpha1.PythonAppStatus.class));
        return app;
    }
}
