package dev.pyfleet.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.placement.Strategy;
import dev.pyfleet.pythonapp.AppPodTemplate;
import dev.pyfleet.vmpool.PoolVirtualMachines;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The extender reads what the controllers write: a Pod built by the PythonApp controller and a launcher pod of a VM
 * built by the VMPool controller (as KubeVirt makes it from the VM's template) carry everything placement needs,
 * under the keys the extender looks for. A key renamed on one side only fails here.
 */
class WrittenAndReadLabelsTest {

    static final KubernetesSerialization YAML = new KubernetesSerialization();

    @Test
    void anAppsPodIsSeenAsTheAppsWithItsPlacementSettings() {
        PythonApp app = YAML.unmarshal("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: PythonApp
                metadata: {name: shop, namespace: demo, uid: 0a1b2c3d-0000-1111-2222-333344445555}
                spec:
                  image: ghcr.io/acme/shop:1
                  process: {type: wsgi, module: "shop.wsgi:app"}
                  resources: {requests: {cpu: 250m, memory: 256Mi}}
                  placement: {strategy: Spread, maxPerNode: 2, topologyKey: topology.kubernetes.io/zone}
                """, PythonApp.class);
        Pod pod = AppPodTemplate.of(app, "pyfleet-scheduler").pod(0);

        assertThat(PodRequests.isPyFleets(pod)).isTrue();
        PodRequest request = PodRequests.of(pod);
        assertThat(request.app()).isEqualTo("demo/shop");
        assertThat(request.strategy()).isEqualTo(Strategy.Spread);
        assertThat(request.maxPerNode()).isEqualTo(2);
        assertThat(request.spreadKey()).isEqualTo("topology.kubernetes.io/zone");
        assertThat(request.request().cpuMilli()).isEqualTo(250);
    }

    @Test
    void aLauncherPodOfAPoolsVmIsSeenAsThePoolsWithTheGuestsSize() {
        VMPool pool = YAML.unmarshal("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: VMPool
                metadata: {name: vms, namespace: demo, uid: 5f1e2d3c-0000-1111-2222-333344445555}
                spec:
                  replicas: 1
                  vm: {cpu: 3, memory: 6Gi, image: quay.io/containerdisks/debian:12, python: {version: "3.11"}}
                  placement: {strategy: BinPack}
                """, VMPool.class);
        VirtualMachine vm = PoolVirtualMachines.of(pool, List.of(), "pyfleet-scheduler").vm(0);
        var template = vm.getSpec().template().metadata();
        // KubeVirt copies the template's labels and annotations to the launcher pod, controlled by the instance.
        Pod launcher = new PodBuilder().withNewMetadata().withName("virt-launcher-vms-0-abcde").withNamespace("demo")
                .withLabels(template.getLabels()).withAnnotations(template.getAnnotations())
                .addNewOwnerReference().withApiVersion("kubevirt.io/v1").withKind("VirtualMachineInstance")
                .withName(vm.getMetadata().getName()).withUid("vmi-uid").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().addNewContainer().withName("compute").endContainer().endSpec().build();

        assertThat(PodRequests.isPyFleets(launcher)).isTrue();
        PodRequest request = PodRequests.of(launcher);
        assertThat(request.app()).isEqualTo("demo/vms");
        assertThat(request.strategy()).isEqualTo(Strategy.BinPack);
        assertThat(request.request().cpuMilli()).isEqualTo(3000);
        assertThat(request.request().memoryBytes()).isEqualTo(6L << 30);
    }
}
