package dev.pyfleet.rebalance;

/** What a rebalance is asked to improve; every objective also prefers, among equal plans, the one with fewer moves. */
public enum Objective {
    /** As few nodes running anything as possible: whole nodes freed, to scale down or to take large Pods. */
    FewestNodes,
    /** The busiest node's CPU share (of its allocatable) as low as possible. */
    EvenLoad,
    /** As few GPU nodes running a GPU Pod as possible: whole GPU nodes left free for multi-GPU Pods. */
    FreeGpuNodes
}
