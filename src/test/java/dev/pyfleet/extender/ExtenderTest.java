package dev.pyfleet.extender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.placement.Resources;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The extender's verbs over an in-memory view: here, what it answers before it has read the cluster's Pods. */
class ExtenderTest {

    static final long GI = 1L << 30;

    @Test
    void aPyFleetPodIsNotPlacedBeforeThePodCacheIsSynced() {
        View view = new View(false);
        Extender extender = new Extender(view, new ExtenderMetrics(new SimpleMeterRegistry()));

        ExtenderProtocol.FilterResult result = extender.filter(args(pod(true)));

        assertThat(result.error()).isEqualTo(Extender.NOT_SYNCED);
        assertThat(result.nodeNames()).as("no node is offered").isNull();
        assertThat(view.assumed).as("nothing is counted on a node").isEmpty();
    }

    @Test
    void nodesAreNotRankedBeforeThePodCacheIsSynced() {
        View view = new View(false);
        Extender extender = new Extender(view, new ExtenderMetrics(new SimpleMeterRegistry()));

        assertThatThrownBy(() -> extender.prioritize(args(pod(true))))
                .isInstanceOf(Extender.NotSyncedException.class).hasMessage(Extender.NOT_SYNCED);
        assertThat(view.assumed).isEmpty();
    }

    @Test
    void onceSyncedTheSamePodIsPlaced() {
        View view = new View(true);
        Extender extender = new Extender(view, new ExtenderMetrics(new SimpleMeterRegistry()));

        ExtenderProtocol.FilterResult result = extender.filter(args(pod(true)));

        assertThat(result.error()).isEmpty();
        assertThat(result.nodeNames()).containsExactly("node-0");
    }

    @Test
    void podsNotPyFleetsPassThroughWhetherSyncedOrNot() {
        Extender extender = new Extender(new View(false), new ExtenderMetrics(new SimpleMeterRegistry()));

        ExtenderProtocol.FilterResult result = extender.filter(args(pod(false)));

        assertThat(result.error()).isEmpty();
        assertThat(result.nodeNames()).containsExactly("node-0");
    }

    private static ExtenderProtocol.Args args(Pod pod) {
        return new ExtenderProtocol.Args(pod, null, List.of("node-0"));
    }

    private static Pod pod(boolean pyfleets) {
        Map<String, String> labels = pyfleets
                ? Map.of("app.kubernetes.io/managed-by", "pyfleet", "pyfleet.dev/app", "web")
                : Map.of("app", "other");
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u").withLabels(labels)
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("i").withNewResources()
                .addToRequests(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("1Gi"))).endResources()
                .endContainer().endSpec().build();
    }

    /** One empty 4-CPU node; synced or not as told. */
    private static final class View implements NodeSource {

        final boolean synced;
        final List<String> assumed = new ArrayList<>();

        View(boolean synced) {
            this.synced = synced;
        }

        @Override
        public List<NodeSnapshot> snapshot(Collection<String> names) {
            return List.of(new NodeSnapshot("node-0", new Resources(4_000, 16 * GI, 110, 0), Resources.NONE,
                    Optional.empty(), List.of(), Map.of(), false, Map.of()));
        }

        @Override
        public void assume(String podUid, PodRequest pod, String node) {
            assumed.add(podUid + "@" + node);
        }

        @Override
        public boolean synced() {
            return synced;
        }
    }
}
