package dev.pyfleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.pyfleet.testing.ClusterNamespace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** KubeVirt's own CRDs validate what is written to the test API server, exactly as in a KubeVirt cluster. */
class KubeVirtCrdIT {

    static final ResourceDefinitionContext VIRTUAL_MACHINES = new ResourceDefinitionContext.Builder()
            .withGroup("kubevirt.io").withVersion("v1").withKind("VirtualMachine").withPlural("virtualmachines")
            .withNamespaced(true).build();

    @RegisterExtension
    static final ClusterNamespace cluster = ClusterNamespace.withKubeVirt("kubevirt");

    @Test
    void minimalVirtualMachineIsAcceptedAndKeptAsWritten() {
        GenericKubernetesResource vm = virtualMachine("""
                metadata: {name: minimal}
                spec:
                  runStrategy: Halted
                  template:
                    spec:
                      domain:
                        cpu: {cores: 2}
                        memory: {guest: 2Gi}
                        devices:
                          disks: [{name: root, disk: {bus: virtio}}]
                      volumes:
                        - name: root
                          containerDisk: {image: "quay.io/containerdisks/debian:12"}
                """);

        GenericKubernetesResource created = virtualMachines().resource(vm).create();

        assertThat(created.getMetadata().getUid()).isNotBlank();
        assertThat(created.getAdditionalProperties().get("spec")).isEqualTo(vm.getAdditionalProperties().get("spec"));
    }

    @Test
    void virtualMachineWithoutATemplateIsRejectedByKubeVirtsSchema() {
        GenericKubernetesResource vm = virtualMachine("""
                metadata: {name: no-template}
                spec: {runStrategy: Always}
                """);

        assertThatThrownBy(() -> virtualMachines().resource(vm).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.template");
                });
    }

    @Test
    void virtualMachineWithCoresGivenAsTextIsRejected() {
        GenericKubernetesResource vm = virtualMachine("""
                metadata: {name: text-cores}
                spec:
                  template:
                    spec:
                      domain:
                        cpu: {cores: two}
                        devices: {}
                """);

        assertThatThrownBy(() -> virtualMachines().resource(vm).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.template.spec.domain.cpu.cores");
                });
    }

    private static NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> virtualMachines() {
        return cluster.client().genericKubernetesResources(VIRTUAL_MACHINES).inNamespace(cluster.namespace());
    }

    private static GenericKubernetesResource virtualMachine(String yaml) {
        return cluster.client().getKubernetesSerialization().unmarshal(
                "apiVersion: kubevirt.io/v1\nkind: VirtualMachine\n" + yaml, GenericKubernetesResource.class);
    }
}
