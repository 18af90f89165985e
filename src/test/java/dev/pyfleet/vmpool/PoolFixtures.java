package dev.pyfleet.vmpool;

import dev.pyfleet.api.v1alpha1.PythonApp;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** PythonApps that run on a pool named {@code vms}, for tests of what a pool renders. */
final class PoolFixtures {

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private PoolFixtures() {
    }

    /** @param process the process field as YAML flow, e.g. {@code {type: wsgi, module: "shop.wsgi:app"}} */
    static PythonApp app(String name, String process, int port) {
        return app(name, process, port, "ghcr.io/acme/" + name + ":1");
    }

    /** As {@link #app(String, String, int)}, with any image string (written as a JSON string, so anything goes). */
    static PythonApp app(String name, String process, int port, String image) {
        return SERIALIZATION.unmarshal("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: PythonApp
                metadata: {name: %s, namespace: demo}
                spec:
                  image: %s
                  python: "3.12"
                  process: %s
                  port: %d
                  env: [{name: GREETING, value: "50%% \\"off\\""}]
                  runtime: {type: VMPool, poolRef: {name: vms}}
                """.formatted(name, SERIALIZATION.asJson(image), process, port), PythonApp.class);
    }
}
