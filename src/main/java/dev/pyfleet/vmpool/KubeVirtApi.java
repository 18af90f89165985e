package dev.pyfleet.vmpool;

import java.net.HttpURLConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.pyfleet.kube.CreateUnlessTaken;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.kubevirt.DataVolume;
import dev.pyfleet.kubevirt.VirtualMachine;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesResourceUtil;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * The only place VirtualMachines and their disks are written, and the checks whether KubeVirt and CDI are installed.
 */
final class KubeVirtApi {

    private final KubernetesClient client;

    KubeVirtApi(KubernetesClient client) {
        this.client = client;
    }

    boolean installed() {
        return client.apiextensions().v1().customResourceDefinitions().withName(VirtualMachine.CRD_NAME)
                .get() != null;
    }

    /**
     * Creates the VM unless one of that name exists (a stale cache, or its predecessor still going away); false when
     * the existing one is not controlled by the VM's pool, i.e. the name is taken by someone else.
     */
    boolean create(VirtualMachine vm, InformerEventSource<VirtualMachine, ?> cache) {
        var vms = client.resources(VirtualMachine.class).inNamespace(vm.getMetadata().getNamespace());
        try {
            VirtualMachine created = vms.resource(vm).create();
            cache.handleRecentResourceCreate(ResourceID.fromResource(created), created);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            VirtualMachine existing = vms.withName(vm.getMetadata().getName()).get();
            return existing == null || sameController(existing, vm);
        }
    }

    /** Both name the same controller (by uid); an object that nothing controls is nobody's. */
    private static boolean sameController(HasMetadata existing, HasMetadata ours) {
        OwnerReference theirs = KubernetesResourceUtil.getControllerUid(existing);
        return theirs != null && theirs.getUid().equals(KubernetesResourceUtil.getControllerUid(ours).getUid());
    }

    /**
     * Creates a VM user-data Secret unless it exists. Its name is its content's hash, so one that exists holds that
     * content (it cannot be changed: immutable); the operator never reads Secrets.
     */
    void createUserData(Secret secret) {
        try {
            client.secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
        }
    }

    void deleteSecret(String namespace, String name) {
        client.secrets().inNamespace(namespace).withName(name).delete();
    }

    void delete(String namespace, String name) {
        client.resources(VirtualMachine.class).inNamespace(namespace).withName(name).delete();
    }

    /** Whether CDI is installed, which a pool's persistent disks need. */
    boolean disksInstalled() {
        return client.apiextensions().v1().customResourceDefinitions().withName(DataVolume.CRD_NAME).get() != null;
    }

    /** The disks of these names as they are now (read from the API server, not a cache), by name. */
    Map<String, DataVolume> disks(String namespace, List<String> names) {
        var volumes = client.resources(DataVolume.class).inNamespace(namespace);
        Map<String, DataVolume> found = new HashMap<>();
        for (String name : names) {
            DataVolume disk = volumes.withName(name).get();
            if (disk != null) {
                found.put(name, disk);
            }
        }
        return found;
    }

    /** Creates a disk unless one of that name exists; false when that one is not the same pool's. */
    boolean createDisk(DataVolume disk) {
        return CreateUnlessTaken.create(client.resources(DataVolume.class), disk, Labels.POOL);
    }

    /**
     * Deletes a disk in the foreground: the DataVolume stays, going away, until its claim is gone (which waits for
     * the last Pod using it), so a disk made again under its name never meets the old claim.
     */
    void deleteDisk(String namespace, String name) {
        client.resources(DataVolume.class).inNamespace(namespace).withName(name)
                .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
    }
}
