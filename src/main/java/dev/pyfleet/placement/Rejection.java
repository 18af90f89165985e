package dev.pyfleet.placement;

/** Why a node cannot take a pod; {@link #reason()} is the label of the rejections metric. */
public record Rejection(Reason reason, String message) {

    public enum Reason { Unschedulable, NodeSelector, Taint, TooManyPods, InsufficientCpu, InsufficientMemory,
        InsufficientGpu, InsufficientEphemeralStorage, MaxPerNode }
}
