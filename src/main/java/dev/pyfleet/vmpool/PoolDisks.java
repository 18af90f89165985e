package dev.pyfleet.vmpool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.api.v1alpha1.VMPoolSpec;
import dev.pyfleet.api.v1alpha1.VMPoolSpec.DiskRetention;
import dev.pyfleet.api.v1alpha1.VMPoolSpec.RootDisk;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.kubevirt.DataVolume;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * A pool's persistent disks: one DataVolume per VM ordinal and disk, named {@code <pool>-<ordinal>-root} and
 * {@code <pool>-<ordinal>-<data disk>}. They are not owned by the VM (nor by the pool), so a VM can go and the next
 * VM at its ordinal find its disks; what a rollout, a scale-down or auto-healing does to them is decided here.
 * Pure: the reconciler reads and writes.
 */
public final class PoolDisks {

    public static final String ROOT = "root";

    private final String pool;
    private final String namespace;
    private final String image;
    private final RootDisk root;
    private final List<VMPoolSpec.DataDisk> data;
    private final DiskRetention.WhenScaledDown whenScaledDown;
    private final DiskRetention.WhenHealed whenHealed;

    PoolDisks(VMPool pool) {
        VMPoolSpec spec = pool.getSpec();
        this.pool = pool.getMetadata().getName();
        this.namespace = pool.getMetadata().getNamespace();
        this.image = spec.vm().image();
        this.root = spec.vm().rootDisk();
        this.data = Objects.requireNonNullElse(spec.vm().dataDisks(), List.of());
        DiskRetention retention = spec.diskRetention();
        this.whenScaledDown = retention == null || retention.whenScaledDown() == null
                ? DiskRetention.WhenScaledDown.Retain : retention.whenScaledDown();
        this.whenHealed = retention == null || retention.whenHealed() == null ? DiskRetention.WhenHealed.Retain
                : retention.whenHealed();
    }

    public static String name(String pool, int ordinal, String disk) {
        return PoolVirtualMachines.vmName(pool, ordinal) + "-" + disk;
    }

    /** Whether the pool's VMs have disks of their own at all. */
    boolean any() {
        return root != null || !data.isEmpty();
    }

    /** The names of the disks of the VM at that ordinal. */
    List<String> names(int ordinal) {
        List<String> names = new ArrayList<>();
        if (root != null) {
            names.add(name(pool, ordinal, ROOT));
        }
        data.forEach(disk -> names.add(name(pool, ordinal, disk.name())));
        return names;
    }

    /** The root disk is replaced on a rollout unless the pool keeps it. */
    private boolean replaceRootOnRollout() {
        return root != null && root.onRollout() != RootDisk.OnRollout.Keep;
    }

    /** The DataVolumes of the VM at that ordinal, as made for a VM of that revision. */
    List<DataVolume> desired(int ordinal, String revision) {
        List<DataVolume> disks = new ArrayList<>();
        if (root != null) {
            disks.add(dataVolume(ordinal, ROOT, revision, DataVolume.Source.image(image),
                    DataVolume.Storage.of(root.size(), root.storageClassName())));
        }
        for (VMPoolSpec.DataDisk disk : data) {
            disks.add(dataVolume(ordinal, disk.name(), null, DataVolume.Source.blankDisk(),
                    DataVolume.Storage.of(disk.size(), disk.storageClassName())));
        }
        return disks;
    }

    private DataVolume dataVolume(int ordinal, String disk, String revision, DataVolume.Source source,
            DataVolume.Storage storage) {
        Map<String, String> labels = new LinkedHashMap<>(Labels.ofPool(pool));
        labels.put(Labels.VM, PoolVirtualMachines.vmName(pool, ordinal));
        labels.put(Labels.DISK, disk);
        if (revision != null) {
            labels.put(Labels.REVISION, revision);
        }
        DataVolume volume = new DataVolume();
        volume.setMetadata(new ObjectMetaBuilder().withName(name(pool, ordinal, disk)).withNamespace(namespace)
                .withLabels(labels).withAnnotations(Map.of(DataVolume.DELETE_AFTER_COMPLETION, "false")).build());
        volume.setSpec(new DataVolume.Spec(source, storage));
        return volume;
    }

    /** What to do before the VM at an ordinal is created: disks to make or delete, or why it must wait. */
    record Preparation(List<DataVolume> create, List<String> delete, Optional<String> waitsFor,
            Optional<String> taken) {

        boolean ready() {
            return waitsFor.isEmpty() && taken.isEmpty();
        }
    }

    /**
     * Prepares the disks of a VM about to be created at that ordinal, from its disks as they are now (read fresh,
     * by name; absent ones missing). A missing disk is made; a root disk made for another revision is deleted
     * first where the pool replaces root disks on rollouts, and the VM waits until it is gone, as it waits for
     * any disk still being deleted. A disk of that name that is not this pool's is never touched.
     */
    Preparation prepare(int ordinal, String revision, Map<String, DataVolume> current) {
        List<DataVolume> create = new ArrayList<>();
        List<String> delete = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (DataVolume wanted : desired(ordinal, revision)) {
            String name = wanted.getMetadata().getName();
            DataVolume disk = current.get(name);
            if (disk == null) {
                create.add(wanted);
            } else if (!ours(disk)) {
                return new Preparation(List.of(), List.of(), Optional.empty(), Optional.of(
                        "a DataVolume named " + name + " exists and is not this pool's; remove or rename it"));
            } else if (disk.getMetadata().getDeletionTimestamp() != null) {
                waiting.add(name + " is being deleted");
            } else if (ROOT.equals(wanted.getMetadata().getLabels().get(Labels.DISK)) && replaceRootOnRollout()
                    && !revision.equals(disk.getMetadata().getLabels().get(Labels.REVISION))) {
                delete.add(name);
                waiting.add(name + " is replaced with a fresh one from the image");
            }
        }
        if (!waiting.isEmpty()) {
            return new Preparation(List.of(), delete, Optional.of(PoolVirtualMachines.vmName(pool, ordinal)
                    + " waits for its disks: " + String.join(", ", waiting)), Optional.empty());
        }
        return new Preparation(create, List.of(), Optional.empty(), Optional.empty());
    }

    private boolean ours(DataVolume disk) {
        Map<String, String> labels = disk.getMetadata().getLabels();
        return Labels.managedByPyFleet(labels) && pool.equals(labels.get(Labels.POOL));
    }

    /** This pool's root disks to delete with VMs auto-healing recreates, where the pool replaces them. */
    List<String> healed(List<String> healedVms, List<DataVolume> disks) {
        if (root == null || whenHealed != DiskRetention.WhenHealed.ReplaceRootDisk) {
            return List.of();
        }
        Set<String> roots = new java.util.HashSet<>();
        healedVms.forEach(vm -> roots.add(vm + "-" + ROOT));
        return disks.stream().filter(this::ours).map(disk -> disk.getMetadata().getName()).filter(roots::contains)
                .toList();
    }

    /**
     * The disks to delete because their VM was removed by a scale-down, where the pool deletes them: this pool's
     * disks whose ordinal holds no VM (not even one going away) and gets none in this step.
     */
    List<String> scaledAway(List<DataVolume> disks, Set<Integer> occupied) {
        if (whenScaledDown != DiskRetention.WhenScaledDown.Delete) {
            return List.of();
        }
        return disks.stream().filter(this::ours).filter(disk -> disk.getMetadata().getDeletionTimestamp() == null)
                .filter(disk -> {
                    int ordinal = VMState.ordinal(disk.getMetadata().getLabels().getOrDefault(Labels.VM, ""));
                    return ordinal >= 0 && !occupied.contains(ordinal);
                })
                .map(disk -> disk.getMetadata().getName()).toList();
    }
}
