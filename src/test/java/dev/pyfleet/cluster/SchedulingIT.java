package dev.pyfleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pyfleet.testing.ClusterNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/** Both schedulers bind Pods to the fake nodes, and KWOK runs what they bind. */
class SchedulingIT {

    @RegisterExtension
    static final ClusterNamespace cluster = ClusterNamespace.named("sched");

    @ParameterizedTest
    @ValueSource(strings = {"pyfleet-scheduler", "default-scheduler"})
    void podIsBoundToAFakeNodeAndRuns(String schedulerName) {
        Pod pod = new PodBuilder().withNewMetadata().withName("probe-" + schedulerName).endMetadata()
                .withNewSpec().withSchedulerName(schedulerName)
                .addNewContainer().withName("app").withImage("python:3.12-slim")
                .withNewResources().addToRequests("cpu", new Quantity("100m"))
                .endResources().endContainer()
                .endSpec().build();
        var resource = cluster.client().pods().inNamespace(cluster.namespace()).resource(pod);
        resource.create();

        Pod running = resource.waitUntilCondition(p -> p != null && "Running".equals(p.getStatus().getPhase())
                && p.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")),
                90, TimeUnit.SECONDS);

        assertThat(running.getSpec().getNodeName()).startsWith("kwok-node-");
        var scheduledEvents = cluster.client().v1().events().inNamespace(cluster.namespace())
                .withField("involvedObject.name", pod.getMetadata().getName()).list().getItems().stream()
                .filter(e -> "Scheduled".equals(e.getReason())).toList();
        assertThat(scheduledEvents).isNotEmpty()
                .allMatch(e -> schedulerName.equals(e.getSource().getComponent())
                        || schedulerName.equals(e.getReportingComponent()));
    }
}
