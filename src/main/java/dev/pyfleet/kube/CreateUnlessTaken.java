package dev.pyfleet.kube;

import java.net.HttpURLConnection;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;

/**
 * Creating an object PyFleet names itself (a replica's claim, a VM's disk), where one of that name may exist already:
 * made by an earlier step whose answer was lost, or by someone else.
 */
public final class CreateUnlessTaken {

    private CreateUnlessTaken() {
    }

    /**
     * Creates the object unless one of its name exists; false when the one that exists is not PyFleet's for the same
     * owner, i.e. its {@code ownerLabel} (such as {@link Labels#APP} or {@link Labels#POOL}) names another.
     */
    public static <T extends HasMetadata> boolean create(MixedOperation<T, ?, ? extends Resource<T>> kind, T object,
            String ownerLabel) {
        var namespaced = kind.inNamespace(object.getMetadata().getNamespace());
        try {
            namespaced.resource(object).create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            T existing = namespaced.withName(object.getMetadata().getName()).get();
            if (existing == null) {
                return true;
            }
            Map<String, String> theirs = existing.getMetadata().getLabels();
            return Labels.managedByPyFleet(theirs)
                    && object.getMetadata().getLabels().get(ownerLabel).equals(theirs.get(ownerLabel));
        }
    }
}
