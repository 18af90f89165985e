package dev.pyfleet.vmpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.kubevirt.DataVolume;

/** What happens to a pool's disks: made before their VM, replaced or kept on rollouts, kept or deleted after it. */
class PoolDisksTest {

    static final String DISKS = """
                rootDisk: {size: 20Gi, storageClassName: fast%s}
                dataDisks:
                  - {name: data, size: 50Gi, mountPath: /srv/data}
                  - {name: cache, size: 5Gi, storageClassName: scratch, mountPath: /srv/cache}
            """;

    static PoolDisks disks(String rootExtra, String retention) {
        return new PoolDisks(pool(rootExtra, retention));
    }

    static VMPool pool(String rootExtra, String retention) {
        return PoolFixtures.SERIALIZATION.unmarshal("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: VMPool
                metadata: {name: vms, namespace: demo}
                spec:
                  replicas: 3
                  vm:
                    memory: 4Gi
                    image: quay.io/containerdisks/debian:12
                    python: {version: "3.12"}
                """ + DISKS.formatted(rootExtra) + retention, VMPool.class);
    }

    static Map<String, DataVolume> byName(List<DataVolume> disks) {
        return disks.stream().collect(Collectors.toMap(d -> d.getMetadata().getName(), Function.identity()));
    }

    @Test
    void eachVmHasItsOwnRootDiskFromTheImageAndBlankDataDisksOfTheAskedSizesAndClasses() {
        Map<String, DataVolume> made = byName(disks("", "").desired(1, "rev1"));
        assertThat(made).containsOnlyKeys("vms-1-root", "vms-1-data", "vms-1-cache");

        DataVolume root = made.get("vms-1-root");
        assertThat(root.getSpec().source().registry().url()).isEqualTo("docker://quay.io/containerdisks/debian:12");
        assertThat(root.getSpec().storage().size()).isEqualTo("20Gi");
        assertThat(root.getSpec().storage().storageClassName()).isEqualTo("fast");
        assertThat(root.getMetadata().getLabels()).containsEntry(Labels.POOL, "vms").containsEntry(Labels.VM, "vms-1")
                .containsEntry(Labels.DISK, "root").containsEntry(Labels.REVISION, "rev1")
                .containsEntry(Labels.MANAGED_BY, Labels.MANAGER);
        assertThat(root.getMetadata().getOwnerReferences()).as("a disk outlives its VM and its pool").isEmpty();
        assertThat(root.getMetadata().getAnnotations()).containsEntry(DataVolume.DELETE_AFTER_COMPLETION, "false");

        DataVolume cache = made.get("vms-1-cache");
        assertThat(cache.getSpec().source().blank()).isEmpty();
        assertThat(cache.getSpec().source().registry()).isNull();
        assertThat(cache.getSpec().storage().size()).isEqualTo("5Gi");
        assertThat(cache.getSpec().storage().storageClassName()).isEqualTo("scratch");
        assertThat(cache.getMetadata().getLabels()).doesNotContainKey(Labels.REVISION);
        assertThat(made.get("vms-1-data").getSpec().storage().storageClassName())
                .as("no class: the cluster's default").isNull();
    }

    @Test
    void missingDisksAreMadeAndTheVmMayFollowAtOnce() {
        PoolDisks.Preparation prep = disks("", "").prepare(0, "rev1", Map.of());
        assertThat(prep.ready()).isTrue();
        assertThat(prep.create()).extracting(d -> d.getMetadata().getName())
                .containsExactly("vms-0-root", "vms-0-data", "vms-0-cache");
        assertThat(prep.delete()).isEmpty();
    }

    @Test
    void onARolloutTheRootDiskIsReplacedByDefaultAndDataDisksAreKept() {
        PoolDisks disks = disks("", "");
        Map<String, DataVolume> old = byName(disks.desired(0, "rev1"));

        PoolDisks.Preparation first = disks.prepare(0, "rev2", old);
        assertThat(first.ready()).as("the VM waits for its old root disk to go").isFalse();
        assertThat(first.delete()).containsExactly("vms-0-root");
        assertThat(first.create()).isEmpty();
        assertThat(first.waitsFor()).hasValueSatisfying(m -> assertThat(m).contains("vms-0", "vms-0-root"));

        Map<String, DataVolume> rootGone = byName(disks.desired(0, "rev1").stream()
                .filter(d -> !d.getMetadata().getName().endsWith("-root")).toList());
        PoolDisks.Preparation then = disks.prepare(0, "rev2", rootGone);
        assertThat(then.ready()).isTrue();
        assertThat(then.create()).singleElement().satisfies(d -> {
            assertThat(d.getMetadata().getName()).isEqualTo("vms-0-root");
            assertThat(d.getMetadata().getLabels()).containsEntry(Labels.REVISION, "rev2");
        });
        assertThat(then.delete()).as("data disks are never replaced").isEmpty();
    }

    @Test
    void aRootDiskThePoolKeepsStaysThroughARollout() {
        PoolDisks disks = disks(", onRollout: Keep", "");
        PoolDisks.Preparation prep = disks.prepare(0, "rev2", byName(disks.desired(0, "rev1")));
        assertThat(prep.ready()).isTrue();
        assertThat(prep.create()).isEmpty();
        assertThat(prep.delete()).isEmpty();
    }

    @Test
    void aDiskBeingDeletedIsWaitedForAndADiskOfThatNameNotThisPoolsIsNeverTouched() {
        PoolDisks disks = disks("", "");
        Map<String, DataVolume> current = byName(disks.desired(0, "rev1"));
        current.get("vms-0-data").getMetadata().setDeletionTimestamp("2026-12-06T10:00:00Z");
        PoolDisks.Preparation waiting = disks.prepare(0, "rev1", current);
        assertThat(waiting.ready()).isFalse();
        assertThat(waiting.waitsFor()).hasValueSatisfying(m -> assertThat(m).contains("vms-0-data is being deleted"));
        assertThat(waiting.create()).isEmpty();

        Map<String, DataVolume> foreign = byName(disks.desired(0, "rev1"));
        foreign.get("vms-0-root").getMetadata().setLabels(Map.of("team", "db"));
        PoolDisks.Preparation taken = disks.prepare(0, "rev2", foreign);
        assertThat(taken.ready()).isFalse();
        assertThat(taken.delete()).as("someone else's disk is never deleted").isEmpty();
        assertThat(taken.taken()).hasValueSatisfying(m -> assertThat(m).contains("vms-0-root", "not this pool's"));
    }

    @Test
    void autoHealingKeepsEveryDiskByDefaultAndReplacesOnlyTheRootDiskWhenAsked() {
        List<DataVolume> all = java.util.stream.IntStream.range(0, 3).boxed()
                .flatMap(i -> disks("", "").desired(i, "rev1").stream()).toList();
        assertThat(disks("", "").healed(List.of("vms-2"), all)).isEmpty();
        PoolDisks replacing = disks("", "  diskRetention: {whenHealed: ReplaceRootDisk}\n");
        assertThat(replacing.healed(List.of("vms-2"), all)).containsExactly("vms-2-root");
        DataVolume foreign = replacing.desired(1, "rev1").get(0);
        foreign.getMetadata().setLabels(Map.of("team", "db"));
        assertThat(replacing.healed(List.of("vms-1"), List.of(foreign))).as("not this pool's").isEmpty();
    }

    @Test
    void aScaleDownKeepsTheDisksByDefaultAndDeletesThoseOfOrdinalsWithoutAVmWhenAsked() {
        List<DataVolume> all = java.util.stream.IntStream.range(0, 4).boxed()
                .flatMap(i -> disks("", "").desired(i, "rev1").stream()).toList();
        assertThat(disks("", "").scaledAway(all, Set.of(0))).as("Retain, the default").isEmpty();

        PoolDisks deleting = disks("", "  diskRetention: {whenScaledDown: Delete}\n");
        assertThat(deleting.scaledAway(all, Set.of(0, 2))).containsExactlyInAnyOrder("vms-1-root", "vms-1-data",
                "vms-1-cache", "vms-3-root", "vms-3-data", "vms-3-cache");

        DataVolume foreign = deleting.desired(5, "rev1").get(0);
        foreign.getMetadata().setLabels(Map.of(Labels.VM, "vms-5"));
        assertThat(deleting.scaledAway(List.of(foreign), Set.of())).as("not this pool's").isEmpty();
    }
}
