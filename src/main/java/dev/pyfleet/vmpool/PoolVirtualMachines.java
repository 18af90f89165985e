package dev.pyfleet.vmpool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.api.v1alpha1.VMPoolSpec;
import dev.pyfleet.app.EffectivePoolSpec;
import dev.pyfleet.kube.Annotations;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.kube.Ownership;
import dev.pyfleet.kube.TemplateRevision;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.kubevirt.VirtualMachineSpec.CloudInitNoCloud;
import dev.pyfleet.kubevirt.VirtualMachineSpec.ContainerDisk;
import dev.pyfleet.kubevirt.VirtualMachineSpec.Disk;
import dev.pyfleet.kubevirt.VirtualMachineSpec.SecretRef;
import dev.pyfleet.kubevirt.VirtualMachineSpec.Volume;
import dev.pyfleet.kubevirt.VirtualMachineSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * The VirtualMachines of a pool, built from the pool and the apps on it (no API calls), and the Secret with their
 * cloud-init. The revision hashes the VM spec, which names that Secret by its content, so a change to the pool or
 * to any app on it rolls the pool.
 */
public final class PoolVirtualMachines {

    /** The key of the user-data in its Secret, as KubeVirt reads it. */
    public static final String USER_DATA_KEY = "userdata";

    private final VMPool pool;
    private final VirtualMachineSpec spec;
    private final String revision;
    private final String userData;
    private final String userDataSecret;

    private PoolVirtualMachines(VMPool pool, VirtualMachineSpec spec, String userData, String userDataSecret) {
        this.pool = pool;
        this.spec = spec;
        VMPoolSpec.VMTemplate vm = pool.getSpec().vm();
        // With a root disk the image, and the disks' sizes and classes, are not in the VM: they count too. A pool
        // without disks keeps the revision it had before disks existed, so an upgrade of the operator rolls no pool.
        this.revision = vm.rootDisk() == null && (vm.dataDisks() == null || vm.dataDisks().isEmpty())
                ? TemplateRevision.of(spec)
                : TemplateRevision.of(List.of(spec, vm.image(), Objects.requireNonNullElse(vm.rootDisk(), Map.of()),
                        Objects.requireNonNullElse(vm.dataDisks(), List.of())));
        this.userData = userData;
        this.userDataSecret = userDataSecret;
    }

    /** @param apps the PythonApps whose runtime is this pool; their order does not matter */
    public static PoolVirtualMachines of(VMPool pool, List<PythonApp> apps, String schedulerName) {
        List<PythonApp> sorted = apps.stream().sorted(Comparator.comparing(a -> a.getMetadata().getName())).toList();
        String userData = CloudInitUserData.render(pool.getSpec().vm(), sorted);
        String secret = userDataSecretName(pool.getMetadata().getName(), userData);
        return new PoolVirtualMachines(pool, spec(pool, secret, schedulerName), userData, secret);
    }

    /**
     * The Secret holding the VMs' user-data: named after its content, so a new user-data is a new Secret (and a new
     * revision), and a VM always boots the user-data of its own revision. Kept out of the VM because KubeVirt
     * refuses inline user-data over 2,048 bytes, and because whoever may read VMs may not read Secrets (the
     * user-data carries the apps' env values and the pool's cloud-init).
     */
    public static String userDataSecretName(String pool, String userData) {
        return pool + "-cloud-init-" + TemplateRevision.of(userData);
    }

    public String userDataSecretName() {
        return userDataSecret;
    }

    /** The Secret with this revision's user-data, owned by the pool (deleted with it). */
    public Secret userDataSecret() {
        return new SecretBuilder().withNewMetadata().withName(userDataSecret)
                .withNamespace(pool.getMetadata().getNamespace())
                .withLabels(Labels.ofPool(pool.getMetadata().getName()))
                .addToOwnerReferences(Ownership.controlledBy(pool))
                .endMetadata().withType("Opaque").withImmutable(true)
                .withStringData(Map.of(USER_DATA_KEY, userData)).build();
    }

    /** The user-data Secret a VM boots with, if it names one. */
    public static java.util.Optional<String> userDataSecretOf(VirtualMachine vm) {
        if (vm.getSpec() == null || vm.getSpec().template() == null || vm.getSpec().template().spec() == null
                || vm.getSpec().template().spec().volumes() == null) {
            return java.util.Optional.empty();
        }
        return vm.getSpec().template().spec().volumes().stream()
                .filter(v -> v.cloudInitNoCloud() != null && v.cloudInitNoCloud().secretRef() != null)
                .map(v -> v.cloudInitNoCloud().secretRef().name()).findFirst();
    }

    public String revision() {
        return revision;
    }

    public static String vmName(String pool, int ordinal) {
        return pool + "-" + ordinal;
    }

    public VirtualMachine vm(int ordinal) {
        VirtualMachine vm = new VirtualMachine();
        Map<String, String> labels = new LinkedHashMap<>(Labels.ofPool(pool.getMetadata().getName()));
        labels.put(Labels.REVISION, revision);
        vm.setMetadata(new ObjectMetaBuilder()
                .withName(vmName(pool.getMetadata().getName(), ordinal))
                .withNamespace(pool.getMetadata().getNamespace())
                .withLabels(labels)
                .withOwnerReferences(Ownership.controlledBy(pool))
                .build());
        var template = spec.template();
        var templateLabels = new LinkedHashMap<>(template.metadata().getLabels());
        templateLabels.put(Labels.REVISION, revision);
        vm.setSpec(new VirtualMachineSpec(spec.runStrategy(), new VirtualMachineSpec.Template(
                new ObjectMetaBuilder(template.metadata()).withLabels(templateLabels).build(),
                withDisksOf(template.spec(), ordinal))));
        return vm;
    }

    /** The template's disk volumes name a disk ({@code root}, a data disk); a VM's name that disk of its ordinal. */
    private VirtualMachineSpec.InstanceSpec withDisksOf(VirtualMachineSpec.InstanceSpec template, int ordinal) {
        if (template.volumes().stream().allMatch(v -> v.dataVolume() == null)) {
            return template;
        }
        List<Volume> volumes = template.volumes().stream().map(v -> v.dataVolume() == null ? v
                : Volume.dataVolume(v.name(), PoolDisks.name(pool.getMetadata().getName(), ordinal,
                        v.dataVolume().name()))).toList();
        return new VirtualMachineSpec.InstanceSpec(template.domain(), template.networks(), volumes,
                template.schedulerName(), template.nodeSelector(), template.terminationGracePeriodSeconds(),
                template.readinessProbe(), template.unknown());
    }

    private static VirtualMachineSpec spec(VMPool pool, String userDataSecret, String schedulerName) {
        VMPoolSpec.VMTemplate vm = pool.getSpec().vm();
        EffectivePoolSpec effective = new EffectivePoolSpec(pool.getSpec());
        int cpu = effective.cpu();
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(Annotations.GUEST_CPU, String.valueOf(cpu));
        annotations.put(Annotations.GUEST_MEMORY, vm.memory());
        annotations.put(Annotations.PLACEMENT_STRATEGY, effective.strategy().name());
        var metadata = new ObjectMetaBuilder().withLabels(Labels.ofPool(pool.getMetadata().getName()))
                .withAnnotations(annotations).build();
        List<Disk> disks = new ArrayList<>();
        List<Volume> volumes = new ArrayList<>();
        if (vm.rootDisk() == null) {
            disks.add(Disk.virtio("containerdisk"));
            volumes.add(new Volume("containerdisk", new ContainerDisk(vm.image()), null));
        } else {
            disks.add(Disk.virtio("rootdisk").bootFirst());
            volumes.add(Volume.dataVolume("rootdisk", PoolDisks.ROOT));
        }
        disks.add(Disk.virtio("cloudinitdisk"));
        volumes.add(new Volume("cloudinitdisk", null, new CloudInitNoCloud(null, new SecretRef(userDataSecret))));
        for (VMPoolSpec.DataDisk data : Objects.requireNonNullElse(vm.dataDisks(),
                List.<VMPoolSpec.DataDisk>of())) {
            disks.add(Disk.virtio("disk-" + data.name()).withSerial(data.name()));
            volumes.add(Volume.dataVolume("disk-" + data.name(), data.name()));
        }
        var domain = new VirtualMachineSpec.Domain(new VirtualMachineSpec.Cpu(cpu),
                new VirtualMachineSpec.Memory(vm.memory()),
                new VirtualMachineSpec.Devices(disks, List.of(VirtualMachineSpec.Interface.masquerade("default"))));
        var instance = new VirtualMachineSpec.InstanceSpec(domain,
                List.of(VirtualMachineSpec.Network.pod("default")), volumes, schedulerName, null, 180L,
                GuestReadiness.probe());
        return new VirtualMachineSpec(effective.runStrategy(), new VirtualMachineSpec.Template(metadata, instance));
    }
}
