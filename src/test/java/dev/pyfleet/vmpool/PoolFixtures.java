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
        return SERIALIZATION.unmarshal("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: PythonApp
                metadata: {name: %s, namespace: demo}
                spec:
                  image: ghcr.io/acme/%s:1
                  python: "3.12"
                  process: %s
                  port: %d
                  env: [{name: GREETING, value: "50%% \\"off\\""}]
                  runtime: {type: VMPool, poolRef: {name: vms}}
                """.formatted(name, name, process, port), PythonApp.class);
    }
}
