package dev.pyfleet.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer store that keeps objects without {@code metadata.managedFields}, which is often the larger part of a
 * cached Pod or Node. Only for caches of objects that PyFleet reads or creates, never server-side applies: the SDK's
 * apply matching needs the managed fields of what it applies.
 */
public final class PrunedItemStore<T extends HasMetadata> extends BasicItemStore<T> {

    public PrunedItemStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public T put(String key, T object) {
        if (object.getMetadata() != null) {
            object.getMetadata().setManagedFields(null);
        }
        return super.put(key, object);
    }
}
