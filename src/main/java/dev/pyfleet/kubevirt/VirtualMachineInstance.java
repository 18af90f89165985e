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

/** A running instance of a VirtualMachine; PyFleet reads only where it runs and in which phase. */
@Group("kubevirt.io")
@Version("v1")
@Kind("VirtualMachineInstance")
@Plural("virtualmachineinstances")
public class VirtualMachineInstance
        extends CustomResource<Map<String, Object>, VirtualMachineInstance.Status> implements Namespaced {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(String phase, String nodeName,
            @JsonAnySetter @JsonAnyGetter Map<String, Object> unknown) {

        public Status(String phase, String nodeName) {
            this(phase, nodeName, new java.util.LinkedHashMap<>());
        }
    }
}
