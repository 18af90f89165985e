package dev.pyfleet.status;

import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Writes core/v1 Events about PyFleet's objects, so that `kubectl describe` tells their story. The same Event about
 * the same object (type, reason and message) is one object whose {@code count} and {@code lastTimestamp} grow, as
 * kubectl shows it ("x12 over 5m"): its name is derived from what it says, so a repeat after a restart, or from
 * another replica, finds it too.
 */
@ApplicationScoped
public class EventRecorder {

    public static final String COMPONENT = "pyfleet-operator";
    /** How many recent Events' counts are remembered, so that a repeat costs one patch instead of a read. */
    static final int REMEMBERED = 1024;
    /** Longest object name that leaves room for the suffix in an Event's name (253 characters at most). */
    private static final int NAME_PREFIX = 253 - 1 - 16;
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final Clock clock;
    private final Map<String, Integer> counts = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > REMEMBERED;
                }
            });

    @Inject
    public EventRecorder(KubernetesClient client) {
        this(client, Clock.systemUTC());
    }

    EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** Records what one reconcile decided to tell, in order. */
    public void record(HasMetadata about, List<Event> events) {
        events.forEach(e -> record(about, e));
    }

    public void record(HasMetadata about, Event event) {
        record(about, event.warning() ? "Warning" : "Normal", event.reason(), event.message());
    }

    public void normal(HasMetadata about, String reason, String message) {
        record(about, "Normal", reason, message);
    }

    public void warning(HasMetadata about, String reason, String message) {
        record(about, "Warning", reason, message);
    }

    /** Best effort: a lost Event must never fail a reconcile. */
    private void record(HasMetadata about, String type, String reason, String message) {
        var meta = about.getMetadata();
        String name = eventName(about, type, reason, message);
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            Integer count = counts.get(name);
            if (count == null || !increment(namespaceOf(about), name, count + 1, now)) {
                create(about, name, type, reason, message, now);
            }
        } catch (KubernetesClientException e) {
            counts.remove(name);
            LOG.debugf("event %s for %s/%s not recorded: %s", reason, meta.getNamespace(), meta.getName(),
                    e.getMessage());
        }
    }

    private void create(HasMetadata about, String name, String type, String reason, String message, String now) {
        var meta = about.getMetadata();
        var event = new EventBuilder()
                .withNewMetadata().withName(name).withNamespace(namespaceOf(about)).endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(about.getApiVersion()).withKind(about.getKind()).withName(meta.getName())
                .withNamespace(meta.getNamespace()).withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion())
                .endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(namespaceOf(about)).resource(event).create();
            counts.put(name, 1);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            // Told before by a process that did not remember it: count on from what the API server has.
            var existing = client.v1().events().inNamespace(namespaceOf(about)).withName(name).get();
            int count = existing == null || existing.getCount() == null ? 1 : existing.getCount();
            // Gone again in between (it expired): this one Event is lost, as Events may be.
            increment(namespaceOf(about), name, count + 1, now);
        }
    }

    /** Where the Event goes: the object's namespace, or "default" for a cluster-scoped one, as kubectl looks there. */
    static String namespaceOf(HasMetadata about) {
        String namespace = about.getMetadata().getNamespace();
        return namespace == null || namespace.isEmpty() ? "default" : namespace;
    }

    /** Sets the Event's count and last time; false where it is gone (Events expire), so it is made anew. */
    private boolean increment(String namespace, String name, int count, String now) {
        try {
            client.v1().events().inNamespace(namespace).withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE),
                            "{\"count\":" + count + ",\"lastTimestamp\":\"" + now + "\"}");
            counts.put(name, count);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                counts.remove(name);
                return false;
            }
            throw e;
        }
    }

    /** The object's name and a hash of what the Event says about which instance of it. */
    static String eventName(HasMetadata about, String type, String reason, String message) {
        var meta = about.getMetadata();
        String objectName = meta.getName().length() > NAME_PREFIX ? meta.getName().substring(0, NAME_PREFIX)
                : meta.getName();
        return objectName + "." + hash(about.getKind() + "\n" + meta.getUid() + "\n" + type + "\n" + reason + "\n"
                + message);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
