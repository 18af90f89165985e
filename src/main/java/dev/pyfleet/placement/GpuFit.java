package dev.pyfleet.placement;

/**
 * GPU awareness shared by every strategy, the whole-GPU reading of Fragmentation Gradient Descent (Weng et al.,
 * "Beware of Fragmentation", USENIX ATC 2023): of the nodes that fit, take the one where placing the pod strands
 * the fewest GPUs. A free GPU is stranded when the CPU and memory left on its node are not enough to go with it:
 * a node keeps its free GPUs usable while its free CPU and memory shrink no faster than its free GPUs. Among nodes
 * equal on that, a pod that needs GPUs takes the node it leaves with the fewest free GPUs (best fit), so that whole
 * GPU nodes stay free for the pods that need many GPUs at once.
 */
final class GpuFit {

    private GpuFit() {
    }

    /** Keys, higher better: not a GPU node wasted, fewer GPUs stranded by the placement, fewer GPUs left over. */
    static double[] keys(PodRequest pod, NodeSnapshot node, Candidates candidates) {
        return new double[] {candidates.wastesGpus(pod, node) ? 0 : 1, -(strandedAfter(pod, node) - stranded(node)),
                pod.request().gpus() == 0 ? 0 : -Fit.gpusLeft(pod, node)};
    }

    /** Free GPUs on the node that lack their proportional share of free CPU or memory. */
    static double stranded(NodeSnapshot node) {
        return stranded(node.allocatable(), node.requested());
    }

    static double strandedAfter(PodRequest pod, NodeSnapshot node) {
        return stranded(node.allocatable(), node.requested().plus(pod.request()));
    }

    private static double stranded(Resources total, Resources used) {
        long freeGpus = total.gpus() - used.gpus();
        if (total.gpus() <= 0 || freeGpus <= 0) {
            return 0;
        }
        double gpuShare = (double) freeGpus / total.gpus();
        double cpuShare = Math.max(0, 1 - Fit.share(used.cpuMilli(), total.cpuMilli()));
        double memoryShare = Math.max(0, 1 - Fit.share(used.memoryBytes(), total.memoryBytes()));
        return freeGpus * Math.max(0, 1 - Math.min(cpuShare, memoryShare) / gpuShare);
    }
}
