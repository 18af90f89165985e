package dev.pyfleet.kubevirt;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A request to KubeVirt to move a running VM instance to another node live; the scheduler places the instance's new
 * launcher Pod. PyFleet writes the instance's name and reads how the migration ended.
 */
@Group("kubevirt.io")
@Version("v1")
@Kind("VirtualMachineInstanceMigration")
@Plural("virtualmachineinstancemigrations")
public class VirtualMachineInstanceMigration extends CustomResource<VirtualMachineInstanceMigration.Spec,
        VirtualMachineInstanceMigration.Status> implements Namespaced {

    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Spec(String vmiName, @JsonAnySetter @JsonAnyGetter Map<String, Object> unknown) {

        public Spec(String vmiName) {
            this(vmiName, new java.util.LinkedHashMap<>());
        }
    }

    /** @param phase Pending, Scheduling, Scheduled, PreparingTarget, TargetReady, Running, Succeeded or Failed */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(String phase, @JsonAnySetter @JsonAnyGetter Map<String, Object> unknown) {

        public Status(String phase) {
            this(phase, new java.util.LinkedHashMap<>());
        }
    }
}
