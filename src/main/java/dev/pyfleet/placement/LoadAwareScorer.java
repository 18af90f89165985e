package dev.pyfleet.placement;

/**
 * LoadAware: the least loaded node by measured usage (metrics.k8s.io) where it is served, by requests where it is
 * not, keeping headroom: a node whose busiest resource would pass {@link #HEADROOM} after placing is taken only when
 * no node stays below it, even one of the largest nodes that other strategies keep for large pods (Trimaran's
 * TargetLoadPacking and LoadVariationRiskBalancing keep such a margin too). GPUs are still kept for GPU pods.
 */
final class LoadAwareScorer implements NodeScorer {

    /** Load above which a node is avoided: room for usage to grow before requests catch up. */
    static final double HEADROOM = 0.8;

    @Override
    public double[] keys(PodRequest pod, NodeSnapshot node, Candidates candidates) {
        double load = loadAfter(pod, node);
        return Keys.of(GpuFit.keys(pod, node, candidates), load <= HEADROOM ? 1 : 0,
                candidates.keptForLargePods(node) ? 0 : 1, -load);
    }

    @Override
    public String why(PodRequest pod, NodeSnapshot node, Candidates candidates) {
        return (node.usage().isPresent() ? "measured" : "requested") + " load " + Fit.percent(loadAfter(pod, node))
                + " after placing";
    }

    /** Measured usage where known (requests where not), plus the pod; the busier of CPU and memory counts. */
    static double loadAfter(PodRequest pod, NodeSnapshot node) {
        Resources used = node.usage().orElse(node.requested());
        return Math.max(Fit.share(used.cpuMilli() + pod.request().cpuMilli(), node.allocatable().cpuMilli()),
                Fit.share(used.memoryBytes() + pod.request().memoryBytes(), node.allocatable().memoryBytes()));
    }
}
