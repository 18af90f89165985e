package dev.pyfleet.extender;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Pod;

/** kube-scheduler's extender wire types (k8s.io/kube-scheduler/extender/v1): JSON names are the Go field names. */
public final class ExtenderProtocol {

    private ExtenderProtocol() {
    }

    /** ExtenderArgs: with nodeCacheCapable the scheduler sends NodeNames, otherwise whole Nodes. */
    public record Args(@JsonProperty("Pod") Pod pod, @JsonProperty("Nodes") NodeList nodes,
            @JsonProperty("NodeNames") List<String> nodeNames) {
    }

    /** ExtenderFilterResult. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FilterResult(@JsonProperty("Nodes") NodeList nodes, @JsonProperty("NodeNames") List<String> nodeNames,
            @JsonProperty("FailedNodes") Map<String, String> failedNodes,
            @JsonProperty("FailedAndUnresolvableNodes") Map<String, String> failedAndUnresolvableNodes,
            @JsonProperty("Error") String error) {
    }

    /** HostPriority; the scheduler reads a list of them, scores 0 to 10. */
    public record HostPriority(@JsonProperty("Host") String host, @JsonProperty("Score") long score) {
    }
}
