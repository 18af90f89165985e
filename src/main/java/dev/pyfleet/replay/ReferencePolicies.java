package dev.pyfleet.replay;

import java.util.Comparator;
import java.util.List;
import java.util.Random;

import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PodRequest;

/**
 * What PyFleet is compared with. kube-scheduler is emulated as its scoring plugins compute (integer scores 0-100
 * per plugin, summed by weight) and choosing as it does among equal top scores: uniformly at random (seeded, so
 * that a replay is repeatable).
 */
public final class ReferencePolicies {

    private static final int MAX_NODE_SCORE = 100;

    private ReferencePolicies() {
    }

    /** The default profile's resource scoring: NodeResourcesFit LeastAllocated + NodeResourcesBalancedAllocation. */
    public static Policy kubeSchedulerDefault() {
        return new KubeScheduler("kube-scheduler default", false);
    }

    /** NodeResourcesFit with the MostAllocated strategy, the usual bin-packing configuration. */
    public static Policy mostAllocated() {
        return new KubeScheduler("kube-scheduler MostAllocated", true);
    }

    /** The first node by name that fits. */
    public static Policy firstFit() {
        return new Policy() {
            @Override
            public String name() {
                return "first-fit";
            }

            @Override
            public String choose(PodRequest pod, List<NodeSnapshot> fits) {
                return fits.stream().map(NodeSnapshot::name).min(Comparator.naturalOrder()).orElseThrow();
            }
        };
    }

    private static final class KubeScheduler implements Policy {

        private final String name;
        private final boolean mostAllocated;
        private final Random random = new Random(1);

        KubeScheduler(String name, boolean mostAllocated) {
            this.name = name;
            this.mostAllocated = mostAllocated;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String choose(PodRequest pod, List<NodeSnapshot> fits) {
            long best = Long.MIN_VALUE;
            String chosen = null;
            int ties = 0;
            for (NodeSnapshot node : fits) {
                long score = mostAllocated ? fit(pod, node, true) : fit(pod, node, false) + balanced(pod, node);
                if (score > best) {
                    best = score;
                    chosen = node.name();
                    ties = 1;
                } else if (score == best && random.nextInt(++ties) == 0) {
                    chosen = node.name();
                }
            }
            return chosen;
        }

        /** NodeResourcesFit: per resource (cpu, memory, weight 1 each) the free or used share x 100, as integers. */
        private static long fit(PodRequest pod, NodeSnapshot node, boolean most) {
            long cpu = share(node.requested().cpuMilli() + pod.request().cpuMilli(), node.allocatable().cpuMilli(),
                    most);
            long memory = share(node.requested().memoryBytes() + pod.request().memoryBytes(),
                    node.allocatable().memoryBytes(), most);
            return (cpu + memory) / 2;
        }

        private static long share(long requested, long capacity, boolean most) {
            if (capacity == 0 || requested > capacity) {
                return 0;
            }
            return most ? requested * MAX_NODE_SCORE / capacity : (capacity - requested) * MAX_NODE_SCORE / capacity;
        }

        /** NodeResourcesBalancedAllocation: (1 - standard deviation of the cpu and memory shares) x 100. */
        private static long balanced(PodRequest pod, NodeSnapshot node) {
            double cpu = Math.min(1, (double) (node.requested().cpuMilli() + pod.request().cpuMilli())
                    / node.allocatable().cpuMilli());
            double memory = Math.min(1, (double) (node.requested().memoryBytes() + pod.request().memoryBytes())
                    / node.allocatable().memoryBytes());
            double std = Math.abs(cpu - memory) / 2;
            return (long) ((1 - std) * MAX_NODE_SCORE);
        }
    }
}
