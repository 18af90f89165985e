package dev.pyfleet.vmpool;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyfleet.api.v1alpha1.PlacementSpec;
import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.api.v1alpha1.VMPoolSpec;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.kubevirt.VirtualMachineSpec;
import dev.pyfleet.kubevirt.VirtualMachineSpec.ContainerDisk;
import dev.pyfleet.kubevirt.VirtualMachineSpec.CloudInitNoCloud;
import dev.pyfleet.kubevirt.VirtualMachineSpec.Disk;
import dev.pyfleet.kubevirt.VirtualMachineSpec.Volume;
import dev.pyfleet.pythonapp.AppLabels;
import dev.pyfleet.status.TemplateRevision;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/**
 * The VirtualMachines of a pool, built from the pool and the apps on it (no API calls). The revision hashes the VM
 * spec, cloud-init included, so a change to the pool or to any app on it rolls the pool.
 */
public final class PoolVirtualMachines {

    /** Guest size for the scheduler extender: the launcher pod's own requests say little of the VM's. */
    public static final String GUEST_CPU_ANNOTATION = "pyfleet.dev/guest-cpu";
    public static final String GUEST_MEMORY_ANNOTATION = "pyfleet.dev/guest-memory";
    public static final String REVISION = AppLabels.REVISION;

    private final VMPool pool;
    private final VirtualMachineSpec spec;
    private final String revision;

    private PoolVirtualMachines(VMPool pool, VirtualMachineSpec spec, String revision) {
        this.pool = pool;
        this.spec = spec;
        this.revision = revision;
    }

    /** @param apps the PythonApps whose runtime is this pool; their order does not matter */
    public static PoolVirtualMachines of(VMPool pool, List<PythonApp> apps, String schedulerName) {
        List<PythonApp> sorted = apps.stream().sorted(Comparator.comparing(a -> a.getMetadata().getName())).toList();
        VirtualMachineSpec spec = spec(pool, sorted, schedulerName);
        return new PoolVirtualMachines(pool, spec, TemplateRevision.of(spec));
    }

    public String revision() {
        return revision;
    }

    public static String vmName(String pool, int ordinal) {
        return pool + "-" + ordinal;
    }

    public VirtualMachine vm(int ordinal) {
        VirtualMachine vm = new VirtualMachine();
        Map<String, String> labels = new LinkedHashMap<>(PoolLabels.of(pool));
        labels.put(REVISION, revision);
        vm.setMetadata(new ObjectMetaBuilder()
                .withName(vmName(pool.getMetadata().getName(), ordinal))
                .withNamespace(pool.getMetadata().getNamespace())
                .withLabels(labels)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(pool.getApiVersion())
                        .withKind(pool.getKind()).withName(pool.getMetadata().getName())
                        .withUid(pool.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true)
                        .build())
                .build());
        var template = spec.template();
        var templateLabels = new LinkedHashMap<>(template.metadata().getLabels());
        templateLabels.put(REVISION, revision);
        vm.setSpec(new VirtualMachineSpec(spec.runStrategy(), new VirtualMachineSpec.Template(
                new ObjectMetaBuilder(template.metadata()).withLabels(templateLabels).build(), template.spec())));
        return vm;
    }

    private static VirtualMachineSpec spec(VMPool pool, List<PythonApp> apps, String schedulerName) {
        VMPoolSpec.VMTemplate vm = pool.getSpec().vm();
        int cpu = vm.cpu() == null ? 1 : vm.cpu();
        var placement = pool.getSpec().placement();
        var strategy = placement == null || placement.strategy() == null ? PlacementSpec.Strategy.Spread
                : placement.strategy();
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(GUEST_CPU_ANNOTATION, String.valueOf(cpu));
        annotations.put(GUEST_MEMORY_ANNOTATION, vm.memory());
        annotations.put("pyfleet.dev/placement-strategy", strategy.name());
        var metadata = new ObjectMetaBuilder().withLabels(PoolLabels.of(pool)).withAnnotations(annotations).build();
        var domain = new VirtualMachineSpec.Domain(new VirtualMachineSpec.Cpu(cpu),
                new VirtualMachineSpec.Memory(vm.memory()),
                new VirtualMachineSpec.Devices(List.of(Disk.virtio("containerdisk"), Disk.virtio("cloudinitdisk")),
                        List.of(VirtualMachineSpec.Interface.masquerade("default"))));
        var volumes = List.of(
                new Volume("containerdisk", new ContainerDisk(vm.image()), null),
                new Volume("cloudinitdisk", null, new CloudInitNoCloud(CloudInitUserData.render(vm, apps))));
        var instance = new VirtualMachineSpec.InstanceSpec(domain,
                List.of(VirtualMachineSpec.Network.pod("default")), volumes, schedulerName, null, 180L);
        String runStrategy = vm.runStrategy() == null ? "Always" : vm.runStrategy().name();
        return new VirtualMachineSpec(runStrategy, new VirtualMachineSpec.Template(metadata, instance));
    }
}
