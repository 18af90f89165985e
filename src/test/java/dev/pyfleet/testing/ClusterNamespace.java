package dev.pyfleet.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A client to the shared control plane and a namespace of the test class's own, deleted after the class:
 * {@code @RegisterExtension static final ClusterNamespace cluster = ClusterNamespace.named("gc");}
 */
public final class ClusterNamespace implements BeforeAllCallback, AfterAllCallback {

    private final String prefix;
    private final boolean kubeVirt;
    private KubernetesClient client;
    private TestNamespace namespace;

    private ClusterNamespace(String prefix, boolean kubeVirt) {
        this.prefix = prefix;
        this.kubeVirt = kubeVirt;
    }

    public static ClusterNamespace named(String prefix) {
        return new ClusterNamespace(prefix, false);
    }

    /** Like {@link #named}, but the class is skipped (saying why) where KubeVirt's CRDs could not be installed. */
    public static ClusterNamespace withKubeVirt(String prefix) {
        return new ClusterNamespace(prefix, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (kubeVirt) {
            ControlPlane.assumeKubeVirt();
        }
        client = ControlPlane.get().newClient();
        namespace = new TestNamespace(client, prefix);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (namespace != null) {
            namespace.close();
        }
        if (client != null) {
            client.close();
        }
    }

    public KubernetesClient client() {
        return client;
    }

    public String namespace() {
        return namespace.name();
    }
}
