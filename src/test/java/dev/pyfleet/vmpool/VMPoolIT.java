package dev.pyfleet.vmpool;

import static dev.pyfleet.testing.PythonApps.conditionIs;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.api.v1alpha1.VMPoolStatus;
import dev.pyfleet.kubevirt.DataVolume;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.status.Conditions;
import dev.pyfleet.testing.ArgoCdHealth;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.ControlPlaneResource;
import dev.pyfleet.testing.FakeVirtController;
import dev.pyfleet.testing.Kstatus;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The packaged operator keeps pools of KubeVirt VMs, validated by KubeVirt's real CRDs; a helper plays KubeVirt. */
@QuarkusIntegrationTest
@WithTestResource(ControlPlaneResource.class)
class VMPoolIT {

    static final String POOL = """
            apiVersion: pyfleet.dev/v1alpha1
            kind: VMPool
            metadata: {name: vms}
            spec:
              replicas: 3
              vm:
                cpu: 2
                memory: 2Gi
                image: quay.io/containerdisks/debian:12
                python: {version: "3.12", packages: ["gunicorn==23.0.0"]}
              updateStrategy: {type: RollingUpdate, maxUnavailable: 1, progressDeadlineSeconds: 6}
              scaleDown: {policy: %s}
            """;

    KubernetesClient client;
    TestNamespace namespace;
    FakeVirtController kubeVirt;

    @BeforeEach
    void setUp() {
        ControlPlane.assumeKubeVirt();
        client = ControlPlane.get().newClient();
        namespace = new TestNamespace(client, "vmpool");
        kubeVirt = new FakeVirtController(client, namespace.name());
    }

    @AfterEach
    void tearDown() {
        if (namespace != null) {
            namespace.close();
            client.close();
        }
    }

    @Test
    void samplePoolAndItsAppComeBackFromTheApiServerExactlyAsWrittenAndServeThroughAService() throws IOException {
        List<HasMetadata> sample = client.load(Files.newInputStream(
                ControlPlane.get().repo().resolve("deploy/samples/legacy-vms.yaml"))).items();
        sample.forEach(item -> client.resource(item).inNamespace(ns()).create());

        // The pool may be seen before its app: its first VMs then lack the app and are replaced once it shows up.
        List<VirtualMachine> vms = awaitVms("legacy-vms", list -> list.size() == 3 && list.stream().allMatch(vm ->
                vm.getMetadata().getDeletionTimestamp() == null
                        && kubeVirt.userData(vm).contains("pyfleet-hello-on-vms.service")));
        VMPool pool = client.resources(VMPool.class).inNamespace(ns()).withName("legacy-vms").get();
        PythonApp app = client.resources(PythonApp.class).inNamespace(ns()).withName("hello-on-vms").get();
        var desired = PoolVirtualMachines.of(pool, List.of(app), "pyfleet-scheduler");
        for (VirtualMachine vm : vms) {
            int ordinal = VMState.ordinal(vm.getMetadata().getName());
            assertThat(asMap(vm.getSpec())).as("spec of %s", vm.getMetadata().getName())
                    .isEqualTo(asMap(desired.vm(ordinal).getSpec()));
        }
        vms.forEach(vm -> kubeVirt.run(vm, "kwok-node-" + VMState.ordinal(vm.getMetadata().getName())));

        awaitPool("legacy-vms", conditionOf("Ready", "True"));
        PythonApps.await(client, ns(), "hello-on-vms", conditionIs("Ready", "True"), 60);
        Awaitility.await("endpoints of the app's Service").atMost(Duration.ofSeconds(60)).until(() ->
                client.discovery().v1().endpointSlices().inNamespace(ns())
                        .withLabel("kubernetes.io/service-name", "hello-on-vms").list().getItems().stream()
                        .mapToLong(s -> s.getEndpoints() == null ? 0 : s.getEndpoints().size()).sum() == 3);
        VMPool ready = client.resources(VMPool.class).inNamespace(ns()).withName("legacy-vms").get();
        assertThat(ready.getStatus().vms()).extracting(VMPoolStatus.VM::node)
                .containsExactlyInAnyOrder("kwok-node-0", "kwok-node-1", "kwok-node-2");
        assertThat(ready.getStatus().ready()).isEqualTo("3/3");
        ArgoCdHealth.Verdict health = ArgoCdHealth.of(ready);
        assertThat(health.status()).as("Argo CD's health of the ready pool").isEqualTo("Healthy");
        assertThat(health.message()).startsWith("3 of 3 VMs Ready");
        assertThat(Kstatus.of(ready).status()).as("kstatus of the ready pool").isEqualTo("Current");
    }

    @ParameterizedTest(name = "scaleDown.policy {0}")
    @CsvSource({"NewestFirst", "OldestFirst", "UnreadyFirst"})
    void poolScalesUpAndDownFollowingItsScaleDownPolicy(String policy) throws InterruptedException {
        client.resource(client.getKubernetesSerialization().unmarshal(POOL.formatted(policy), VMPool.class))
                .inNamespace(ns()).create();
        runAll(awaitVms("vms", list -> list.size() == 3));
        awaitPool("vms", conditionOf("Ready", "True"));

        scale("vms", 5);
        List<VirtualMachine> five = awaitVms("vms", list -> list.size() == 5);
        runAll(five);
        awaitPool("vms", pool -> conditionOf("Ready", "True").test(pool) && pool.getStatus().readyReplicas() == 5);
        List<String> byAge = five.stream().sorted(Comparator.comparing(
                (VirtualMachine vm) -> vm.getMetadata().getCreationTimestamp()).thenComparing(vm -> vm.getMetadata()
                        .getName())).map(vm -> vm.getMetadata().getName()).toList();
        if (policy.equals("UnreadyFirst")) {
            kubeVirt.unready(five.stream().filter(vm -> vm.getMetadata().getName().equals("vms-1")).findFirst()
                    .orElseThrow());
            awaitPool("vms", pool -> pool.getStatus().readyReplicas() == 4);
        }

        scale("vms", 2);
        Set<String> left = awaitVms("vms", list -> list.size() == 2 && list.stream()
                .allMatch(vm -> vm.getMetadata().getDeletionTimestamp() == null)).stream()
                .map(vm -> vm.getMetadata().getName()).collect(Collectors.toSet());
        switch (policy) {
            case "NewestFirst" -> assertThat(left).containsExactlyInAnyOrderElementsOf(byAge.subList(0, 2));
            case "OldestFirst" -> assertThat(left).containsExactlyInAnyOrderElementsOf(byAge.subList(3, 5));
            default -> assertThat(left).doesNotContain("vms-1").hasSize(2);
        }
    }

    @Test
    void templateChangeReplacesOneVmAtATimeAndAVmThatNeverBecomesReadyHaltsTheRollout() {
        client.resource(client.getKubernetesSerialization().unmarshal(POOL.formatted("NewestFirst"), VMPool.class))
                .inNamespace(ns()).create();
        runAll(awaitVms("vms", list -> list.size() == 3));
        VMPool ready = awaitPool("vms", conditionOf("Ready", "True"));
        String oldRevision = ready.getStatus().currentRevision();

        // First change: the helper brings every new VM up, and we count how many are ever down at once.
        editImage("quay.io/containerdisks/debian:12.1");
        AtomicInteger mostUnavailable = new AtomicInteger();
        Awaitility.await("rolling update to the new image").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    List<VirtualMachine> vms = kubeVirt.vms("vms");
                    long up = vms.stream().filter(vm -> vm.getMetadata().getDeletionTimestamp() == null)
                            .filter(vm -> vm.getStatus() != null && Boolean.TRUE.equals(vm.getStatus().ready()))
                            .count();
                    mostUnavailable.accumulateAndGet((int) (3 - up), Math::max);
                    vms.stream().filter(vm -> vm.getMetadata().getDeletionTimestamp() == null)
                            .filter(vm -> vm.getStatus() == null).forEach(vm -> kubeVirt.run(vm, "kwok-node-0"));
                    VMPool pool = client.resources(VMPool.class).inNamespace(ns()).withName("vms").get();
                    return conditionOf("Ready", "True").test(pool)
                            && !oldRevision.equals(pool.getStatus().currentRevision());
                });
        assertThat(mostUnavailable.get()).isEqualTo(1);
        String secondRevision = client.resources(VMPool.class).inNamespace(ns()).withName("vms").get().getStatus()
                .currentRevision();

        // Second change: nobody brings the new VM up; the rollout must stop at it.
        editImage("quay.io/containerdisks/debian:12.2");
        VMPool halted = awaitPool("vms", conditionOf("Degraded", "True"));
        assertThat(Conditions.find(halted.getStatus().conditions(), "Degraded").getReason())
                .isEqualTo("RolloutHalted");
        assertThat(Conditions.find(halted.getStatus().conditions(), "Degraded").getMessage())
                .contains("did not become Ready");
        List<VirtualMachine> vms = kubeVirt.vms("vms");
        assertThat(vms).hasSize(3);
        assertThat(vms).filteredOn(vm -> secondRevision.equals(vm.getMetadata().getLabels()
                .get("pyfleet.dev/revision"))).hasSize(2)
                .allMatch(vm -> Boolean.TRUE.equals(vm.getStatus().ready()));
    }

    @Test
    void vmThatKeepsFailingToStartIsRecreated() {
        client.resource(client.getKubernetesSerialization().unmarshal(POOL.formatted("NewestFirst")
                .replace("  scaleDown", "  autoHealing: {failureThreshold: 2}\n  scaleDown"), VMPool.class))
                .inNamespace(ns()).create();
        List<VirtualMachine> vms = awaitVms("vms", list -> list.size() == 3);
        VirtualMachine failing = vms.get(0);
        kubeVirt.fail(failing, 2);

        Awaitility.await("recreation of " + failing.getMetadata().getName()).atMost(Duration.ofSeconds(60))
                .until(() -> kubeVirt.vms("vms").stream().anyMatch(vm -> vm.getMetadata().getName()
                        .equals(failing.getMetadata().getName())
                        && !vm.getMetadata().getUid().equals(failing.getMetadata().getUid())));
        assertThat(client.v1().events().inNamespace(ns()).list().getItems())
                .anyMatch(e -> "AutoHealing".equals(e.getReason()));
    }

    static final String DISK_POOL = """
            apiVersion: pyfleet.dev/v1alpha1
            kind: VMPool
            metadata: {name: disky}
            spec:
              replicas: 2
              vm:
                memory: 2Gi
                image: quay.io/containerdisks/debian:12
                python: {version: "3.12"}
                rootDisk: {size: 20Gi, storageClassName: fast-ssd%s}
                dataDisks: [{name: data, size: 5Gi, mountPath: /srv/data}]
              updateStrategy: {type: RollingUpdate, maxUnavailable: 1, progressDeadlineSeconds: 60}
            %s""";

    /**
     * Each VM gets a root disk of the asked size and class, imported from the image, and a blank data disk, made
     * before the VM (the fake KubeVirt refuses to start a VM whose disk is missing); KubeVirt's schema keeps the VMs'
     * disk volumes as PyFleet wrote them. A rollout replaces the root disks, by default, and keeps the data disks.
     */
    @Test
    void aPoolsVmsGetDisksOfTheAskedSizeAndARolloutReplacesRootDisksButKeepsDataDisks() {
        VMPool pool = client.resource(client.getKubernetesSerialization().unmarshal(DISK_POOL.formatted("", ""),
                VMPool.class)).inNamespace(ns()).create();
        List<VirtualMachine> vms = awaitVms("disky", list -> list.size() == 2);
        var desired = PoolVirtualMachines.of(client.resource(pool).get(), List.of(), "pyfleet-scheduler");
        for (VirtualMachine vm : vms) {
            assertThat(asMap(vm.getSpec())).as("spec of %s as KubeVirt's schema kept it", vm.getMetadata().getName())
                    .isEqualTo(asMap(desired.vm(VMState.ordinal(vm.getMetadata().getName())).getSpec()));
        }
        Map<String, DataVolume> disks = kubeVirt.disks("disky");
        assertThat(disks).containsOnlyKeys("disky-0-root", "disky-0-data", "disky-1-root", "disky-1-data");
        assertThat(disks.get("disky-1-root").getSpec().storage().size()).isEqualTo("20Gi");
        assertThat(disks.get("disky-1-root").getSpec().storage().storageClassName()).isEqualTo("fast-ssd");
        assertThat(disks.get("disky-1-root").getSpec().source().registry().url())
                .isEqualTo("docker://quay.io/containerdisks/debian:12");
        assertThat(disks.get("disky-0-data").getSpec().storage().size()).isEqualTo("5Gi");
        assertThat(disks.get("disky-0-data").getSpec().source().blank()).isNotNull();
        runAll(vms);
        String oldRevision = awaitPool("disky", conditionOf("Ready", "True")).getStatus().currentRevision();

        editImage("disky", "quay.io/containerdisks/debian:12.1");
        String newRevision = rollOut("disky", oldRevision);
        Map<String, DataVolume> after = kubeVirt.disks("disky");
        assertThat(after).containsOnlyKeys(disks.keySet());
        for (String root : List.of("disky-0-root", "disky-1-root")) {
            assertThat(uid(after.get(root))).as("%s replaced", root).isNotEqualTo(uid(disks.get(root)));
            assertThat(after.get(root).getSpec().source().registry().url())
                    .isEqualTo("docker://quay.io/containerdisks/debian:12.1");
            assertThat(after.get(root).getMetadata().getLabels()).containsEntry("pyfleet.dev/revision", newRevision);
        }
        for (String data : List.of("disky-0-data", "disky-1-data")) {
            assertThat(uid(after.get(data))).as("%s kept", data).isEqualTo(uid(disks.get(data)));
        }
    }

    /** A kept root disk outlives a rollout; the disks of a VM removed by a scale-down stay, and come back with it. */
    @Test
    void aKeptRootDiskOutlivesARolloutAndRetainedDisksComeBackAfterAScaleDown() {
        client.resource(client.getKubernetesSerialization().unmarshal(DISK_POOL.formatted(", onRollout: Keep", ""),
                VMPool.class)).inNamespace(ns()).create();
        runAll(awaitVms("disky", list -> list.size() == 2));
        String oldRevision = awaitPool("disky", conditionOf("Ready", "True")).getStatus().currentRevision();
        Map<String, String> uids = uids(kubeVirt.disks("disky"));
        assertThat(uids).hasSize(4);

        editImage("disky", "quay.io/containerdisks/debian:12.1");
        rollOut("disky", oldRevision);
        assertThat(uids(kubeVirt.disks("disky"))).as("every disk kept through the rollout").isEqualTo(uids);

        scale("disky", 1);
        awaitVms("disky", list -> list.size() == 1);
        assertThat(uids(kubeVirt.disks("disky"))).as("Retain: the removed VM's disks stay").isEqualTo(uids);
        scale("disky", 2);
        runAll(awaitVms("disky", list -> list.size() == 2 && list.stream().allMatch(vm -> vm.getStatus() == null
                || Boolean.TRUE.equals(vm.getStatus().ready()))).stream().filter(vm -> vm.getStatus() == null)
                .toList());
        awaitPool("disky", pool -> conditionOf("Ready", "True").test(pool) && pool.getStatus().readyReplicas() == 2);
        assertThat(uids(kubeVirt.disks("disky"))).as("the VM made again has its disks back").isEqualTo(uids);
    }

    /** Where the pool says so, a healed VM gets a fresh root disk (its data disk stays) and a scale-down deletes. */
    @Test
    void healingAndScaleDownDeleteWhatThePoolSaysAndNothingElse() {
        client.resource(client.getKubernetesSerialization().unmarshal(DISK_POOL.formatted("", """
                  autoHealing: {failureThreshold: 2}
                  diskRetention: {whenScaledDown: Delete, whenHealed: ReplaceRootDisk}
                """), VMPool.class)).inNamespace(ns()).create();
        List<VirtualMachine> vms = awaitVms("disky", list -> list.size() == 2);
        Map<String, String> uids = uids(kubeVirt.disks("disky"));
        VirtualMachine failing = vms.stream().filter(vm -> vm.getMetadata().getName().equals("disky-0")).findFirst()
                .orElseThrow();
        kubeVirt.fail(failing, 2);
        Awaitility.await("disky-0 recreated").atMost(Duration.ofSeconds(60)).until(() -> kubeVirt.vms("disky")
                .stream().anyMatch(vm -> vm.getMetadata().getName().equals("disky-0")
                        && !vm.getMetadata().getUid().equals(failing.getMetadata().getUid())));
        Map<String, String> healed = uids(kubeVirt.disks("disky"));
        assertThat(healed.get("disky-0-root")).as("a fresh root disk").isNotNull()
                .isNotEqualTo(uids.get("disky-0-root"));
        assertThat(healed.get("disky-0-data")).as("its data disk kept").isEqualTo(uids.get("disky-0-data"));
        assertThat(healed.get("disky-1-root")).isEqualTo(uids.get("disky-1-root"));

        scale("disky", 1);
        String left = awaitVms("disky", list -> list.size() == 1).get(0).getMetadata().getName();
        String gone = left.equals("disky-0") ? "disky-1" : "disky-0";
        Awaitility.await("the disks of " + gone + " deleted").atMost(Duration.ofSeconds(60))
                .until(() -> kubeVirt.disks("disky").keySet().stream().noneMatch(d -> d.startsWith(gone + "-")));
        assertThat(uids(kubeVirt.disks("disky"))).as("the disks of the VM that stays").containsOnlyKeys(
                left + "-root", left + "-data").containsEntry(left + "-data", healed.get(left + "-data"));
    }

    /** Brings every new VM up until the pool is Ready on a revision other than {@code from}; returns it. */
    private String rollOut(String pool, String from) {
        Awaitility.await("rolling update of " + pool).atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    kubeVirt.vms(pool).stream().filter(vm -> vm.getMetadata().getDeletionTimestamp() == null)
                            .filter(vm -> vm.getStatus() == null).forEach(vm -> kubeVirt.run(vm, "kwok-node-0"));
                    VMPool current = client.resources(VMPool.class).inNamespace(ns()).withName(pool).get();
                    return conditionOf("Ready", "True").test(current)
                            && !from.equals(current.getStatus().currentRevision());
                });
        return client.resources(VMPool.class).inNamespace(ns()).withName(pool).get().getStatus().currentRevision();
    }

    private static String uid(DataVolume disk) {
        return disk.getMetadata().getUid();
    }

    private static Map<String, String> uids(Map<String, DataVolume> disks) {
        return disks.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> uid(e.getValue())));
    }

    private void runAll(List<VirtualMachine> vms) {
        vms.forEach(vm -> kubeVirt.run(vm, "kwok-node-" + (VMState.ordinal(vm.getMetadata().getName()) % 3)));
    }

    private void scale(String pool, int replicas) {
        var result = ControlPlane.get().kubectl("scale", "-n", ns(), "vmpool/" + pool, "--replicas=" + replicas);
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    /** A change as a user makes it: no resourceVersion, so the operator's status writes cannot conflict with it. */
    private void editImage(String image) {
        editImage("vms", image);
    }

    private void editImage(String pool, String image) {
        client.resources(VMPool.class).inNamespace(ns()).withName(pool).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\": {\"vm\": {\"image\": \"" + image + "\"}}}");
    }

    /**
     * A pool with several apps and a large cloud-init of its own: its user-data is far past the 2,048 bytes KubeVirt
     * allows inline (the control plane enforces that as KubeVirt's webhook does), and its VMs are accepted, booting
     * it from a Secret that only the pool owns.
     */
    @Test
    void aPoolWithSeveralAppsAndALargeCloudInitHasItsVmsAccepted() {
        String files = java.util.stream.IntStream.range(0, 40).mapToObj(i -> "          - {path: /etc/motd.d/" + i
                + ", content: " + "x".repeat(60) + "}").collect(Collectors.joining("\n"));
        VMPool big = client.getKubernetesSerialization().unmarshal("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: VMPool
                metadata: {name: big}
                spec:
                  replicas: 2
                  vm:
                    memory: 2Gi
                    image: quay.io/containerdisks/debian:12
                    python: {version: "3.12", packages: ["gunicorn==23.0.0"]}
                    cloudInit: |
                      #cloud-config
                      write_files:
                %s
                """.formatted(files), VMPool.class);
        client.resource(big).inNamespace(ns()).create();
        List<String> apps = List.of("shop", "api", "admin");
        for (int i = 0; i < apps.size(); i++) {
            PythonApps.create(client, ns(), """
                    metadata: {name: %s}
                    spec:
                      image: ghcr.io/acme/%1$s:1
                      python: "3.12"
                      process: {type: wsgi, module: "app:app"}
                      port: %d
                      env: [{name: SECRET_TOKEN, value: "only-root-reads-this"}]
                      runtime: {type: VMPool, poolRef: {name: big}}
                    """.formatted(apps.get(i), 8080 + i));
        }
        List<VirtualMachine> vms = awaitVms("big", list -> list.size() == 2 && list.stream().allMatch(vm ->
                vm.getMetadata().getDeletionTimestamp() == null
                        && kubeVirt.userData(vm).contains("pyfleet-admin.service")
                        && kubeVirt.userData(vm).contains("pyfleet-shop.service")));
        String userData = kubeVirt.userData(vms.get(0));
        assertThat(userData.length()).as("user-data bytes").isGreaterThan(4096);
        assertThat(userData).contains("/etc/motd.d/39");
        // Nothing of it is in the VM, readable by whoever may read VMs.
        assertThat(client.resources(VirtualMachine.class).inNamespace(ns()).withName(vms.get(0).getMetadata()
                .getName()).get().getSpec().toString()).doesNotContain("only-root-reads-this");

        // The control: the same user-data inline is refused, as KubeVirt's webhook refuses it.
        VirtualMachine inline = vms.get(0);
        inline.getMetadata().setName("inline");
        inline.getMetadata().setResourceVersion(null);
        inline.getMetadata().setUid(null);
        inline.getMetadata().setOwnerReferences(null);
        var template = inline.getSpec().template();
        var volumes = template.spec().volumes().stream().map(v -> v.cloudInitNoCloud() == null ? v
                : new dev.pyfleet.kubevirt.VirtualMachineSpec.Volume(v.name(), null,
                        new dev.pyfleet.kubevirt.VirtualMachineSpec.CloudInitNoCloud(userData, null))).toList();
        var spec = template.spec();
        inline.setSpec(new dev.pyfleet.kubevirt.VirtualMachineSpec(inline.getSpec().runStrategy(),
                new dev.pyfleet.kubevirt.VirtualMachineSpec.Template(template.metadata(),
                        new dev.pyfleet.kubevirt.VirtualMachineSpec.InstanceSpec(spec.domain(), spec.networks(),
                                volumes, spec.schedulerName(), spec.nodeSelector(),
                                spec.terminationGracePeriodSeconds(), spec.readinessProbe(),
                                spec.unknown()))));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.resources(VirtualMachine.class)
                .inNamespace(ns()).resource(inline).create())
                .hasMessageContaining("cloudInitNoCloud userdata exceeds 2048 limit");
    }

    private List<VirtualMachine> awaitVms(String pool, Predicate<List<VirtualMachine>> condition) {
        Awaitility.await("VMs of " + pool).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> condition.test(kubeVirt.vms(pool)));
        return kubeVirt.vms(pool);
    }

    private VMPool awaitPool(String name, Predicate<VMPool> condition) {
        return client.resources(VMPool.class).inNamespace(ns()).withName(name)
                .waitUntilCondition(pool -> pool != null && pool.getStatus() != null && condition.test(pool), 90,
                        TimeUnit.SECONDS);
    }

    private static Predicate<VMPool> conditionOf(String type, String status) {
        return pool -> pool.getStatus() != null && pool.getStatus().conditions() != null
                && pool.getStatus().conditions().stream()
                        .anyMatch(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
                && pool.getMetadata().getGeneration().equals(pool.getStatus().observedGeneration());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(Object value) {
        return client.getKubernetesSerialization().convertValue(value, Map.class);
    }

    private String ns() {
        return namespace.name();
    }
}
