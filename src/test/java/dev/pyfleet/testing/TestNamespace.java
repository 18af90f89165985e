package dev.pyfleet.testing;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A namespace of its own for one test class, deleted afterwards (the namespace controller removes its contents), and
 * ready for Pods when it is returned.
 */
public final class TestNamespace implements AutoCloseable {

    private final KubernetesClient client;
    private final String name;

    public TestNamespace(KubernetesClient client, String prefix) {
        this.client = client;
        this.name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        create(client, name);
    }

    /** Creates the namespace {@code name} (or applies it, if it exists) and returns once Pods can be made in it. */
    public static void create(KubernetesClient client, String name) {
        create(client, name, Map.of());
    }

    /** As {@link #create(KubernetesClient, String)}, with these labels on the namespace. */
    public static void create(KubernetesClient client, String name, Map<String, String> labels) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
                .endMetadata().build()).serverSideApply();
        awaitDefaultServiceAccount(client, name);
    }

    /**
     * Waits for the namespace's {@code default} ServiceAccount: kube-controller-manager makes it a moment after the
     * namespace, and until then admission refuses every Pod that does not name another.
     */
    public static void awaitDefaultServiceAccount(KubernetesClient client, String namespace) {
        client.serviceAccounts().inNamespace(namespace).withName("default")
                .waitUntilCondition(account -> account != null, 60, TimeUnit.SECONDS);
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        client.namespaces().withName(name).delete();
    }
}
