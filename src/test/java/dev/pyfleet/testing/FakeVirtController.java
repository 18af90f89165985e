package dev.pyfleet.testing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.pyfleet.kubevirt.DataVolume;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.kubevirt.VirtualMachineInstance;
import dev.pyfleet.kubevirt.VirtualMachineInstanceMigration;
import dev.pyfleet.kubevirt.VirtualMachineStatus;
import dev.pyfleet.vmpool.PoolVirtualMachines;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Plays KubeVirt's virt-controller where a test needs a VM that runs: writes the VM's status, an instance that names
 * its node, and a launcher pod (bound to a fake node, which KWOK then runs) carrying the VM template's labels; and,
 * on request, moves VMs by live migration or restart ({@link #moves}).
 */
public final class FakeVirtController {

    private final KubernetesClient client;
    private final String namespace;
    /** The VMs {@link #run} ran, and whether their instances can be migrated live. */
    private final Map<String, Boolean> ran = new java.util.concurrent.ConcurrentHashMap<>();

    public FakeVirtController(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** The pool's disks, by name. */
    public Map<String, DataVolume> disks(String pool) {
        Map<String, DataVolume> disks = new java.util.TreeMap<>();
        client.resources(DataVolume.class).inNamespace(namespace).withLabel("pyfleet.dev/pool", pool).list()
                .getItems().forEach(disk -> disks.put(disk.getMetadata().getName(), disk));
        return disks;
    }

    /** The user-data the VM boots with, from the Secret it names ("" while that Secret does not exist). */
    public String userData(VirtualMachine vm) {
        String secret = PoolVirtualMachines.userDataSecretOf(vm).orElseThrow();
        var stored = client.secrets().inNamespace(namespace).withName(secret).get();
        return stored == null ? "" : new String(java.util.Base64.getDecoder().decode(
                stored.getData().get(PoolVirtualMachines.USER_DATA_KEY)), java.nio.charset.StandardCharsets.UTF_8);
    }

    public List<VirtualMachine> vms(String pool) {
        return client.resources(VirtualMachine.class).inNamespace(namespace).withLabel("pyfleet.dev/pool", pool)
                .list().getItems();
    }

    /** Marks the VM running and Ready on the given node; KubeVirt says its instance can be migrated live. */
    public void run(VirtualMachine vm, String node) {
        run(vm, node, true);
    }

    /**
     * Marks the VM running and Ready on the given node, its instance LiveMigratable or not. As KubeVirt, it starts
     * no VM before the DataVolumes it names exist: a test that asks for one fails.
     */
    public void run(VirtualMachine vm, String node, boolean liveMigratable) {
        vm.getSpec().template().spec().volumes().stream().filter(v -> v.dataVolume() != null)
                .map(v -> v.dataVolume().name()).forEach(disk -> {
                    if (client.resources(DataVolume.class).inNamespace(namespace).withName(disk).get() == null) {
                        throw new IllegalStateException(vm.getMetadata().getName() + " names the DataVolume " + disk
                                + ", which does not exist: KubeVirt would not start it");
                    }
                });
        setStatus(vm, new VirtualMachineStatus("Running", true, true, List.of(readyCondition("True")), null));
        String name = vm.getMetadata().getName();
        VirtualMachineInstance vmi = instanceOf(vm, "Running", node, liveMigratable);
        ran.put(name, liveMigratable);
        var instances = client.resources(VirtualMachineInstance.class).inNamespace(namespace);
        VirtualMachineInstance instance = instances.withName(name).get();
        if (instance == null) {
            instance = instances.resource(vmi).create();
        }
        if (client.pods().inNamespace(namespace).withName("virt-launcher-" + name).get() == null) {
            client.pods().inNamespace(namespace).resource(launcher(vm, instance, "virt-launcher-" + name, node))
                    .create();
        }
    }

    /**
     * A launcher Pod as KubeVirt makes it: the template's labels and annotations, controlled by the instance, asking
     * for the VM's cores and guest memory. Bound to {@code node}, or left to the template's scheduler when null.
     */
    private Pod launcher(VirtualMachine vm, VirtualMachineInstance instance, String name, String node) {
        var template = vm.getSpec().template();
        var domain = template.spec().domain();
        Map<String, Quantity> requests = new HashMap<>();
        if (domain != null && domain.cpu() != null && domain.cpu().cores() != null) {
            requests.put("cpu", new Quantity(String.valueOf(domain.cpu().cores())));
        }
        if (domain != null && domain.memory() != null && domain.memory().guest() != null) {
            requests.put("memory", new Quantity(domain.memory().guest()));
        }
        return new PodBuilder()
                .withNewMetadata().withName(name)
                .withLabels(new HashMap<>(template.metadata().getLabels()))
                .withAnnotations(template.metadata().getAnnotations() == null ? Map.of()
                        : new HashMap<>(template.metadata().getAnnotations()))
                .addNewOwnerReference().withApiVersion("kubevirt.io/v1").withKind("VirtualMachineInstance")
                .withName(instance.getMetadata().getName()).withUid(instance.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).endOwnerReference().endMetadata()
                .withNewSpec().withNodeName(node)
                .withSchedulerName(node == null ? template.spec().schedulerName() : null)
                .addNewContainer().withName("compute").withImage("quay.io/kubevirt/virt-launcher:v1.6.0")
                .withNewResources().withRequests(requests).endResources().endContainer().endSpec().build();
    }

    /**
     * Plays KubeVirt's part in moving VMs until closed. For each migration of this namespace, a target launcher Pod
     * left to the VM template's scheduler; once that Pod is bound and Ready, the instance runs on its node, the source
     * launcher Pod goes, and the migration Succeeded (a migration of an instance that is gone Failed). For each VM
     * this controller ran whose instance was deleted, if its runStrategy is Always: a new instance, whose launcher Pod
     * is left to the scheduler and which runs where that Pod is bound once it is Ready.
     */
    public AutoCloseable moves() {
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "fake-virt-moves");
            thread.setDaemon(true);
            return thread;
        });
        loop.scheduleWithFixedDelay(() -> {
            try {
                client.resources(VirtualMachineInstanceMigration.class).inNamespace(namespace).list().getItems()
                        .forEach(this::advance);
                client.resources(VirtualMachine.class).inNamespace(namespace).list().getItems()
                        .forEach(this::restart);
            } catch (RuntimeException e) {
                // Next round: the cluster may be busy, or the namespace on its way out.
            }
        }, 0, 250, TimeUnit.MILLISECONDS);
        return loop::shutdownNow;
    }

    private void restart(VirtualMachine vm) {
        String name = vm.getMetadata().getName();
        Boolean liveMigratable = ran.get(name);
        if (liveMigratable == null || !"Always".equals(vm.getSpec().runStrategy())) {
            return;
        }
        var instances = client.resources(VirtualMachineInstance.class).inNamespace(namespace);
        VirtualMachineInstance instance = instances.withName(name).get();
        if (instance == null) {
            VirtualMachineInstance created = instances.resource(instanceOf(vm, "Scheduling", null, liveMigratable))
                    .create();
            client.pods().inNamespace(namespace).resource(launcher(vm, created,
                    "virt-launcher-" + name + "-" + created.getMetadata().getUid().substring(0, 5), null)).create();
            return;
        }
        if (instance.getStatus() != null && instance.getStatus().nodeName() != null) {
            return;
        }
        client.pods().inNamespace(namespace).list().getItems().stream()
                .filter(p -> p.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> instance.getMetadata().getUid().equals(o.getUid())))
                .filter(p -> p.getSpec().getNodeName() != null && PythonApps.isReady(p)).findFirst()
                .ifPresent(p -> {
                    instance.setStatus(new VirtualMachineInstance.Status("Running", p.getSpec().getNodeName(),
                            conditions(liveMigratable)));
                    instances.resource(instance).update();
                });
    }

    /** The VM's instance as virt-controller makes it, in the given phase and on the given node (null: none yet). */
    private VirtualMachineInstance instanceOf(VirtualMachine vm, String phase, String node, boolean liveMigratable) {
        VirtualMachineInstance vmi = new VirtualMachineInstance();
        vmi.setMetadata(new ObjectMetaBuilder().withName(vm.getMetadata().getName()).withNamespace(namespace)
                .withLabels(vm.getSpec().template().metadata().getLabels()).build());
        vmi.setSpec(Map.of("domain", Map.of("devices", Map.of())));
        // KubeVirt's VMI CRD has no status subresource: the status is written with the object.
        vmi.setStatus(new VirtualMachineInstance.Status(phase, node, conditions(liveMigratable)));
        return vmi;
    }

    private static List<io.fabric8.kubernetes.api.model.Condition> conditions(boolean liveMigratable) {
        return List.of(new ConditionBuilder().withType(VirtualMachineInstance.LIVE_MIGRATABLE)
                .withStatus(liveMigratable ? "True" : "False")
                .withReason(liveMigratable ? null : "DisksNotLiveMigratable")
                .withMessage(liveMigratable ? null : "a local disk cannot be migrated").build());
    }

    private void advance(VirtualMachineInstanceMigration migration) {
        String phase = migration.getStatus() == null ? null : migration.getStatus().phase();
        if (VirtualMachineInstanceMigration.SUCCEEDED.equals(phase)
                || VirtualMachineInstanceMigration.FAILED.equals(phase)) {
            return;
        }
        String vmiName = migration.getSpec().vmiName();
        VirtualMachineInstance instance = client.resources(VirtualMachineInstance.class).inNamespace(namespace)
                .withName(vmiName).get();
        VirtualMachine vm = client.resources(VirtualMachine.class).inNamespace(namespace).withName(vmiName).get();
        if (instance == null || vm == null) {
            setPhase(migration, VirtualMachineInstanceMigration.FAILED);
            return;
        }
        String targetName = "virt-launcher-" + vmiName + "-" + migration.getMetadata().getUid().substring(0, 5);
        Pod target = client.pods().inNamespace(namespace).withName(targetName).get();
        if (target == null) {
            client.pods().inNamespace(namespace).resource(launcher(vm, instance, targetName, null)).create();
            setPhase(migration, "Scheduling");
            return;
        }
        String node = target.getSpec().getNodeName();
        if (node == null || !PythonApps.isReady(target)) {
            return;
        }
        instance.setStatus(new VirtualMachineInstance.Status("Running", node, instance.getStatus().conditions()));
        client.resources(VirtualMachineInstance.class).inNamespace(namespace).resource(instance).update();
        client.pods().inNamespace(namespace).list().getItems().stream()
                .filter(p -> !p.getMetadata().getName().equals(targetName))
                .filter(p -> p.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> instance.getMetadata().getUid().equals(o.getUid())))
                .forEach(p -> client.pods().resource(p).withGracePeriod(0).delete());
        setPhase(migration, VirtualMachineInstanceMigration.SUCCEEDED);
    }

    private void setPhase(VirtualMachineInstanceMigration migration, String phase) {
        migration.setStatus(new VirtualMachineInstanceMigration.Status(phase));
        client.resources(VirtualMachineInstanceMigration.class).inNamespace(namespace).resource(migration).update();
    }

    /** Marks the VM as failing to start, as virt-controller does after crashes. */
    public void fail(VirtualMachine vm, int consecutiveFailures) {
        setStatus(vm, new VirtualMachineStatus("CrashLoopBackOff", false, true, List.of(readyCondition("False")),
                new VirtualMachineStatus.StartFailure(consecutiveFailures, null)));
    }

    public void unready(VirtualMachine vm) {
        setStatus(vm, new VirtualMachineStatus("Running", false, true, List.of(readyCondition("False")), null));
    }

    private void setStatus(VirtualMachine vm, VirtualMachineStatus status) {
        VirtualMachine current = client.resources(VirtualMachine.class).inNamespace(namespace)
                .withName(vm.getMetadata().getName()).get();
        current.setStatus(status);
        client.resources(VirtualMachine.class).inNamespace(namespace).resource(current).updateStatus();
    }

    private static io.fabric8.kubernetes.api.model.Condition readyCondition(String status) {
        return new ConditionBuilder().withType("Ready").withStatus(status)
                .withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).build();
    }
}
