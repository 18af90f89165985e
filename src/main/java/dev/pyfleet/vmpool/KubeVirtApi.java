package dev.pyfleet.vmpool;

import java.net.HttpURLConnection;

import dev.pyfleet.kubevirt.VirtualMachine;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/** The only place VirtualMachines are written, and the check whether KubeVirt is installed at all. */
final class KubeVirtApi {

    private final KubernetesClient client;

    KubeVirtApi(KubernetesClient client) {
        this.client = client;
    }

    boolean installed() {
        return client.apiextensions().v1().customResourceDefinitions().withName(VirtualMachine.CRD_NAME)
                .get() != null;
    }

    /** Creates the VM unless one of that name exists (a stale cache, or its predecessor still going away). */
    void create(VirtualMachine vm, InformerEventSource<VirtualMachine, ?> cache) {
        try {
            VirtualMachine created = client.resources(VirtualMachine.class)
                    .inNamespace(vm.getMetadata().getNamespace()).resource(vm).create();
            cache.handleRecentResourceCreate(ResourceID.fromResource(created), created);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
        }
    }

    void delete(String namespace, String name) {
        client.resources(VirtualMachine.class).inNamespace(namespace).withName(name).delete();
    }
}
