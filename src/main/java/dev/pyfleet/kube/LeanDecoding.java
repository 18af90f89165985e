package dev.pyfleet.kube;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;

/**
 * How the operator's client reads what its watches bring: every change of every Pod and Node of the cluster, each in
 * full, a large part of the operator's work in a large fleet.
 * <ul>
 * <li>Pods and Nodes are read without their {@code metadata.managedFields}: the parser steps over them instead of
 * building them. They are the larger part of a Pod; PyFleet reads them for neither kind and writes neither by
 * server-side apply, which is what needs them. Other kinds keep them.
 * <li>A watch event's object is bound as it streams by rather than through a tree of it first
 * ({@link WatchedObjectDeserializer}).
 * </ul>
 */
@Singleton
public class LeanDecoding implements KubernetesClientObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        forClient(mapper);
    }

    /** What the operator's client reads with: both of the above; for tests and tools to read the same way. */
    public static ObjectMapper forClient(ObjectMapper mapper) {
        return withoutManagedFields(mapper).addMixIn(WatchEvent.class, StreamedWatchEvent.class);
    }

    /** Pods and Nodes without their managed fields, for any mapper that reads them. */
    public static ObjectMapper withoutManagedFields(ObjectMapper mapper) {
        return mapper.addMixIn(Pod.class, WithoutManagedFields.class).addMixIn(Node.class,
                WithoutManagedFields.class);
    }

    /** Names the one field of both kinds it changes, so Jackson applies its annotation there. */
    abstract static class WithoutManagedFields {
        @JsonIgnoreProperties("managedFields")
        ObjectMeta metadata;
    }

    /** The field and its setter: the client's model names its own reader on both, and the setter's wins. */
    abstract static class StreamedWatchEvent {
        @JsonDeserialize(using = WatchedObjectDeserializer.class)
        Object object;

        @JsonDeserialize(using = WatchedObjectDeserializer.class)
        abstract void setObject(Object object);
    }
}
