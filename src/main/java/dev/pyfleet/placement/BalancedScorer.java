package dev.pyfleet.placement;

/**
 * Balanced: even load across nodes, for CPU and memory alike (and ephemeral storage, for a pod that asks for some). The
 * node where the pod adds least to the spread of CPU and memory shares across the nodes wins: a greedy descent on the
 * sum of their variances. kube-scheduler's LeastAllocated fills the emptiest node, which this does too, but this also
 * counts how big a step the pod is for the node, and, like BalancedAllocation, sends a CPU-hungry pod where CPU is the
 * less used resource. The very largest nodes are kept for pods only they can take, as BinPack keeps them.
 */
final class BalancedScorer implements NodeScorer {

    @Override
    public double[] keys(PodRequest pod, NodeSnapshot node, Candidates candidates) {
        return Keys.of(GpuFit.keys(pod, node, candidates), own(pod, node, candidates));
    }

    /** Balanced's own keys, after the GPU keys every strategy starts with. */
    static double[] own(PodRequest pod, NodeSnapshot node, Candidates candidates) {
        return new double[] {candidates.keptForLargePods(node) ? 0 : 1,
                -varianceAdded(pod, node, candidates)};
    }

    @Override
    public String why(PodRequest pod, NodeSnapshot node, Candidates candidates) {
        boolean disk = Fit.countsEphemeral(pod);
        return "cpu " + Fit.percent(Fit.cpuAfter(pod, node)) + ", memory " + Fit.percent(Fit.memoryAfter(pod, node))
                + (disk ? ", ephemeral-storage " + Fit.percent(Fit.ephemeralAfter(pod, node)) : "")
                + " after placing (mean of the candidates: cpu " + Fit.percent(candidates.meanCpu()) + ", memory "
                + Fit.percent(candidates.meanMemory())
                + (disk ? ", ephemeral-storage " + Fit.percent(candidates.meanEphemeral()) : "") + ")";
    }

    /**
     * How much placing the pod here adds to the variance of the CPU and memory shares across the candidates: for a
     * node at share u, of mean m, taking a share d, the sum of squared deviations grows by d(2(u - m) + d). Taking
     * the node where this is least evens load (it is negative below the mean) and also weighs the pod's size
     * against the node's: a large pod on a small node adds more spread than on a large node at the same level.
     */
    static double varianceAdded(PodRequest pod, NodeSnapshot node, Candidates candidates) {
        double cpu = Fit.share(node.requested().cpuMilli(), node.allocatable().cpuMilli());
        double memory = Fit.share(node.requested().memoryBytes(), node.allocatable().memoryBytes());
        double dCpu = Fit.cpuAfter(pod, node) - cpu;
        double dMemory = Fit.memoryAfter(pod, node) - memory;
        double added = dCpu * (2 * (cpu - candidates.meanCpu()) + dCpu)
                + dMemory * (2 * (memory - candidates.meanMemory()) + dMemory);
        if (!Fit.countsEphemeral(pod)) {
            return added;
        }
        double ephemeral = Fit.share(node.requested().ephemeralBytes(), node.allocatable().ephemeralBytes());
        double dEphemeral = Fit.ephemeralAfter(pod, node) - ephemeral;
        return added + dEphemeral * (2 * (ephemeral - candidates.meanEphemeral()) + dEphemeral);
    }
}
