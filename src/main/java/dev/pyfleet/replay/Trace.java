package dev.pyfleet.replay;

import java.util.List;

/** Nodes and pods to replay: the pods in the order they arrive. */
public record Trace(List<TraceNode> nodes, List<TracePod> pods) {

    /** A node: capacity and, for GPU nodes, the GPU model (what a pod's gpu spec can ask for). */
    public record TraceNode(String name, long cpuMilli, long memoryBytes, long gpus, String model) {
    }

    /**
     * A pod: requests, and the GPU models it may run on (empty for any).
     *
     * @param gpus whole GPUs; a pod sharing part of one GPU counts one, as Kubernetes' nvidia.com/gpu does
     */
    public record TracePod(String name, long cpuMilli, long memoryBytes, long gpus, List<String> models,
            long created) {
    }

    /** The same trace with every GPU removed from nodes and pods: the cpu + memory view of it. */
    public Trace withoutGpus() {
        return new Trace(nodes.stream().map(n -> new TraceNode(n.name(), n.cpuMilli(), n.memoryBytes(), 0, ""))
                .toList(),
                pods.stream().map(p -> new TracePod(p.name(), p.cpuMilli(), p.memoryBytes(), 0, List.of(),
                        p.created())).toList());
    }
}
