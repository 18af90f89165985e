package dev.pyfleet.placement;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a ranking needs to know about the candidate nodes as a whole, computed once per decision: whether a node
 * without free GPUs could take the pod, how many of the pod's app run in each topology domain, the sizes above which
 * a node counts among the largest, and the mean CPU and memory shares, and ephemeral storage's for a pod that asks
 * for some (summed in sorted order, so that not even the last bit depends on the order the nodes came in).
 */
record Candidates(boolean someNodeWithoutGpus, Map<String, Integer> appPodsByDomain, long largeCpu,
        long largeMemory, double meanCpu, double meanMemory, double meanEphemeral) {

    /** The share of candidates, by size, below which a node is not among the largest that are kept back. */
    static final double LARGE = 0.9;

    static Candidates of(PodRequest pod, List<NodeSnapshot> nodes) {
        boolean withoutGpus = false;
        Map<String, Integer> byDomain = new HashMap<>();
        for (NodeSnapshot node : nodes) {
            withoutGpus |= node.free().gpus() <= 0;
            String domain = domain(pod, node);
            if (domain != null) {
                byDomain.merge(domain, node.podsOf(pod.app()), Integer::sum);
            }
        }
        double cpu = mean(nodes.stream().mapToDouble(n -> Fit.share(n.requested().cpuMilli(),
                n.allocatable().cpuMilli())));
        double memory = mean(nodes.stream().mapToDouble(n -> Fit.share(n.requested().memoryBytes(),
                n.allocatable().memoryBytes())));
        double ephemeral = !Fit.countsEphemeral(pod) ? 0 : mean(nodes.stream().mapToDouble(n -> Fit.share(
                n.requested().ephemeralBytes(), n.allocatable().ephemeralBytes())));
        return new Candidates(withoutGpus, byDomain, quantile(nodes, true), quantile(nodes, false), cpu, memory,
                ephemeral);
    }

    private static double mean(java.util.stream.DoubleStream shares) {
        return shares.sorted().average().orElse(0);
    }

    private static long quantile(List<NodeSnapshot> nodes, boolean cpu) {
        long[] sizes = nodes.stream().mapToLong(n -> cpu ? n.allocatable().cpuMilli() : n.allocatable().memoryBytes())
                .sorted().toArray();
        return sizes.length == 0 ? 0 : sizes[(int) (LARGE * sizes.length)];
    }

    /**
     * Whether the node is empty and among the largest candidates (larger in CPU or memory than nine in ten of
     * them): such nodes are the only ones that can take the largest pods, so they are opened last (Borg's
     * avoidance of stranded capacity: a small pod there would deny a large one its only place).
     */
    boolean keptForLargePods(NodeSnapshot node) {
        return node.requested().pods() == 0
                && (node.allocatable().cpuMilli() > largeCpu || node.allocatable().memoryBytes() > largeMemory);
    }

    /** The node's value of the pod's spread topology key, or null when the pod has none or the node lacks it. */
    static String domain(PodRequest pod, NodeSnapshot node) {
        return pod.spreadKey() == null || pod.spreadKey().isEmpty() ? null : node.labels().get(pod.spreadKey());
    }

    int appPodsIn(PodRequest pod, NodeSnapshot node) {
        String domain = domain(pod, node);
        return domain == null ? 0 : appPodsByDomain.getOrDefault(domain, 0);
    }

    /**
     * GPUs are the scarcest thing a node offers: a pod that needs none is kept off nodes with free GPUs for as long
     * as a node without free GPUs can take it (FGD's observation, that GPU-less tasks on GPU nodes strand GPUs). A GPU
     * node whose GPUs are all taken is an ordinary node.
     */
    boolean wastesGpus(PodRequest pod, NodeSnapshot node) {
        return pod.request().gpus() == 0 && node.free().gpus() > 0 && someNodeWithoutGpus;
    }
}
