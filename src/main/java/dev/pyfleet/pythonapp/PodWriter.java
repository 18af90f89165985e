package dev.pyfleet.pythonapp;

import java.net.HttpURLConnection;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/** The only place Pods are written. Creates and deletes are idempotent, so a repeated step is harmless. */
final class PodWriter {

    private final KubernetesClient client;
    private final InformerEventSource<Pod, ?> pods;

    PodWriter(KubernetesClient client, InformerEventSource<Pod, ?> pods) {
        this.client = client;
        this.pods = pods;
    }

    /** What became of a create. */
    enum Created {
        /** Created now; the informer sees it at once, so no reconcile re-creates it. */
        CREATED,
        /** It exists already and is this app's (the cache had not seen it yet). */
        OURS,
        /** A Pod of that name exists that this app does not control: the name is taken by someone else. */
        TAKEN
    }

    /** Creates the Pod unless one of that name exists, and says whose the existing one is. */
    Created create(Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        try {
            Pod created = client.pods().inNamespace(namespace).resource(pod).create();
            pods.handleRecentResourceCreate(ResourceID.fromResource(created), created);
            return Created.CREATED;
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            Pod existing = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
            return existing == null || controller(existing).equals(controller(pod)) ? Created.OURS : Created.TAKEN;
        }
    }

    /** The uid of the object's controller, or "" when nothing controls it. */
    private static String controller(Pod pod) {
        return pod.getMetadata().getOwnerReferences() == null ? "" : pod.getMetadata().getOwnerReferences().stream()
                .filter(o -> Boolean.TRUE.equals(o.getController())).map(o -> o.getUid()).findFirst().orElse("");
    }

    void delete(String namespace, String name) {
        client.pods().inNamespace(namespace).withName(name).delete();
    }
}
