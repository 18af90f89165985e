package dev.pyfleet.kube;

import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer store that keeps objects without {@code metadata.managedFields}, which is often the larger part of a
 * cached Pod or Node, or, given a projection, only what the projection keeps of each object (a new object: the
 * informer's handlers still see the whole one). Only for caches of objects that PyFleet reads or creates, never
 * server-side applies: the SDK's apply matching needs the managed fields of what it applies.
 */
public final class PrunedItemStore<T extends HasMetadata> extends BasicItemStore<T> {

    private final UnaryOperator<T> projection;

    public PrunedItemStore() {
        this(null);
    }

    /** @param projection what to keep of each object; it must keep name, namespace and resourceVersion */
    public PrunedItemStore(UnaryOperator<T> projection) {
        super(Cache::metaNamespaceKeyFunc);
        this.projection = projection;
    }

    /**
     * The metadata every projection keeps: what the store and the SDK key and compare objects by (name, namespace,
     * uid, resourceVersion, generation).
     */
    public static ObjectMeta identity(ObjectMeta meta) {
        return new ObjectMetaBuilder().withName(meta.getName()).withNamespace(meta.getNamespace())
                .withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion())
                .withGeneration(meta.getGeneration()).build();
    }

    @Override
    public T put(String key, T object) {
        if (projection != null) {
            return super.put(key, projection.apply(object));
        }
        if (object.getMetadata() != null) {
            object.getMetadata().setManagedFields(null);
        }
        return super.put(key, object);
    }
}
