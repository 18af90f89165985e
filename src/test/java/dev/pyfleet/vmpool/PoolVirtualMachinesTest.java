package dev.pyfleet.vmpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.kubevirt.VirtualMachineSpec;

/** The VirtualMachines a pool is made of: names, ownership, labels, the guest's size and what it boots. */
class PoolVirtualMachinesTest {

    static VMPool pool(String extra) {
        return PoolFixtures.SERIALIZATION.unmarshal("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: VMPool
                metadata: {name: vms, namespace: demo, uid: 5f1e2d3c-0000-1111-2222-333344445555}
                spec:
                  replicas: 3
                  vm:
                    cpu: 2
                    memory: 4Gi
                    image: quay.io/containerdisks/debian:12
                    python: {version: "3.11"}
                """ + extra, VMPool.class);
    }

    static VMPool edited(String from, String to) {
        String yaml = PoolFixtures.SERIALIZATION.asYaml(pool(""));
        assertThat(yaml).contains(from);
        return PoolFixtures.SERIALIZATION.unmarshal(yaml.replace(from, to), VMPool.class);
    }

    @Test
    void eachVmIsNamedByOrdinalOwnedByThePoolAndLabelledWithItsRevision() {
        var vms = PoolVirtualMachines.of(pool(""), List.of(PoolFixtures.app("shop", "{type: wsgi, module: "
                + "\"shop.wsgi:app\"}", 8000)), "pyfleet-scheduler");
        VirtualMachine vm = vms.vm(2);
        assertThat(vm.getMetadata().getName()).isEqualTo("vms-2").isEqualTo(PoolVirtualMachines.vmName("vms", 2));
        assertThat(vm.getMetadata().getNamespace()).isEqualTo("demo");
        assertThat(vm.getMetadata().getLabels()).containsEntry("pyfleet.dev/pool", "vms")
                .containsEntry("app.kubernetes.io/managed-by", "pyfleet")
                .containsEntry("pyfleet.dev/revision", vms.revision());
        assertThat(vm.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
            assertThat(ref.getKind()).isEqualTo("VMPool");
            assertThat(ref.getUid()).isEqualTo("5f1e2d3c-0000-1111-2222-333344445555");
            assertThat(ref.getController()).isTrue();
        });
        assertThat(vm.getSpec().template().metadata().getLabels())
                .as("the launcher pod carries the pool's labels, so a Service can select it")
                .containsEntry("pyfleet.dev/pool", "vms").containsEntry("pyfleet.dev/revision", vms.revision());
    }

    @Test
    void theGuestHasThePoolsSizeImageAndUserDataAndTheExtenderLearnsItsSize() {
        VirtualMachine vm = PoolVirtualMachines.of(pool(""), List.of(), "pyfleet-scheduler").vm(0);
        VirtualMachineSpec.Template template = vm.getSpec().template();
        assertThat(vm.getSpec().runStrategy()).isEqualTo("Always");
        assertThat(template.spec().domain().cpu().cores()).isEqualTo(2);
        assertThat(template.spec().domain().memory().guest()).isEqualTo("4Gi");
        assertThat(template.spec().schedulerName()).isEqualTo("pyfleet-scheduler");
        assertThat(template.metadata().getAnnotations()).containsEntry("pyfleet.dev/guest-cpu", "2")
                .containsEntry("pyfleet.dev/guest-memory", "4Gi")
                .containsEntry("pyfleet.dev/placement-strategy", "Spread");
        assertThat(template.spec().volumes()).extracting(VirtualMachineSpec.Volume::name)
                .containsExactly("containerdisk", "cloudinitdisk");
        assertThat(template.spec().volumes().get(0).containerDisk().image())
                .isEqualTo("quay.io/containerdisks/debian:12");
        // The user-data is in a Secret named after its content, never inline (KubeVirt refuses more than 2 KiB).
        var pool = PoolVirtualMachines.of(pool(""), List.of(), "pyfleet-scheduler");
        String secret = template.spec().volumes().get(1).cloudInitNoCloud().secretRef().name();
        assertThat(template.spec().volumes().get(1).cloudInitNoCloud().userData()).isNull();
        assertThat(secret).isEqualTo(pool.userDataSecretName()).matches("vms-cloud-init-[0-9a-f]{10}");
        assertThat(pool.userDataSecret().getStringData().get("userdata")).startsWith("#cloud-config");
        assertThat(pool.userDataSecret().getImmutable()).isTrue();
        assertThat(pool.userDataSecret().getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("VMPool"));
        assertThat(template.spec().domain().devices().disks()).extracting(VirtualMachineSpec.Disk::name)
                .containsExactly("containerdisk", "cloudinitdisk");
    }

    @Test
    void runStrategyAndPlacementComeFromThePool() {
        VirtualMachine vm = PoolVirtualMachines.of(pool("""
                    runStrategy: Manual
                  placement: {strategy: BinPack}
                """), List.of(), "s").vm(0);
        assertThat(vm.getSpec().runStrategy()).isEqualTo("Manual");
        assertThat(vm.getSpec().template().metadata().getAnnotations())
                .containsEntry("pyfleet.dev/placement-strategy", "BinPack");
    }

    @Test
    void theRevisionFollowsTheVmsAndItsAppsButNotReplicasOrAppOrder() {
        var shop = PoolFixtures.app("shop", "{type: wsgi, module: \"shop.wsgi:app\"}", 8000);
        var api = PoolFixtures.app("api", "{type: asgi, module: \"api.main:app\"}", 9000);
        String revision = PoolVirtualMachines.of(pool(""), List.of(shop, api), "s").revision();
        assertThat(PoolVirtualMachines.of(pool(""), List.of(api, shop), "s").revision()).isEqualTo(revision);
        assertThat(PoolVirtualMachines.of(edited("replicas: 3", "replicas: 5"), List.of(shop, api), "s").revision())
                .isEqualTo(revision);
        assertThat(PoolVirtualMachines.of(pool(""), List.of(shop), "s").revision()).isNotEqualTo(revision);
        assertThat(PoolVirtualMachines.of(edited("cpu: 2", "cpu: 4"), List.of(shop, api), "s").revision())
                .isNotEqualTo(revision);
    }

    @Test
    void aPoolWithDisksBootsEachVmFromItsOwnRootDiskAndAttachesItsDataDisksBySerial() {
        var vms = PoolVirtualMachines.of(pool("""
                    rootDisk: {size: 20Gi}
                    dataDisks: [{name: data, size: 50Gi, mountPath: /srv/data}]
                """), List.of(), "s");
        VirtualMachineSpec.InstanceSpec spec = vms.vm(2).getSpec().template().spec();
        assertThat(spec.volumes()).extracting(VirtualMachineSpec.Volume::name)
                .containsExactly("rootdisk", "cloudinitdisk", "disk-data");
        assertThat(spec.volumes()).as("no image to boot from: the root disk holds it")
                .allMatch(v -> v.containerDisk() == null);
        assertThat(spec.volumes().get(0).dataVolume().name()).isEqualTo("vms-2-root");
        assertThat(spec.volumes().get(2).dataVolume().name()).isEqualTo("vms-2-data");
        assertThat(spec.domain().devices().disks()).extracting(VirtualMachineSpec.Disk::name)
                .containsExactly("rootdisk", "cloudinitdisk", "disk-data");
        assertThat(spec.domain().devices().disks().get(0).bootOrder()).isEqualTo(1);
        assertThat(spec.domain().devices().disks().get(2).serial())
                .as("the guest finds it as /dev/disk/by-id/virtio-data").isEqualTo("data");
        assertThat(vms.vm(0).getSpec().template().spec().volumes().get(0).dataVolume().name())
                .isEqualTo("vms-0-root");
    }

    @Test
    void aVmIsReadyOnlyWhileTheGuestsReadinessCheckPasses() {
        var probe = PoolVirtualMachines.of(pool(""), List.of(), "s").vm(0).getSpec().template().spec()
                .readinessProbe();
        assertThat(probe.httpGet().port()).isEqualTo(GuestReadiness.PORT).isEqualTo(9099);
        assertThat(probe.httpGet().path()).isEqualTo("/ready");
        assertThat(probe.periodSeconds() * probe.failureThreshold()).as("seconds of failures before unready")
                .isEqualTo(30);
    }

    @Test
    void disksAreInTheRevisionAndAPoolWithoutDisksKeepsTheRevisionItHadBefore() {
        String plain = PoolVirtualMachines.of(pool(""), List.of(), "s").revision();
        // Pinned, so that a change of what a pool without disks renders is seen (each one rolls every pool once,
        // on the operator's upgrade): disks themselves changed nothing; the app users' creation at boot, made
        // before any file is written, did (24e6fb23c1 before it), and so did the readiness probe (69ad0e635e) and
        // the quoting of strings YAML 1.1 reads as numbers (a2f19fbd3e; only the modes' quotes changed, ' to ").
        assertThat(plain).as("the revision of a pool without disks is that of its VM spec alone")
                .isEqualTo("2f315a7e12");
        String twenty = PoolVirtualMachines.of(pool("    rootDisk: {size: 20Gi}\n"), List.of(), "s").revision();
        assertThat(twenty).isNotEqualTo(plain);
        assertThat(PoolVirtualMachines.of(pool("    rootDisk: {size: 30Gi}\n"), List.of(), "s").revision())
                .as("a bigger root disk is a new revision: new VMs get it").isNotEqualTo(twenty);
        assertThat(PoolVirtualMachines.of(pool("    rootDisk: {size: 20Gi, onRollout: Keep}\n"), List.of(), "s")
                .revision()).isNotEqualTo(twenty);
        VMPool newImage = pool("    rootDisk: {size: 20Gi}\n");
        assertThat(PoolVirtualMachines.of(PoolFixtures.SERIALIZATION.unmarshal(PoolFixtures.SERIALIZATION
                .asYaml(newImage).replace("debian:12", "debian:13"), VMPool.class), List.of(), "s").revision())
                .as("the image is only in the root disk's source, and a new image is a new revision")
                .isNotEqualTo(twenty);
    }
}
