package dev.pyfleet.kube;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.cfg.HandlerInstantiator;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;

/**
 * Reads the object of a watch event straight into its class. The client's own reader first builds a tree of the
 * whole object to find its kind, then binds the tree: twice the work and more than twice the garbage for every
 * event of every watch. The API server writes {@code kind} and {@code apiVersion} as an object's first two fields
 * (the Go structs embed them first; custom resources are written with sorted keys), so this reader takes them, looks
 * the class up where the client's reader does, and binds the rest of the object as it streams by. Any other shape (a
 * different order, an array, a kind the client does not know) is handed to the client's reader as it was read, so
 * what comes out is the same in every case.
 */
public final class WatchedObjectDeserializer extends JsonDeserializer<KubernetesResource>
        implements ContextualDeserializer {

    private static final String KIND = "kind";
    private static final String API_VERSION = "apiVersion";

    /** The client's reader, found once when Jackson sets this reader up for its mapper (null before that). */
    private final KubernetesDeserializer clientsReader;

    public WatchedObjectDeserializer() {
        this(null);
    }

    private WatchedObjectDeserializer(KubernetesDeserializer clientsReader) {
        this.clientsReader = clientsReader;
    }

    @Override
    public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
        return clientsReader != null ? this : new WatchedObjectDeserializer(findClientsReader(ctxt));
    }

    @Override
    public KubernetesResource deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        KubernetesDeserializer kinds = clientsReader != null ? clientsReader : findClientsReader(ctxt);
        if (!p.isExpectedStartObjectToken()) {
            return kinds.deserialize(p, ctxt);
        }
        TokenBuffer head = ctxt.bufferForInputBuffering(p);
        head.writeStartObject();
        String kind = null;
        String apiVersion = null;
        boolean ended = false;
        for (int field = 0; field < 2; field++) {
            String name = p.nextFieldName();
            if (name == null) {
                ended = true;
                break;
            }
            head.writeFieldName(name);
            if (p.nextToken() == JsonToken.VALUE_STRING && (KIND.equals(name) || API_VERSION.equals(name))) {
                head.writeString(p.getText());
                if (KIND.equals(name)) {
                    kind = p.getText();
                } else {
                    apiVersion = p.getText();
                }
            } else {
                head.copyCurrentStructure(p);
                break;
            }
        }
        Class<? extends KubernetesResource> type = kind == null || apiVersion == null ? null
                : kinds.getRegisteredKind(apiVersion, kind);
        if (type == null || type == GenericKubernetesResource.class) {
            return kinds.deserialize(replay(head, p, ended), ctxt);
        }
        p.nextToken(); // the third field's name, or the object's end
        KubernetesResource object = (KubernetesResource) ctxt.findRootValueDeserializer(ctxt.constructType(type))
                .deserialize(p, ctxt);
        if (object instanceof HasMetadata resource && !apiVersion.equals(resource.getApiVersion())) {
            resource.setApiVersion(apiVersion);
        }
        return object;
    }

    /**
     * What was read of the object so far and then the rest of it (unless its end was read already), as one parser
     * positioned at its start.
     */
    private static JsonParser replay(TokenBuffer head, JsonParser p, boolean ended) throws IOException {
        if (!ended) {
            while (p.nextToken() != JsonToken.END_OBJECT) {
                head.copyCurrentStructure(p);
            }
        }
        head.writeEndObject();
        JsonParser replay = head.asParser(p.getCodec());
        replay.nextToken();
        return replay;
    }

    /** The client's reader of kinds, which knows every class registered with the client (custom resources too). */
    private static KubernetesDeserializer findClientsReader(DeserializationContext ctxt) {
        HandlerInstantiator instantiator = ctxt.getConfig().getHandlerInstantiator();
        JsonDeserializer<?> reader = instantiator == null ? null
                : instantiator.deserializerInstance(ctxt.getConfig(), null, KubernetesDeserializer.class);
        if (reader instanceof KubernetesDeserializer kinds) {
            return kinds;
        }
        throw new IllegalStateException("the Kubernetes client's mapper has no reader of kinds");
    }
}
