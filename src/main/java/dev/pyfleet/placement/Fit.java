package dev.pyfleet.placement;

/** Shares of a node's allocatable resources, before and after placing a pod; the numbers all strategies use. */
final class Fit {

    private Fit() {
    }

    static double share(long used, long total) {
        return total <= 0 ? 0 : (double) used / total;
    }

    static double cpuAfter(PodRequest pod, NodeSnapshot node) {
        return share(node.requested().cpuMilli() + pod.request().cpuMilli(), node.allocatable().cpuMilli());
    }

    static double memoryAfter(PodRequest pod, NodeSnapshot node) {
        return share(node.requested().memoryBytes() + pod.request().memoryBytes(), node.allocatable().memoryBytes());
    }

    static double ephemeralAfter(PodRequest pod, NodeSnapshot node) {
        return share(node.requested().ephemeralBytes() + pod.request().ephemeralBytes(),
                node.allocatable().ephemeralBytes());
    }

    /** Whether the pod asks for ephemeral storage: then the strategies weigh it beside CPU and memory. */
    static boolean countsEphemeral(PodRequest pod) {
        return pod.request().ephemeralBytes() > 0;
    }

    /** GPUs left free on the node after placing the pod (0 on a node without GPUs). */
    static long gpusLeft(PodRequest pod, NodeSnapshot node) {
        return Math.max(0, node.free().gpus() - pod.request().gpus());
    }

    static String percent(double share) {
        return Math.round(100 * share) + "%";
    }
}
