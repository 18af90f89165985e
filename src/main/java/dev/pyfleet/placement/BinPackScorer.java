package dev.pyfleet.placement;

/**
 * BinPack: fewest nodes. A node already in use is always preferred to an empty one (opening a node is the cost
 * being minimised), and among nodes in use the one left fullest after placing wins: best fit over CPU and memory
 * (kube-scheduler's MostAllocated, at full precision). When a node must be opened, the largest for the
 * pod's shape is, since it holds the most pods before another must be opened; except the very largest nodes, kept
 * for pods only they can take (see {@link Candidates#keptForLargePods}). First-fit opens nodes in name order and
 * MostAllocated opens the smallest node that fits; both use more nodes.
 */
final class BinPackScorer implements NodeScorer {

    @Override
    public double[] keys(PodRequest pod, NodeSnapshot node, Candidates candidates) {
        boolean inUse = node.requested().pods() > 0;
        return Keys.of(GpuFit.keys(pod, node, candidates), inUse ? 1 : 0, candidates.keptForLargePods(node) ? 0 : 1,
                inUse ? fullness(pod, node) : opening(pod, node));
    }

    @Override
    public String why(PodRequest pod, NodeSnapshot node, Candidates candidates) {
        return (node.requested().pods() > 0 ? "in use" : "empty") + ", cpu " + Fit.percent(Fit.cpuAfter(pod, node))
                + ", memory " + Fit.percent(Fit.memoryAfter(pod, node))
                + (Fit.countsEphemeral(pod) ? ", ephemeral-storage " + Fit.percent(Fit.ephemeralAfter(pod, node)) : "")
                + " after placing";
    }

    /**
     * Mean of the CPU and memory shares used after placing, and of the ephemeral storage share for a pod that asks
     * for some (GPUs are packed by {@link GpuFit} before this).
     */
    static double fullness(PodRequest pod, NodeSnapshot node) {
        return Fit.countsEphemeral(pod)
                ? (Fit.cpuAfter(pod, node) + Fit.memoryAfter(pod, node) + Fit.ephemeralAfter(pod, node)) / 3
                : (Fit.cpuAfter(pod, node) + Fit.memoryAfter(pod, node)) / 2;
    }

    /** For an empty node: the one the pod leaves emptiest, i.e. the largest for the pod's shape. */
    static double opening(PodRequest pod, NodeSnapshot node) {
        return -fullness(pod, node);
    }
}
