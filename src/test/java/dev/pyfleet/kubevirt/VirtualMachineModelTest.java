package dev.pyfleet.kubevirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

class VirtualMachineModelTest {

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static final String FROM_CLUSTER = """
            apiVersion: kubevirt.io/v1
            kind: VirtualMachine
            metadata: {name: vm-0, namespace: demo}
            spec:
              runStrategy: Always
              dataVolumeTemplates: [{metadata: {name: dv}, spec: {storage: {}}}]
              template:
                metadata: {labels: {a: b}}
                spec:
                  domain:
                    cpu: {cores: 2}
                    memory: {guest: 2Gi}
                    firmware: {bootloader: {efi: {}}}
                    devices: {disks: [{name: root, disk: {bus: virtio}}], autoattachSerialConsole: true}
                  evictionStrategy: LiveMigrate
                  volumes: [{name: root, containerDisk: {image: img}}]
            status:
              printableStatus: Running
              ready: true
              startFailure: {consecutiveFailCount: 2}
              volumeSnapshotStatuses: [{name: root, enabled: false}]
            """;

    @Test
    void fieldsTheModelDoesNotKnowSurviveAReadAndWrite() {
        VirtualMachine vm = SERIALIZATION.unmarshal(FROM_CLUSTER, VirtualMachine.class);

        assertThat(vm.getSpec().runStrategy()).isEqualTo("Always");
        assertThat(vm.getSpec().template().spec().domain().cpu().cores()).isEqualTo(2);
        assertThat(vm.getStatus().startFailure().consecutiveFailCount()).isEqualTo(2);

        @SuppressWarnings("unchecked")
        Map<String, Object> original = SERIALIZATION.unmarshal(FROM_CLUSTER, Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> written = SERIALIZATION.convertValue(vm, Map.class);
        assertThat(written.get("spec")).isEqualTo(original.get("spec"));
        assertThat(written.get("status")).isEqualTo(original.get("status"));
    }
}
