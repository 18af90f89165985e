package dev.pyfleet.kubevirt;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A running instance of a VirtualMachine; PyFleet reads where it runs, in which phase, and whether KubeVirt can move
 * it live (its {@code LiveMigratable} condition).
 */
@Group("kubevirt.io")
@Version("v1")
@Kind("VirtualMachineInstance")
@Plural("virtualmachineinstances")
public class VirtualMachineInstance
        extends CustomResource<Map<String, Object>, VirtualMachineInstance.Status> implements Namespaced {

    public static final String LIVE_MIGRATABLE = "LiveMigratable";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(String phase, String nodeName, List<Condition> conditions,
            @JsonAnySetter @JsonAnyGetter Map<String, Object> unknown) {

        public Status(String phase, String nodeName) {
            this(phase, nodeName, null, new java.util.LinkedHashMap<>());
        }

        public Status(String phase, String nodeName, List<Condition> conditions) {
            this(phase, nodeName, conditions, new java.util.LinkedHashMap<>());
        }

        /** The condition of that type, if KubeVirt reports it. */
        public Optional<Condition> condition(String type) {
            return conditions == null ? Optional.empty()
                    : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
        }
    }
}
