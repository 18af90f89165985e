package dev.pyfleet.testing;

import java.util.UUID;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** A namespace of its own for one test class, deleted afterwards (the namespace controller removes its contents). */
public final class TestNamespace implements AutoCloseable {

    private final KubernetesClient client;
    private final String name;

    public TestNamespace(KubernetesClient client, String prefix) {
        this.client = client;
        this.name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .create();
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        client.namespaces().withName(name).delete();
    }
}
