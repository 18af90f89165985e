package dev.pyfleet.pythonapp;

import static dev.pyfleet.testing.PythonApps.conditionIs;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.ControlPlaneResource;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The packaged operator runs PythonApps as Pods on the real control plane's fake nodes. */
@QuarkusIntegrationTest
@WithTestResource(ControlPlaneResource.class)
class PythonAppIT {

    static final String SHOP = """
            metadata: {name: shop}
            spec:
              image: ghcr.io/acme/shop:1.0.0
              process: {type: wsgi, module: "shop.wsgi:application"}
              replicas: 3
              resources: {requests: {cpu: 100m, memory: 128Mi}}
              healthCheck: {path: /healthz}
              rollout: {maxSurge: 1, maxUnavailable: 0}
            """;

    KubernetesClient client;
    TestNamespace namespace;

    @BeforeEach
    void setUp() {
        client = ControlPlane.get().newClient();
        namespace = new TestNamespace(client, "pyapp");
    }

    @AfterEach
    void tearDown() {
        namespace.close();
        client.close();
    }

    @Test
    void threeReplicasGiveThreeReadyPodsAServiceWithEndpointsAndABudget() {
        PythonApps.create(client, ns(), SHOP);

        CommandResult wait = ControlPlane.get().kubectl("wait", "-n", ns(), "--for=condition=Ready",
                "pythonapp/shop", "--timeout=90s");
        assertThat(wait.exitCode()).as(wait.output()).isZero();

        List<Pod> pods = PythonApps.pods(client, ns(), "shop");
        assertThat(pods).hasSize(3).allMatch(PythonApps::isReady);
        assertThat(pods).allSatisfy(pod -> {
            assertThat(pod.getSpec().getSchedulerName()).isEqualTo("pyfleet-scheduler");
            assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(ref -> assertThat(ref.getKind()).isEqualTo("PythonApp"));
        });
        assertThat(client.services().inNamespace(ns()).withName("shop").get().getSpec().getPorts())
                .singleElement().satisfies(port -> assertThat(port.getPort()).isEqualTo(80));
        Awaitility.await("endpoints of Service shop").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<EndpointSlice> slices = client.discovery().v1().endpointSlices().inNamespace(ns())
                    .withLabel("kubernetes.io/service-name", "shop").list().getItems();
            assertThat(slices.stream().mapToLong(s -> s.getEndpoints() == null ? 0 : s.getEndpoints().size()).sum())
                    .isEqualTo(3);
        });
        var budget = client.policy().v1().podDisruptionBudget().inNamespace(ns()).withName("shop").get();
        assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    }

    @Test
    void deletedPodIsReplacedAndKubectlScaleChangesTheReplicas() {
        PythonApps.create(client, ns(), SHOP);
        PythonApps.await(client, ns(), "shop", conditionIs("Ready", "True"), 90);

        Pod victim = PythonApps.pods(client, ns(), "shop").get(0);
        client.pods().inNamespace(ns()).withName(victim.getMetadata().getName()).delete();
        Awaitility.await("replacement of " + victim.getMetadata().getName()).atMost(Duration.ofSeconds(60))
                .until(() -> PythonApps.pods(client, ns(), "shop").stream()
                        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                        .filter(p -> !p.getMetadata().getUid().equals(victim.getMetadata().getUid()))
                        .filter(PythonApps::isReady).count() == 3);

        CommandResult scale = ControlPlane.get().kubectl("scale", "-n", ns(), "pythonapp/shop", "--replicas=5");
        assertThat(scale.exitCode()).as(scale.output()).isZero();
        PythonApp scaled = PythonApps.await(client, ns(), "shop",
                app -> app.getStatus() != null && Integer.valueOf(5).equals(app.getStatus().readyReplicas())
                        && conditionIs("Ready", "True").test(app), 90);

        // An unrelated Pod in the namespace must not match the selector the scale subresource publishes.
        Set<String> selected = client.pods().inNamespace(ns()).withLabelSelector(scaled.getStatus().selector())
                .list().getItems().stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        assertThat(selected).hasSize(5).allMatch(name -> name.startsWith("shop-"));
        CommandResult replicas = ControlPlane.get().kubectl("get", "--raw",
                "/apis/pyfleet.dev/v1alpha1/namespaces/" + ns() + "/pythonapps/shop/scale");
        assertThat(replicas.output()).contains("\"replicas\":5").contains(scaled.getStatus().selector());
    }

    /**
     * Replacements on fake nodes are over in well under a second, so while many apps lose a Pod at once, the status
     * an app writes while a Pod is missing is often still on its way back to the operator's cache when the next Pod
     * event asks for another look. That look must not take the status from before as the one standing, skip its
     * write and leave "1 of 2 available" on the app.
     */
    @Test
    void statusTellsTheTruthAfterManyAppsEachLoseAPodAtOnce() {
        List<String> apps = java.util.stream.IntStream.range(0, 8).mapToObj(i -> "shop" + i).toList();
        apps.forEach(app -> PythonApps.create(client, ns(), SHOP.replace("name: shop", "name: " + app)
                .replace("replicas: 3", "replicas: 2")));
        apps.forEach(app -> PythonApps.await(client, ns(), app, conditionIs("Ready", "True"), 90));

        for (int round = 0; round < 5; round++) {
            Set<String> victims = apps.stream().map(app -> PythonApps.pods(client, ns(), app).stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst().orElseThrow())
                    .map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
            client.pods().inNamespace(ns()).list().getItems().stream()
                    .filter(p -> victims.contains(p.getMetadata().getUid()))
                    .forEach(p -> client.pods().resource(p).withGracePeriod(0).delete());
            int r = round;
            Awaitility.await("round " + r + ": every app Ready with both Pods available after losing one")
                    .atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                        assertThat(client.pods().inNamespace(ns()).list().getItems()).as("the victims are gone")
                                .noneMatch(p -> victims.contains(p.getMetadata().getUid()));
                        for (String app : apps) {
                            PythonApp found = client.resources(PythonApp.class).inNamespace(ns()).withName(app)
                                    .get();
                            assertThat(found.getStatus().availableReplicas()).as("%s: %s", app,
                                    PythonApps.condition(found, "Ready")).isEqualTo(2);
                            assertThat(PythonApps.condition(found, "Ready").getStatus()).isEqualTo("True");
                        }
                    });
        }
    }

    /** Scratch space, a ConfigMap and a Secret reach the app's Pods as the API server keeps them, and they run. */
    @Test
    void storageReachesThePodsAndTheyRun() {
        client.configMaps().inNamespace(ns()).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("shop-settings").endMetadata().addToData("settings.toml", "debug = false")
                .build()).create();
        client.secrets().inNamespace(ns()).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("shop-keys").endMetadata().addToStringData("token", "s3cr3t").build())
                .create();
        PythonApps.create(client, ns(), SHOP + """
                  storage:
                    scratch: 1Gi
                    volumes:
                      - {name: settings, mountPath: /etc/shop, configMap: shop-settings}
                      - {name: keys, mountPath: /etc/shop-keys, secret: shop-keys}
                """);
        PythonApps.await(client, ns(), "shop", conditionIs("Ready", "True"), 90);

        assertThat(PythonApps.pods(client, ns(), "shop")).hasSize(3).allSatisfy(pod -> {
            assertThat(pod.getSpec().getVolumes()).extracting(v -> v.getName())
                    .containsExactly("scratch", "vol-settings", "vol-keys");
            assertThat(pod.getSpec().getVolumes().get(0).getEmptyDir().getSizeLimit().toString()).isEqualTo("1Gi");
            assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts())
                    .extracting(m -> m.getMountPath()).containsExactly("/tmp", "/etc/shop", "/etc/shop-keys");
            assertThat(pod.getSpec().getContainers().get(0).getResources().getRequests().get("ephemeral-storage")
                    .toString()).isEqualTo("1Gi");
        });
    }

    /**
     * Each replica has a claim of its own (bound here to static volumes of a class only this test uses): a rollout
     * mounts the same claims, never one claim in two Pods at once, and a scale-down keeps the claim it freed.
     */
    @Test
    void eachReplicaKeepsAClaimOfItsOwnThroughARolloutAndAScaleDown() {
        String storageClass = "replica-" + ns();
        List<String> volumes = java.util.stream.IntStream.range(0, 3).mapToObj(i -> storageClass + "-" + i).toList();
        volumes.forEach(name -> client.persistentVolumes().resource(new io.fabric8.kubernetes.api.model
                .PersistentVolumeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withStorageClassName(storageClass).withAccessModes("ReadWriteOnce")
                .addToCapacity("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
                .withNewHostPath().withPath("/var/lib/" + name).endHostPath().endSpec().build()).create());
        try {
            PythonApps.create(client, ns(), SHOP.replace("rollout: {maxSurge: 1, maxUnavailable: 0}",
                    "rollout: {maxSurge: 0, maxUnavailable: 1}") + """
                      storage:
                        replicaVolume: {size: 1Gi, storageClassName: %s, mountPath: /var/lib/shop}
                    """.formatted(storageClass));
            String first = PythonApps.await(client, ns(), "shop", conditionIs("Ready", "True"), 90).getStatus()
                    .currentRevision();
            assertThat(claimsOfPods()).containsExactlyInAnyOrder("shop-replica-0", "shop-replica-1",
                    "shop-replica-2");
            Map<String, String> claims = client.persistentVolumeClaims().inNamespace(ns()).list().getItems().stream()
                    .collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> c.getMetadata().getUid()));
            assertThat(claims).containsOnlyKeys("shop-replica-0", "shop-replica-1", "shop-replica-2");

            // KWOK removes a deleted Pod at once; a finalizer keeps each old Pod going away for a while, as a real
            // one is while its server stops and its volume is unmounted.
            String hold = "pyfleet.dev/test-hold";
            PythonApps.pods(client, ns(), "shop").forEach(pod -> client.pods().inNamespace(ns())
                    .withName(pod.getMetadata().getName()).edit(p -> new PodBuilder(p).editMetadata()
                            .addToFinalizers(hold).endMetadata().build()));
            mergePatch("{\"spec\": {\"image\": \"ghcr.io/acme/shop:1.0.1\"}}");
            Awaitility.await("the rollout, one claim per Pod throughout").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        List<Pod> pods = PythonApps.pods(client, ns(), "shop");
                        List<String> mounted = claimsOfPods(pods);
                        assertThat(mounted).as("claims of all Pods, those going away too").doesNotHaveDuplicates();
                        pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null
                                && p.getMetadata().getFinalizers().contains(hold)
                                && java.time.Instant.parse(p.getMetadata().getDeletionTimestamp())
                                        .isBefore(java.time.Instant.now().minusSeconds(2)))
                                .forEach(p -> client.pods().inNamespace(ns()).withName(p.getMetadata().getName())
                                        .edit(q -> new PodBuilder(q).editMetadata().removeFromFinalizers(hold)
                                                .endMetadata().build()));
                        PythonApp app = client.resources(PythonApp.class).inNamespace(ns()).withName("shop").get();
                        return conditionIs("Ready", "True").test(app) && !first.equals(app.getStatus()
                                .currentRevision()) && mounted.size() == 3;
                    });
            assertThat(client.persistentVolumeClaims().inNamespace(ns()).list().getItems().stream()
                    .collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> c.getMetadata().getUid())))
                    .as("the same claims, none made again").isEqualTo(claims);

            ControlPlane.get().kubectl("scale", "-n", ns(), "pythonapp/shop", "--replicas=2");
            Awaitility.await("two replicas").atMost(Duration.ofSeconds(60))
                    .until(() -> PythonApps.pods(client, ns(), "shop").size() == 2);
            assertThat(claimsOfPods()).as("the highest slot went").containsExactlyInAnyOrder("shop-replica-0",
                    "shop-replica-1");
            assertThat(client.persistentVolumeClaims().inNamespace(ns()).withName("shop-replica-2").get())
                    .as("Retain: the freed claim stays").isNotNull();
        } finally {
            PythonApps.pods(client, ns(), "shop").stream().filter(p -> p.getMetadata().getFinalizers()
                    .contains("pyfleet.dev/test-hold")).forEach(p -> client.pods().inNamespace(ns())
                            .withName(p.getMetadata().getName()).edit(q -> new PodBuilder(q).editMetadata()
                                    .removeFromFinalizers("pyfleet.dev/test-hold").endMetadata().build()));
            volumes.forEach(name -> client.persistentVolumes().withName(name).delete());
        }
    }

    /** A Pod whose claim cannot bind waits Pending; the app's status says so in the scheduler's words. */
    @Test
    void anAppWhosePodsCannotBeScheduledSaysWhyInItsStatus() {
        PythonApps.create(client, ns(), SHOP.replace("rollout: {maxSurge: 1, maxUnavailable: 0}",
                "rollout: {maxSurge: 0, maxUnavailable: 1}").replace("replicas: 3", "replicas: 1") + """
                  storage:
                    replicaVolume: {size: 1Gi, storageClassName: no-such-volumes, mountPath: /var/lib/shop}
                """);
        PythonApp waiting = PythonApps.await(client, ns(), "shop", app -> app.getStatus() != null
                && PythonApps.condition(app, "Progressing") != null
                && PythonApps.condition(app, "Progressing").getMessage().contains("cannot be scheduled"), 60);
        assertThat(PythonApps.condition(waiting, "Progressing").getMessage())
                .contains("0 of 1 Pods available", "unbound immediate PersistentVolumeClaims");
        assertThat(PythonApps.condition(waiting, "Ready").getMessage()).contains("cannot be scheduled");
        assertThat(PythonApps.condition(waiting, "Degraded").getStatus()).as("it may yet bind").isEqualTo("False");
    }

    private List<String> claimsOfPods() {
        return claimsOfPods(PythonApps.pods(client, ns(), "shop"));
    }

    private static List<String> claimsOfPods(List<Pod> pods) {
        return pods.stream().flatMap(p -> p.getSpec().getVolumes().stream())
                .filter(v -> v.getPersistentVolumeClaim() != null).map(v -> v.getPersistentVolumeClaim()
                        .getClaimName()).toList();
    }

    @Test
    void imageChangeRollsOutWithinSurgeAndUnavailabilityBounds() throws Exception {
        PythonApps.create(client, ns(), SHOP);
        PythonApp ready = PythonApps.await(client, ns(), "shop", conditionIs("Ready", "True"), 90);
        String oldRevision = ready.getStatus().currentRevision();

        Map<String, Pod> seen = new ConcurrentHashMap<>(PythonApps.pods(client, ns(), "shop").stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p)));
        AtomicInteger maxPods = new AtomicInteger(seen.size());
        AtomicInteger minReady = new AtomicInteger(Integer.MAX_VALUE);
        AtomicInteger events = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<WatcherException> closed = new java.util.concurrent.atomic
                .AtomicReference<>();
        try (var watch = client.pods().inNamespace(ns()).withLabel("pyfleet.dev/app", "shop")
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                        events.incrementAndGet();
                        if (action == Action.DELETED) {
                            seen.remove(pod.getMetadata().getName());
                        } else {
                            seen.put(pod.getMetadata().getName(), pod);
                        }
                        maxPods.accumulateAndGet(seen.size(), Math::max);
                        int readyNow = (int) seen.values().stream().filter(PythonApps::isReady)
                                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).count();
                        minReady.accumulateAndGet(readyNow, Math::min);
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        closed.set(cause);
                    }
                })) {
            mergePatch("{\"spec\": {\"image\": \"ghcr.io/acme/shop:1.1.0\"}}");
            PythonApp done = PythonApps.await(client, ns(), "shop", app -> conditionIs("Ready", "True").test(app)
                    && !oldRevision.equals(app.getStatus().currentRevision()), 120);

            List<Pod> pods = PythonApps.pods(client, ns(), "shop").stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
            assertThat(pods).hasSize(3).allSatisfy(p -> {
                assertThat(p.getMetadata().getLabels()).containsEntry("pyfleet.dev/revision",
                        done.getStatus().currentRevision());
                assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("ghcr.io/acme/shop:1.1.0");
            });
        }
        // The bounds are only worth checking over every state: the watch must have stayed open and seen the rollout.
        assertThat(closed.get()).as("the watch closed early, so states went unseen").isNull();
        assertThat(events.get()).as("events seen: 3 new Pods and 3 old ones go").isGreaterThanOrEqualTo(6);
        // replicas 3, maxSurge 1, maxUnavailable 0: at most 4 Pods, never fewer than 3 ready; the surge was used.
        assertThat(maxPods.get()).isEqualTo(4);
        assertThat(minReady.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void rolloutWhoseNewPodsNeverBecomeReadyTurnsDegradedAndKeepsTheOldPods() {
        String app = SHOP.replace("rollout: {maxSurge: 1, maxUnavailable: 0}",
                "rollout: {maxSurge: 1, maxUnavailable: 0, progressDeadlineSeconds: 5}");
        PythonApps.create(client, ns(), app);
        PythonApp ready = PythonApps.await(client, ns(), "shop", conditionIs("Ready", "True"), 90);
        Set<String> oldPods = PythonApps.pods(client, ns(), "shop").stream().map(p -> p.getMetadata().getName())
                .collect(Collectors.toSet());

        // No node has this label: the new revision's Pods stay Pending and never become ready.
        mergePatch("{\"spec\": {\"placement\": {\"nodeSelector\": {\"pyfleet.dev/test-pool\": \"nowhere\"}}}}");

        PythonApp degraded = PythonApps.await(client, ns(), "shop", conditionIs("Degraded", "True"), 60);
        assertThat(PythonApps.condition(degraded, "Degraded").getReason()).isEqualTo("ProgressDeadlineExceeded");
        assertThat(PythonApps.condition(degraded, "Degraded").getMessage()).contains("progressDeadlineSeconds");
        assertThat(PythonApps.condition(degraded, "Ready").getStatus()).isEqualTo("False");
        assertThat(degraded.getStatus().currentRevision()).isEqualTo(ready.getStatus().currentRevision());
        List<Pod> pods = PythonApps.pods(client, ns(), "shop");
        assertThat(pods.stream().filter(p -> oldPods.contains(p.getMetadata().getName())))
                .hasSize(3).allMatch(PythonApps::isReady);
        assertThat(pods).hasSize(4);
        assertThat(client.v1().events().inNamespace(ns()).withField("involvedObject.name", "shop").list().getItems())
                .anyMatch(e -> "ProgressDeadlineExceeded".equals(e.getReason()) && "Warning".equals(e.getType()));
    }

    /**
     * A failure that lasts longer than a few retries (here a PriorityClass created only after the SDK's default five
     * attempts; an API server outage is another) is retried until it clears: nothing else wakes the app, as no Pod of
     * it exists.
     */
    @Test
    void aFailureThatOutlastsManyRetriesIsStillRetriedUntilItClears() throws Exception {
        String priorityClass = "late-" + ns();
        PythonApps.create(client, ns(),
                SHOP.replace("replicas: 3", "replicas: 1\n  priorityClassName: " + priorityClass));
        long created = System.nanoTime();
        PythonApp degraded = PythonApps.await(client, ns(), "shop", app -> PythonApps.condition(app, "Degraded") != null
                && "ReconcileError".equals(PythonApps.condition(app, "Degraded").getReason()), 60);
        assertThat(PythonApps.condition(degraded, "Degraded").getMessage()).contains(priorityClass);

        // Past the SDK's default of five attempts: 1 + 1.5 + ... + 1.5^4 first-retry delays (about 13), and then some.
        Duration pastFiveAttempts = Duration.ofMillis(ControlPlaneResource.FIRST_RETRY_MS * 16);
        TimeUnit.NANOSECONDS.sleep(Math.max(0, pastFiveAttempts.toNanos() - (System.nanoTime() - created)));
        client.scheduling().v1().priorityClasses().resource(new PriorityClassBuilder().withNewMetadata()
                .withName(priorityClass).endMetadata().withValue(1000).build()).create();
        try {
            PythonApps.await(client, ns(), "shop", conditionIs("Ready", "True"), 60);
        } finally {
            client.scheduling().v1().priorityClasses().withName(priorityClass).delete();
        }
    }

    @Test
    void appWaitsForItsDependencyAndStartsOnceItIsReady() {
        PythonApps.create(client, ns(), """
                metadata: {name: web}
                spec:
                  image: ghcr.io/acme/web:1.0.0
                  process: {type: asgi, module: "web.main:app"}
                  replicas: 2
                  dependsOn: [db-api]
                """);
        PythonApp waiting = PythonApps.await(client, ns(), "web", conditionIs("DependenciesReady", "False"), 60);
        assertThat(PythonApps.condition(waiting, "DependenciesReady").getMessage()).contains("db-api");
        assertThat(PythonApps.pods(client, ns(), "web")).isEmpty();

        PythonApps.create(client, ns(), SHOP.replace("name: shop", "name: db-api"));

        PythonApps.await(client, ns(), "web", conditionIs("Ready", "True"), 90);
        assertThat(PythonApps.pods(client, ns(), "web")).hasSize(2);
    }

    @Test
    void dependencyCycleIsReportedInsteadOfWaitingForever() {
        String app = """
                metadata: {name: %s}
                spec:
                  image: ghcr.io/acme/%s:1.0.0
                  process: {type: command, command: ["python", "-m", "%s"]}
                  dependsOn: [%s]
                """;
        PythonApps.create(client, ns(), app.formatted("ping", "ping", "ping", "pong"));
        PythonApps.create(client, ns(), app.formatted("pong", "pong", "pong", "ping"));

        PythonApp ping = PythonApps.await(client, ns(), "ping", conditionIs("Degraded", "True"), 60);
        assertThat(PythonApps.condition(ping, "DependenciesReady").getReason()).isEqualTo("DependencyCycle");
        assertThat(PythonApps.condition(ping, "DependenciesReady").getMessage()).contains("ping -> pong -> ping");
        assertThat(PythonApps.pods(client, ns(), "ping")).isEmpty();
    }

    @Test
    void operatorWritesOnlyTheStatusNeverTheSpec() {
        PythonApps.create(client, ns(), SHOP);
        PythonApp ready = PythonApps.await(client, ns(), "shop", conditionIs("Ready", "True"), 90);

        assertThat(ready.getMetadata().getGeneration()).isEqualTo(1L);
        var fields = ready.getMetadata().getManagedFields();
        // The operator's field manager is its controller's name; it owns fields of /status and nothing else.
        assertThat(fields).filteredOn(f -> "pythonapp".equals(f.getManager())).isNotEmpty()
                .allMatch(f -> "status".equals(f.getSubresource()));
        assertThat(fields).filteredOn(f -> f.getSubresource() == null).extracting(f -> f.getManager())
                .doesNotContain("pythonapp");
    }

    @Test
    void appMovedToAVmPoolStopsItsPodsAndReportsThePool() {
        PythonApps.create(client, ns(), SHOP);
        PythonApps.await(client, ns(), "shop", conditionIs("Ready", "True"), 90);

        mergePatch("{\"spec\": {\"python\": \"3.12\", \"runtime\": {\"type\": \"VMPool\", "
                + "\"poolRef\": {\"name\": \"legacy-vms\"}}}}");

        PythonApp moved = PythonApps.await(client, ns(), "shop", app -> PythonApps.condition(app, "Ready") != null
                && "PoolNotFound".equals(PythonApps.condition(app, "Ready").getReason()), 60);
        assertThat(PythonApps.condition(moved, "Ready").getMessage()).contains("no VMPool named legacy-vms");
        Awaitility.await("the app's Pods gone").atMost(Duration.ofSeconds(60))
                .until(() -> PythonApps.pods(client, ns(), "shop").isEmpty());
    }

    @Test
    void metricsCountAppsByConditionAndTheirReplicas() {
        PythonApps.create(client, ns(), SHOP);
        PythonApps.await(client, ns(), "shop", conditionIs("Ready", "True"), 90);

        String metrics = io.restassured.RestAssured.given().get(ControlPlaneResource.managementUrl() + "q/metrics")
                .then().statusCode(200).extract().asString();
        assertThat(gauge(metrics, "pyfleet_resources{condition=\"Ready\",kind=\"PythonApp\",status=\"True\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(gauge(metrics, "pyfleet_replicas_ready{kind=\"PythonApp\"}")).isGreaterThanOrEqualTo(3);
        assertThat(metrics).contains("pyfleet_replicas_desired{kind=\"PythonApp\"}")
                .contains("pyfleet_rollouts_in_progress{kind=\"VMPool\"}");
    }

    private static double gauge(String metrics, String series) {
        return metrics.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("no " + series + " in /q/metrics"));
    }

    /** A change as a user makes it: no resourceVersion, so the operator's status writes cannot conflict with it. */
    private void mergePatch(String json) {
        client.resources(PythonApp.class).inNamespace(ns()).withName("shop")
                .patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    private String ns() {
        return namespace.name();
    }
}
