package dev.pyfleet.pythonapp;

import java.net.HttpURLConnection;
import java.util.List;

import dev.pyfleet.kube.CreateUnlessTaken;
import dev.pyfleet.kube.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesResourceUtil;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * The only place Pods and the replicas' claims are written. Creates and deletes are idempotent, so a repeated step is
 * harmless.
 */
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
            return existing == null || sameController(existing, pod) ? Created.OURS : Created.TAKEN;
        }
    }

    /** Both name the same controller (by uid); an object that nothing controls is nobody's. */
    private static boolean sameController(HasMetadata existing, HasMetadata ours) {
        OwnerReference theirs = KubernetesResourceUtil.getControllerUid(existing);
        return theirs != null && theirs.getUid().equals(KubernetesResourceUtil.getControllerUid(ours).getUid());
    }

    void delete(String namespace, String name) {
        client.pods().inNamespace(namespace).withName(name).delete();
    }

    /** Creates a replica's claim unless it exists; false when the one that exists is not the same app's. */
    boolean createClaim(PersistentVolumeClaim claim) {
        return CreateUnlessTaken.create(client.persistentVolumeClaims(), claim, Labels.APP);
    }

    /** The replica claims of an app (read from the API server: the operator caches no claims). */
    List<PersistentVolumeClaim> claims(String namespace, String app) {
        return client.persistentVolumeClaims().inNamespace(namespace).withLabel(Labels.APP, app)
                .withLabel(Labels.SLOT).list().getItems();
    }

    void deleteClaim(String namespace, String name) {
        client.persistentVolumeClaims().inNamespace(namespace).withName(name).delete();
    }
}
