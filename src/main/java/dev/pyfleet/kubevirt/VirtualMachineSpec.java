package dev.pyfleet.kubevirt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/** {@code VirtualMachine.spec}: how to run the VM and the template of its instances. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record VirtualMachineSpec(String runStrategy, Template template,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> unknown) {

    public VirtualMachineSpec(String runStrategy, Template template) {
        this(runStrategy, template, new LinkedHashMap<>());
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Template(ObjectMeta metadata, InstanceSpec spec,
            @JsonAnySetter @JsonAnyGetter Map<String, Object> unknown) {

        public Template(ObjectMeta metadata, InstanceSpec spec) {
            this(metadata, spec, new LinkedHashMap<>());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record InstanceSpec(Domain domain, List<Network> networks, List<Volume> volumes, String schedulerName,
            Map<String, String> nodeSelector, Long terminationGracePeriodSeconds, Probe readinessProbe,
            @JsonAnySetter @JsonAnyGetter Map<String, Object> unknown) {

        public InstanceSpec(Domain domain, List<Network> networks, List<Volume> volumes, String schedulerName,
                Map<String, String> nodeSelector, Long terminationGracePeriodSeconds, Probe readinessProbe) {
            this(domain, networks, volumes, schedulerName, nodeSelector, terminationGracePeriodSeconds,
                    readinessProbe, new LinkedHashMap<>());
        }
    }

    /**
     * A probe of the guest, as a Pod's: with the masquerade binding KubeVirt runs it from the launcher Pod, and the
     * instance (so the VM) is Ready only while it passes.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Probe(HttpGet httpGet, Integer initialDelaySeconds, Integer periodSeconds, Integer timeoutSeconds,
            Integer failureThreshold) {
    }

    public record HttpGet(Integer port, String path) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Domain(Cpu cpu, Memory memory, Devices devices,
            @JsonAnySetter @JsonAnyGetter Map<String, Object> unknown) {

        public Domain(Cpu cpu, Memory memory, Devices devices) {
            this(cpu, memory, devices, new LinkedHashMap<>());
        }
    }

    public record Cpu(Integer cores) {
    }

    public record Memory(String guest) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Devices(List<Disk> disks, List<Interface> interfaces,
            @JsonAnySetter @JsonAnyGetter Map<String, Object> unknown) {

        public Devices(List<Disk> disks, List<Interface> interfaces) {
            this(disks, interfaces, new LinkedHashMap<>());
        }
    }

    /**
     * A disk attached to the volume of the same name, on the virtio bus; the guest sees a disk with a serial as
     * {@code /dev/disk/by-id/virtio-<serial>}, and boots from the disk of the lowest boot order.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Disk(String name, DiskTarget disk, Integer bootOrder, String serial) {

        public static Disk virtio(String name) {
            return new Disk(name, new DiskTarget("virtio"), null, null);
        }

        public Disk bootFirst() {
            return new Disk(name, disk, 1, serial);
        }

        public Disk withSerial(String value) {
            return new Disk(name, disk, bootOrder, value);
        }
    }

    public record DiskTarget(String bus) {
    }

    /** The pod network, reached through masquerade (NAT), the binding KubeVirt recommends for it. */
    public record Interface(String name, Map<String, Object> masquerade) {

        public static Interface masquerade(String name) {
            return new Interface(name, Map.of());
        }
    }

    public record Network(String name, Map<String, Object> pod) {

        public static Network pod(String name) {
            return new Network(name, Map.of());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Volume(String name, ContainerDisk containerDisk, CloudInitNoCloud cloudInitNoCloud,
            DataVolumeSource dataVolume) {

        public Volume(String name, ContainerDisk containerDisk, CloudInitNoCloud cloudInitNoCloud) {
            this(name, containerDisk, cloudInitNoCloud, null);
        }

        /** A disk that is the claim of the DataVolume of that name. */
        public static Volume dataVolume(String name, String dataVolume) {
            return new Volume(name, null, null, new DataVolumeSource(dataVolume));
        }
    }

    public record DataVolumeSource(String name) {
    }

    public record ContainerDisk(String image) {
    }

    /**
     * User-data inline ({@code userData}, at most 2,048 bytes under KubeVirt's admission) or in a Secret's
     * {@code userdata} key ({@code secretRef}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CloudInitNoCloud(String userData, SecretRef secretRef) {
    }

    public record SecretRef(String name) {
    }
}
