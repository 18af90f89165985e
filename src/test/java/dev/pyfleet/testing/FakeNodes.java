package dev.pyfleet.testing;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;

/** KWOK nodes a test makes for itself, labelled so that only its own pods go there. */
public final class FakeNodes {

    private FakeNodes() {
    }

    /** Creates {@code prefix-0 … prefix-(count-1)} with the label, and waits until a scheduler may use them. */
    public static void create(KubernetesClient client, String prefix, int count, Map<String, String> labels,
            String cpu, String memory) {
        create(client, prefix, count, labels, Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory),
                "pods", new Quantity("110")));
    }

    /** As above, the nodes offering ephemeral storage (local disk for Pods) as well. */
    public static void create(KubernetesClient client, String prefix, int count, Map<String, String> labels,
            String cpu, String memory, String ephemeralStorage) {
        create(client, prefix, count, labels, Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory),
                "pods", new Quantity("110"), "ephemeral-storage", new Quantity(ephemeralStorage)));
    }

    private static void create(KubernetesClient client, String prefix, int count, Map<String, String> labels,
            Map<String, Quantity> resources) {
        for (int i = 0; i < count; i++) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(prefix + "-" + i)
                    .addToAnnotations("kwok.x-k8s.io/node", "fake").addToLabels(labels).endMetadata()
                    .withNewStatus().addToAllocatable(resources).addToCapacity(resources).endStatus().build())
                    .create();
        }
        var label = labels.entrySet().iterator().next();
        // Ready, and untainted: the node lifecycle controller taints a new node not-ready for a while after, and
        // until then the scheduler passes it over.
        Awaitility.await(count + " fresh nodes Ready and untainted").atMost(Duration.ofSeconds(60))
                .until(() -> client.nodes().withLabel(label.getKey(), label.getValue()).list().getItems().stream()
                        .filter(n -> n.getStatus().getConditions().stream()
                                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                        .filter(n -> n.getSpec().getTaints() == null || n.getSpec().getTaints().isEmpty())
                        .count() == count);
    }

    public static void delete(KubernetesClient client, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            client.nodes().withName(prefix + "-" + i).delete();
        }
    }
}
