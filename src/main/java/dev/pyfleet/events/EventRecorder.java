package dev.pyfleet.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Writes core/v1 Events about PyFleet's objects, so that `kubectl describe` tells their story. */
@ApplicationScoped
public class EventRecorder {

    public static final String COMPONENT = "pyfleet-operator";
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    private static final AtomicLong SEQUENCE = new AtomicLong(System.nanoTime());

    private final KubernetesClient client;

    EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    public void record(HasMetadata about, boolean warning, String reason, String message) {
        record(about, warning ? "Warning" : "Normal", reason, message);
    }

    public void normal(HasMetadata about, String reason, String message) {
        record(about, "Normal", reason, message);
    }

    public void warning(HasMetadata about, String reason, String message) {
        record(about, "Warning", reason, message);
    }

    /** Best effort: a lost Event must never fail a reconcile. */
    private void record(HasMetadata about, String type, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        var meta = about.getMetadata();
        var event = new EventBuilder()
                .withNewMetadata()
                .withName(meta.getName() + "." + Long.toHexString(SEQUENCE.incrementAndGet()))
                .withNamespace(meta.getNamespace())
                .endMetadata()
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
            client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.debugf("event %s for %s/%s not recorded: %s", reason, meta.getNamespace(), meta.getName(),
                    e.getMessage());
        }
    }
}
