package dev.pyfleet.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.pyfleet.testing.ClusterNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;

/**
 * A failure told again and again leaves one Event whose count grows, on the real API server: also when the telling
 * process restarted in between (it remembers nothing), and apart from an Event that says something else.
 */
class EventAggregationIT {

    @RegisterExtension
    static final ClusterNamespace cluster = ClusterNamespace.named("events");

    @Test
    void aRepeatedEventIsOneObjectWhoseCountGrowsAcrossRestarts() {
        ConfigMap about = cluster.client().configMaps().inNamespace(cluster.namespace())
                .resource(new ConfigMapBuilder().withNewMetadata().withName("shop").endMetadata()
                        .withData(Map.of("k", "v")).build()).create();

        EventRecorder recorder = new EventRecorder(cluster.client());
        for (int i = 0; i < 25; i++) {
            recorder.warning(about, "ReconcileError", "HTTP 403: exceeded quota");
        }
        new EventRecorder(cluster.client()).warning(about, "ReconcileError", "HTTP 403: exceeded quota");
        recorder.normal(about, "RolloutComplete", "revision r1: 2 of 2 Pods available");

        List<Event> events = cluster.client().v1().events().inNamespace(cluster.namespace())
                .withField("involvedObject.name", "shop").list().getItems();
        assertThat(events).as("one object per distinct Event, not one per repeat").hasSize(2);
        Event failure = events.stream().filter(e -> "ReconcileError".equals(e.getReason())).findFirst().orElseThrow();
        assertThat(failure.getCount()).isEqualTo(26);
        assertThat(failure.getType()).isEqualTo("Warning");
        assertThat(failure.getInvolvedObject().getUid()).isEqualTo(about.getMetadata().getUid());
        assertThat(failure.getFirstTimestamp()).isNotNull();
        assertThat(failure.getLastTimestamp()).isNotNull();
        Event rollout = events.stream().filter(e -> "RolloutComplete".equals(e.getReason())).findFirst()
                .orElseThrow();
        assertThat(rollout.getCount()).isEqualTo(1);
    }
}
