package dev.pyfleet.rebalancing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.Rebalance;
import dev.pyfleet.api.v1alpha1.RebalanceSpec;
import dev.pyfleet.api.v1alpha1.RebalanceStatus;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.FakeNodes;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * A Rebalance on the real control plane: the real pyfleet-scheduler calling the operator's extender, KWOK nodes, and
 * apps whose PodDisruptionBudgets allow one Pod down at a time. Each test spreads two apps over four fresh 4-CPU
 * nodes of its own (2 Pods on each, 1.5 CPU), which fit on two: the plan frees two nodes with four moves.
 */
class RebalanceIT {

    static final int REPLICAS = 4;
    static final int MIN_AVAILABLE = 3;

    static ControlPlane cluster;
    static int port;
    static OperatorProcess operator;
    static KubernetesClient client;
    TestNamespace namespace;
    String pool;
    ReadyCensus census;

    @BeforeAll
    static void start() {
        port = OperatorProcess.freePort();
        cluster = ControlPlane.withExtenderAt("rebalance", port, "--nodes", "1");
        operator = new OperatorProcess(cluster.kubeconfig(), port);
        operator.awaitReady(Duration.ofSeconds(60));
        client = cluster.newClient();
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void fragmentedFleet() {
        namespace = new TestNamespace(client, "rebalance");
        pool = namespace.name();
        FakeNodes.create(client, pool, 4, Map.of("pyfleet.dev/test-pool", pool), "4", "16Gi");
        census = new ReadyCensus(client, namespace.name());
        app("web", "1");
        app("api", "500m");
        Awaitility.await("both apps Ready, spread one Pod of each per node").atMost(Duration.ofSeconds(120))
                .until(() -> ready("web") && ready("api") && podsPerNode().size() == 4);
    }

    @AfterEach
    void tearDown() {
        census.close();
        client.resources(Rebalance.class).withName(pool).delete();
        namespace.close();
        FakeNodes.delete(client, pool, 4);
    }

    @Test
    void aPlanIsShownBeforeAnythingMovesThenAppliedWithinTheBudgets() {
        Map<String, String> uidsBefore = uids();
        rebalance("Plan", 2);
        Rebalance planned = await("Planned", r -> "Planned".equals(phase(r)));
        RebalanceStatus.Plan plan = planned.getStatus().plan();
        assertThat(plan.objectivePlanned()).as(plan.message()).isEqualTo(plan.objectiveNow() - 2);
        assertThat(plan.moves()).hasSize(4).allSatisfy(m -> assertThat(m.state()).isEqualTo("Pending"));
        assertThat(plan.nodesFreed()).hasSize(2);
        assertThat(uids()).as("a plan alone moves nothing").isEqualTo(uidsBefore);

        client.resources(Rebalance.class).withName(pool).edit(r -> withAction(r, "Apply"));
        Rebalance applied = await("Applied", r -> "Applied".equals(phase(r)));
        assertThat(applied.getStatus().plan().moves()).as(applied.getStatus().progress())
                .allSatisfy(m -> assertThat(m.state()).as(m.message()).isEqualTo("Moved"));
        assertFreedAndWhole(applied.getStatus().plan());
        assertThat(census.fewestReady()).as("fewest Ready Pods of each app at any moment")
                .containsOnlyKeys("web", "api").allSatisfy((app, fewest) -> assertThat(fewest)
                        .isGreaterThanOrEqualTo(MIN_AVAILABLE));
        assertThat(census.podsPerApp()).as("Pods each app has had: its replicas and one per move")
                .isEqualTo(movesPerApp(applied.getStatus().plan(), REPLICAS));
        // A cluster-scoped object's Events are in "default", where kubectl describe looks for them.
        Awaitility.await("Planned and Applied Events").atMost(Duration.ofSeconds(30)).until(() -> client.v1()
                .events().inNamespace("default").list().getItems().stream()
                .filter(e -> pool.equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList()
                .containsAll(List.of("Planned", "Applied")));
    }

    @Test
    void anOperatorKilledMidApplyResumesAndRepeatsNoMove() throws Exception {
        rebalance("Apply", 1);
        await("one move made", r -> r.getStatus() != null && r.getStatus().plan() != null
                && r.getStatus().plan().moves().stream().anyMatch(m -> "Moved".equals(m.state())));
        operator.kill();
        operator = new OperatorProcess(cluster.kubeconfig(), port);
        operator.awaitReady(Duration.ofSeconds(90));

        Rebalance applied = await("Applied after the restart", r -> "Applied".equals(phase(r)));
        assertThat(applied.getStatus().plan().moves()).as(applied.getStatus().progress())
                .allSatisfy(m -> assertThat(m.state()).as(m.message()).isEqualTo("Moved"));
        assertFreedAndWhole(applied.getStatus().plan());
        assertThat(census.podsPerApp()).as("Pods each app has had: its replicas and one per move, none twice")
                .isEqualTo(movesPerApp(applied.getStatus().plan(), REPLICAS));
        assertThat(census.fewestReady()).allSatisfy((app, fewest) -> assertThat(fewest)
                .isGreaterThanOrEqualTo(MIN_AVAILABLE));
    }

    /** A plan the last operator began and never finished is reported at the next start, not begun again. */
    @Test
    void aPlanFoundUnfinishedAtStartIsReportedNotRetried() throws Exception {
        operator.kill();
        rebalance("Plan", 1);
        Rebalance created = client.resources(Rebalance.class).withName(pool).get();
        created.setStatus(new RebalanceStatus(created.getMetadata().getGeneration(), "Planning",
                PlanStatus.planning(PlanStatus.digest(created.getSpec()), java.time.Instant.now()), null, null));
        client.resource(created).updateStatus();
        operator = new OperatorProcess(cluster.kubeconfig(), port);
        operator.awaitReady(Duration.ofSeconds(90));

        Rebalance interrupted = await("Interrupted", r -> "Interrupted".equals(phase(r)));
        assertThat(interrupted.getStatus().plan().moves()).isEmpty();
        assertThat(interrupted.getStatus().plan().message()).contains("stopped while planning");
        Thread.sleep(5000);
        assertThat(phase(client.resources(Rebalance.class).withName(pool).get())).as("not planned again by itself")
                .isEqualTo("Interrupted");

        client.resources(Rebalance.class).withName(pool).edit(r -> {
            r.setSpec(new RebalanceSpec(r.getSpec().objective(), r.getSpec().scope(), 6, r.getSpec().maxInFlight(),
                    r.getSpec().action(), r.getSpec().solverTimeLimitSeconds()));
            return r;
        });
        await("planned once the spec changed", r -> "Planned".equals(phase(r)));
    }

    /** Per app name: {@code replicas} plus the plan's moves of its Pods. */
    private static Map<String, Integer> movesPerApp(RebalanceStatus.Plan plan, int replicas) {
        Map<String, Integer> pods = new HashMap<>(Map.of("web", replicas, "api", replicas));
        plan.moves().forEach(m -> pods.merge(m.app().substring(m.app().indexOf('/') + 1), 1, Integer::sum));
        return pods;
    }

    /** The freed nodes run none of the apps' Pods; each app is Ready with its replicas, all its own. */
    private void assertFreedAndWhole(RebalanceStatus.Plan plan) {
        Awaitility.await("apps Ready after the moves").atMost(Duration.ofSeconds(120))
                .untilAsserted(() -> assertThat(ready("web") && ready("api")).as(this::describe).isTrue());
        List<Pod> pods = client.pods().inNamespace(namespace.name()).list().getItems();
        assertThat(pods).hasSize(2 * REPLICAS).allSatisfy(p -> {
            assertThat(plan.nodesFreed()).doesNotContain(p.getSpec().getNodeName());
            assertThat(p.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getKind()).isEqualTo("PythonApp"));
        });
        assertThat(podsPerNode()).hasSize(2);
    }

    private void app(String name, String cpu) {
        PythonApps.create(client, namespace.name(), """
                metadata: {name: %s}
                spec:
                  image: ghcr.io/acme/%s:1
                  process: {type: wsgi, module: "app:app"}
                  replicas: %d
                  resources: {requests: {cpu: "%s", memory: 256Mi}}
                  placement: {strategy: Spread, nodeSelector: {pyfleet.dev/test-pool: %s}}
                  disruptionBudget: {minAvailable: %d}
                """.formatted(name, name, REPLICAS, cpu, pool, MIN_AVAILABLE));
    }

    private void rebalance(String action, int maxInFlight) {
        client.resource(client.getKubernetesSerialization().unmarshal("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: Rebalance
                metadata: {name: %s}
                spec:
                  objective: FewestNodes
                  scope: {namespaces: [%s]}
                  maxMoves: 8
                  maxInFlight: %d
                  action: %s
                  solverTimeLimitSeconds: 10
                """.formatted(pool, namespace.name(), maxInFlight, action), Rebalance.class)).create();
    }

    private static Rebalance withAction(Rebalance rebalance, String action) {
        var spec = rebalance.getSpec();
        rebalance.setSpec(new RebalanceSpec(spec.objective(), spec.scope(), spec.maxMoves(), spec.maxInFlight(),
                RebalanceSpec.Action.valueOf(action), spec.solverTimeLimitSeconds()));
        return rebalance;
    }

    private Rebalance await(String what, Predicate<Rebalance> until) {
        Awaitility.await(what).atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> until.test(client.resources(Rebalance.class).withName(pool).get()));
        return client.resources(Rebalance.class).withName(pool).get();
    }

    private static String phase(Rebalance rebalance) {
        return rebalance == null || rebalance.getStatus() == null ? null : rebalance.getStatus().phase();
    }

    private boolean ready(String app) {
        PythonApp found = client.resources(PythonApp.class).inNamespace(namespace.name()).withName(app).get();
        return found != null && PythonApps.conditionIs("Ready", "True").test(found)
                && PythonApps.pods(client, namespace.name(), app).stream().filter(PythonApps::isReady)
                        .count() == REPLICAS;
    }

    /** The apps' Ready conditions and their Pods, for a failure message. */
    private String describe() {
        StringBuilder text = new StringBuilder();
        client.resources(PythonApp.class).inNamespace(namespace.name()).list().getItems().forEach(a -> text.append(
                a.getMetadata().getName()).append(": ").append(PythonApps.condition(a, "Ready")).append('\n'));
        client.pods().inNamespace(namespace.name()).list().getItems().forEach(p -> text.append(p.getMetadata()
                .getName()).append(" on ").append(p.getSpec().getNodeName()).append(" ready=")
                .append(PythonApps.isReady(p)).append(p.getMetadata().getDeletionTimestamp() == null ? "" : " deleting")
                .append('\n'));
        String log = operator.log();
        return text.append("operator log, last lines:\n").append(log.substring(Math.max(0, log.length() - 4000)))
                .toString();
    }

    private Map<String, Long> podsPerNode() {
        Map<String, Long> perNode = new HashMap<>();
        client.pods().inNamespace(namespace.name()).list().getItems().stream()
                .filter(p -> p.getSpec().getNodeName() != null)
                .forEach(p -> perNode.merge(p.getSpec().getNodeName(), 1L, Long::sum));
        return perNode;
    }

    private Map<String, String> uids() {
        Map<String, String> uids = new HashMap<>();
        client.pods().inNamespace(namespace.name()).list().getItems()
                .forEach(p -> uids.put(p.getMetadata().getName(), p.getMetadata().getUid()));
        return uids;
    }

    /**
     * Watches the namespace's Pods from before anything moves: the fewest Ready Pods (not being deleted) each app
     * had at any state seen, and how many Pods (uids) each app has had.
     */
    static final class ReadyCensus implements AutoCloseable {

        private final Map<String, Pod> pods = new HashMap<>();
        private final Map<String, Integer> fewest = new ConcurrentHashMap<>();
        private final Map<String, Set<String>> uidsOfApp = new ConcurrentHashMap<>();
        private final SharedIndexInformer<Pod> informer;

        ReadyCensus(KubernetesClient client, String namespace) {
            informer = client.pods().inNamespace(namespace).inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod pod) {
                    seen(pod, false);
                }

                @Override
                public void onUpdate(Pod before, Pod pod) {
                    seen(pod, false);
                }

                @Override
                public void onDelete(Pod pod, boolean finalStateUnknown) {
                    seen(pod, true);
                }
            });
        }

        private synchronized void seen(Pod pod, boolean deleted) {
            String name = pod.getMetadata().getName();
            uidsOfApp.computeIfAbsent(pod.getMetadata().getLabels().get("pyfleet.dev/app"),
                    a -> ConcurrentHashMap.newKeySet()).add(pod.getMetadata().getUid());
            if (deleted) {
                pods.remove(name);
            } else {
                pods.put(name, pod);
            }
            Map<String, Integer> ready = new HashMap<>();
            pods.values().forEach(p -> ready.merge(p.getMetadata().getLabels().get("pyfleet.dev/app"),
                    PythonApps.isReady(p) && p.getMetadata().getDeletionTimestamp() == null ? 1 : 0, Integer::sum));
            // Only once an app has been whole: before that it is still starting, not disrupted.
            ready.forEach((app, count) -> fewest.compute(app, (a, least) -> {
                if (least == null) {
                    return count == REPLICAS ? count : null;
                }
                return Math.min(least, count);
            }));
        }

        Map<String, Integer> fewestReady() {
            return Map.copyOf(fewest);
        }

        Map<String, Integer> podsPerApp() {
            Map<String, Integer> counts = new HashMap<>();
            uidsOfApp.forEach((app, seen) -> counts.put(app, seen.size()));
            return counts;
        }

        @Override
        public void close() {
            informer.close();
        }
    }
}
