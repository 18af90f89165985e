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

    /** Creates the Pod unless one of that name exists; the informer sees it at once, so no reconcile re-creates it. */
    boolean create(Pod pod) {
        try {
            Pod created = client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
            pods.handleRecentResourceCreate(ResourceID.fromResource(created), created);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return false;
            }
            throw e;
        }
    }

    void delete(String namespace, String name) {
        client.pods().inNamespace(namespace).withName(name).delete();
    }
}
