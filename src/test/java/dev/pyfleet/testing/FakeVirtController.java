package dev.pyfleet.testing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.kubevirt.VirtualMachineInstance;
import dev.pyfleet.kubevirt.VirtualMachineStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Plays KubeVirt's virt-controller where a test needs a VM that runs: writes the VM's status, an instance that names
 * its node, and a launcher pod (bound to a fake node, which KWOK then runs) carrying the VM template's labels.
 */
public final class FakeVirtController {

    private final KubernetesClient client;
    private final String namespace;

    public FakeVirtController(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public List<VirtualMachine> vms(String pool) {
        return client.resources(VirtualMachine.class).inNamespace(namespace).withLabel("pyfleet.dev/pool", pool)
                .list().getItems();
    }

    /** Marks the VM running and Ready on the given node. */
    public void run(VirtualMachine vm, String node) {
        setStatus(vm, new VirtualMachineStatus("Running", true, true, List.of(readyCondition("True")), null));
        String name = vm.getMetadata().getName();
        VirtualMachineInstance vmi = new VirtualMachineInstance();
        vmi.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
                .withLabels(vm.getSpec().template().metadata().getLabels()).build());
        vmi.setSpec(Map.of("domain", Map.of("devices", Map.of())));
        // KubeVirt's VMI CRD has no status subresource: the status is written with the object.
        vmi.setStatus(new VirtualMachineInstance.Status("Running", node));
        var instances = client.resources(VirtualMachineInstance.class).inNamespace(namespace);
        VirtualMachineInstance instance = instances.withName(name).get();
        if (instance == null) {
            instance = instances.resource(vmi).create();
        }
        if (client.pods().inNamespace(namespace).withName("virt-launcher-" + name).get() == null) {
            var template = vm.getSpec().template().metadata();
            // As KubeVirt makes it: the template's labels and annotations, controlled by the instance.
            client.pods().inNamespace(namespace).resource(new PodBuilder()
                    .withNewMetadata().withName("virt-launcher-" + name)
                    .withLabels(new HashMap<>(template.getLabels()))
                    .withAnnotations(template.getAnnotations() == null ? Map.of()
                            : new HashMap<>(template.getAnnotations()))
                    .addNewOwnerReference().withApiVersion("kubevirt.io/v1").withKind("VirtualMachineInstance")
                    .withName(name).withUid(instance.getMetadata().getUid()).withController(true)
                    .withBlockOwnerDeletion(true).endOwnerReference().endMetadata()
                    .withNewSpec().withNodeName(node).addNewContainer().withName("compute")
                    .withImage("quay.io/kubevirt/virt-launcher:v1.6.0").endContainer().endSpec().build()).create();
        }
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
