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
import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.kubevirt.VirtualMachineInstance;
import dev.pyfleet.kubevirt.VirtualMachineInstanceMigration;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.FakeVirtController;
import dev.pyfleet.testing.Inputs;
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
        Inputs.require(cluster.installKubeVirt(), "KubeVirt's CRDs are not at " + ControlPlane.kubeVirtFixtures());
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
        // Killed with a move under way whose replacement the extender has already placed: a replacement scheduled
        // while no extender answers is placed by kube-scheduler alone (PyFleet's extender is ignorable), which is
        // not what this test is about.
        await("one move made, the next under way and its replacement placed", r -> r.getStatus() != null
                && r.getStatus().plan() != null
                && r.getStatus().plan().moves().stream().anyMatch(m -> "Moved".equals(m.state()))
                && r.getStatus().plan().moves().stream().anyMatch(m -> "InFlight".equals(m.state())
                        && replacementPlaced(m)));
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
                    r.getSpec().action(), r.getSpec().solverTimeLimitSeconds(), r.getSpec().vmMoves()));
            return r;
        });
        await("planned once the spec changed", r -> "Planned".equals(phase(r)));
    }

    /**
     * A pool's VMs move by live migration, each instance (same uid) ending on its planned node while its guest runs
     * on; a VM KubeVirt cannot migrate stays where it is, and the plan packs the others around it. The apps make way
     * first: four 1-core VMs, one per node, fit on one node.
     */
    @Test
    void vmsMoveByLiveMigrationAndOneThatCannotMigrateStays() throws Exception {
        FakeVirtController kubeVirt = new FakeVirtController(client, namespace.name());
        Map<String, String> instanceUids = vmFleet(kubeVirt, true, true, true, false);
        String stays = instanceUids.keySet().stream().sorted().toList().get(3);

        try (AutoCloseable moves = kubeVirt.moves()) {
            rebalance("Apply", 1);
            Rebalance applied = await("Applied", r -> "Applied".equals(phase(r)));
            RebalanceStatus.Plan plan = applied.getStatus().plan();
            assertThat(plan.moves()).as(plan.message()).hasSize(3).allSatisfy(m -> {
                assertThat(m.kind()).isEqualTo("VirtualMachine");
                assertThat(m.name()).isNotEqualTo(stays);
                assertThat(m.to()).isEqualTo(pool + "-3");
                assertThat(m.state()).as(m.message()).isEqualTo("Moved");
                assertThat(m.uid()).isEqualTo(instanceUids.get(m.name()));
            });
            assertThat(plan.nodesFreed()).containsExactlyInAnyOrder(pool + "-0", pool + "-1", pool + "-2");
        }
        assertThat(client.resources(VirtualMachineInstance.class).inNamespace(namespace.name()).list().getItems())
                .as("every instance the one it was (migrated live, not restarted), on the node kept")
                .hasSize(4).allSatisfy(vmi -> {
                    assertThat(vmi.getMetadata().getUid()).isEqualTo(instanceUids.get(vmi.getMetadata().getName()));
                    assertThat(vmi.getStatus().nodeName()).isEqualTo(pool + "-3");
                });
        assertThat(client.resources(VirtualMachineInstanceMigration.class).inNamespace(namespace.name()).list()
                .getItems()).as("one migration per move, each Succeeded").hasSize(3)
                .allSatisfy(m -> assertThat(m.getStatus().phase()).isEqualTo("Succeeded"));
        Awaitility.await("the freed nodes run no launcher Pod").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(podsPerNode()).containsOnlyKeys(pool + "-3"));
    }

    /**
     * Where the spec allows it, a VM KubeVirt cannot migrate moves by a restart: its instance is deleted, the VM
     * starts a new one, and the extender puts that one's launcher Pod on the planned node. No migration is made.
     */
    @Test
    void aVmThatCannotMigrateIsRestartedOnThePlannedNodeWhereAllowed() throws Exception {
        FakeVirtController kubeVirt = new FakeVirtController(client, namespace.name());
        Map<String, String> instanceUids = vmFleet(kubeVirt, false, false);

        try (AutoCloseable moves = kubeVirt.moves()) {
            rebalance("Apply", 1, "LiveMigrateOrRestart");
            Rebalance applied = await("Applied", r -> "Applied".equals(phase(r)));
            RebalanceStatus.Plan plan = applied.getStatus().plan();
            assertThat(plan.moves()).as(plan.message()).singleElement().satisfies(m -> {
                assertThat(m.kind()).isEqualTo("VirtualMachine");
                assertThat(m.state()).as(m.message()).isEqualTo("Moved");
                VirtualMachineInstance now = client.resources(VirtualMachineInstance.class)
                        .inNamespace(namespace.name()).withName(m.name()).get();
                assertThat(now.getMetadata().getUid()).as("a new instance: restarted")
                        .isNotEqualTo(instanceUids.get(m.name()));
                assertThat(now.getStatus().nodeName()).isEqualTo(m.to());
                assertThat(plan.nodesFreed()).containsExactly(m.from());
            });
        }
        assertThat(client.resources(VirtualMachineInstanceMigration.class).inNamespace(namespace.name()).list()
                .getItems()).as("no migration was asked for").isEmpty();
    }

    /**
     * The apps make way (their Pods deleted) for a pool of 1-core VMs, one per node from the first, each instance
     * LiveMigratable as given; returns each instance's uid by VM name.
     */
    private Map<String, String> vmFleet(FakeVirtController kubeVirt, boolean... liveMigratable) {
        client.resources(PythonApp.class).inNamespace(namespace.name()).delete();
        Awaitility.await("the apps' Pods gone").atMost(Duration.ofSeconds(60))
                .until(() -> client.pods().inNamespace(namespace.name()).list().getItems().isEmpty());
        client.resource(client.getKubernetesSerialization().unmarshal("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: VMPool
                metadata: {name: vms, namespace: %s}
                spec:
                  replicas: %d
                  vm:
                    cpu: 1
                    memory: 1Gi
                    image: quay.io/containerdisks/debian:12
                    python: {version: "3.12"}
                """.formatted(namespace.name(), liveMigratable.length), VMPool.class)).create();
        Awaitility.await("the pool's VMs").atMost(Duration.ofSeconds(60))
                .until(() -> kubeVirt.vms("vms").size() == liveMigratable.length);
        List<VirtualMachine> vms = kubeVirt.vms("vms").stream()
                .sorted(java.util.Comparator.comparing(vm -> vm.getMetadata().getName())).toList();
        for (int i = 0; i < vms.size(); i++) {
            kubeVirt.run(vms.get(i), pool + "-" + i, liveMigratable[i]);
        }
        Awaitility.await("launcher Pods Ready").atMost(Duration.ofSeconds(60)).until(() -> client.pods()
                .inNamespace(namespace.name()).list().getItems().stream().filter(PythonApps::isReady)
                .count() == vms.size());
        Map<String, String> instanceUids = new HashMap<>();
        client.resources(VirtualMachineInstance.class).inNamespace(namespace.name()).list().getItems()
                .forEach(vmi -> instanceUids.put(vmi.getMetadata().getName(), vmi.getMetadata().getUid()));
        return instanceUids;
    }

    /** Whether a Pod of the move's app made since the move started is bound to a node. */
    private boolean replacementPlaced(RebalanceStatus.MoveStatus move) {
        java.time.Instant started = java.time.Instant.parse(move.startedAt()).truncatedTo(
                java.time.temporal.ChronoUnit.SECONDS);
        String app = move.app().substring(move.app().indexOf('/') + 1);
        return PythonApps.pods(client, namespace.name(), app).stream()
                .filter(p -> !java.time.Instant.parse(p.getMetadata().getCreationTimestamp()).isBefore(started))
                .anyMatch(p -> !p.getMetadata().getUid().equals(move.uid()) && p.getSpec().getNodeName() != null);
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
        rebalance(action, maxInFlight, "LiveMigrate");
    }

    private void rebalance(String action, int maxInFlight, String vmMoves) {
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
                  vmMoves: %s
                """.formatted(pool, namespace.name(), maxInFlight, action, vmMoves), Rebalance.class)).create();
    }

    private static Rebalance withAction(Rebalance rebalance, String action) {
        var spec = rebalance.getSpec();
        rebalance.setSpec(new RebalanceSpec(spec.objective(), spec.scope(), spec.maxMoves(), spec.maxInFlight(),
                RebalanceSpec.Action.valueOf(action), spec.solverTimeLimitSeconds(), spec.vmMoves()));
        return rebalance;
    }

    private Rebalance await(String what, Predicate<Rebalance> until) {
        Awaitility.await(what).atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    Rebalance found = client.resources(Rebalance.class).withName(pool).get();
                    assertThat(until.test(found)).as(() -> "status: " + (found == null ? null : found.getStatus())
                            + "\n" + describe()).isTrue();
                });
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
