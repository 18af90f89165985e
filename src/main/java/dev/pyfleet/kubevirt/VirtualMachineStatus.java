package dev.pyfleet.kubevirt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Condition;

/** {@code VirtualMachine.status} as virt-controller writes it; PyFleet only reads it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VirtualMachineStatus(String printableStatus, Boolean ready, Boolean created,
        List<Condition> conditions, StartFailure startFailure,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> unknown) {

    public VirtualMachineStatus(String printableStatus, Boolean ready, Boolean created, List<Condition> conditions,
            StartFailure startFailure) {
        this(printableStatus, ready, created, conditions, startFailure, new LinkedHashMap<>());
    }

    /** Set while KubeVirt backs off restarting a VM that keeps failing to start. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StartFailure(Integer consecutiveFailCount, String retryAfterTimestamp) {
    }
}
