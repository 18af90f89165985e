package dev.pyfleet.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pyfleet.placement.NodeSnapshot;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * The per-node totals kept from pod events equal a sum over the node's pods from scratch, after any sequence of
 * adds, updates (binding, rebinding, phase changes, new requests) and deletes, including a delete that carries a
 * stale copy of the pod (as an informer reports one it missed).
 */
class NodeTotalsTest {

    static final List<String> NODES = List.of("n0", "n1", "n2", "n3");
    static final String[] PHASES = {"Pending", "Running", "Running", "Succeeded", "Failed"};

    static Pod pod(Random random, String uid) {
        String node = random.nextInt(5) == 0 ? null : NODES.get(random.nextInt(NODES.size()));
        PodBuilder pod = new PodBuilder().withNewMetadata().withName("p-" + uid).withNamespace("demo").withUid(uid)
                .endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("c").withNewResources()
                .addToRequests("cpu", new Quantity((1 + random.nextInt(2000)) + "m"))
                .addToRequests("memory", new Quantity((1 + random.nextInt(4096)) + "Mi"))
                .endResources().endContainer().endSpec()
                .withNewStatus().withPhase(PHASES[random.nextInt(PHASES.length)]).endStatus();
        if (random.nextBoolean()) {
            pod.editMetadata().addToLabels("app.kubernetes.io/managed-by", "pyfleet")
                    .addToLabels("pyfleet.dev/app", "app-" + random.nextInt(3)).endMetadata();
        }
        return pod.build();
    }

    static Node node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus()
                .addToAllocatable("cpu", new Quantity("64")).addToAllocatable("memory", new Quantity("256Gi"))
                .endStatus().build();
    }

    static void assertTotalsMatchASumFromScratch(NodeTotals totals, Map<String, Pod> pods, String after) {
        for (String name : NODES) {
            List<Pod> here = pods.values().stream().filter(p -> name.equals(p.getSpec().getNodeName())).toList();
            NodeSnapshot fromScratch = NodeSnapshots.of(node(name), here, List.of(), Optional.empty());
            NodeSnapshot kept = NodeSnapshots.of(node(name), totals.of(name), List.of(), Optional.empty());
            assertThat(kept.requested()).as("requested on %s after %s", name, after)
                    .isEqualTo(fromScratch.requested());
            assertThat(kept.appPods()).as("pods per app on %s after %s", name, after)
                    .isEqualTo(fromScratch.appPods());
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void totalsKeptFromEventsEqualASumFromScratch(long seed) {
        Random random = new Random(seed);
        NodeTotals totals = new NodeTotals();
        Map<String, Pod> pods = new HashMap<>();
        List<String> history = new ArrayList<>();
        int next = 0;
        for (int step = 0; step < 2000; step++) {
            int op = random.nextInt(10);
            if (pods.isEmpty() || op < 4) {
                Pod pod = pod(random, "u" + next++);
                pods.put(pod.getMetadata().getUid(), pod);
                totals.put(pod);
                history.add("add " + pod.getMetadata().getUid());
            } else {
                String uid = new ArrayList<>(pods.keySet()).get(random.nextInt(pods.size()));
                if (op < 8) {
                    Pod changed = pod(random, uid);
                    pods.put(uid, changed);
                    totals.put(changed);
                    history.add("update " + uid + " on " + changed.getSpec().getNodeName() + " "
                            + changed.getStatus().getPhase());
                } else {
                    Pod gone = pods.remove(uid);
                    // Half the time the delete carries an older copy of the pod, as a missed delete does.
                    totals.remove(random.nextBoolean() ? gone : pod(random, uid));
                    history.add("delete " + uid);
                }
            }
            assertTotalsMatchASumFromScratch(totals, pods, history.get(history.size() - 1) + " (step " + step + ")");
        }
        assertThat(next).as("pods made").isGreaterThan(500);
    }

    @Test
    void aPodThatFinishesOrIsUnboundTakesNothingAndANodeLeftEmptyHasNoTotal() {
        NodeTotals totals = new NodeTotals();
        Pod running = new PodBuilder().withNewMetadata().withName("p").withNamespace("demo").withUid("u")
                .addToLabels("app.kubernetes.io/managed-by", "pyfleet").addToLabels("pyfleet.dev/app", "shop")
                .endMetadata().withNewSpec().withNodeName("n0").addNewContainer().withName("c").withNewResources()
                .addToRequests("cpu", new Quantity("500m")).endResources().endContainer().endSpec()
                .withNewStatus().withPhase("Running").endStatus().build();
        totals.put(running);
        assertThat(totals.of("n0").requested().cpuMilli()).isEqualTo(500);
        assertThat(totals.of("n0").appPods()).containsEntry("demo/shop", 1);

        Pod done = new PodBuilder(running).editStatus().withPhase("Succeeded").endStatus().build();
        totals.put(done);
        assertThat(totals.of("n0")).isEqualTo(NodeTotals.Total.NONE);

        totals.put(running);
        Pod moved = new PodBuilder(running).editSpec().withNodeName("n1").endSpec().build();
        totals.put(moved);
        assertThat(totals.of("n0")).isEqualTo(NodeTotals.Total.NONE);
        assertThat(totals.of("n1").requested().cpuMilli()).isEqualTo(500);
        totals.remove(moved);
        assertThat(totals.of("n1")).isEqualTo(NodeTotals.Total.NONE);
    }
}
