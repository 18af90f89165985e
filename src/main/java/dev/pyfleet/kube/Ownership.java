package dev.pyfleet.kube;

import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/**
 * The owner reference PyFleet puts on everything it creates: the custom resource as controller, blocking its
 * deletion until the object is gone, so tools that follow controllers find it and garbage collection removes it.
 */
public final class Ownership {

    private Ownership() {
    }

    public static OwnerReference controlledBy(HasMetadata owner) {
        return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    /** Metadata of an object that its owner keeps under the owner's own name (an app's Service, its budget). */
    public static ObjectMeta namedAfter(HasMetadata owner, Map<String, String> labels) {
        return new ObjectMetaBuilder().withName(owner.getMetadata().getName())
                .withNamespace(owner.getMetadata().getNamespace()).withLabels(labels)
                .withOwnerReferences(controlledBy(owner)).build();
    }
}
