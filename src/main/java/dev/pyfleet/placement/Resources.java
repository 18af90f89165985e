package dev.pyfleet.placement;

/**
 * An amount of the resources placement counts: CPU in millicores, memory in bytes, pod slots, GPUs, and ephemeral
 * storage (a node's local disk for containers' writable layers, logs and emptyDir volumes) in bytes.
 */
public record Resources(long cpuMilli, long memoryBytes, long pods, long gpus, long ephemeralBytes) {

    public static final Resources NONE = new Resources(0, 0, 0, 0, 0);

    /** Without ephemeral storage: none asked for, or none counted. */
    public Resources(long cpuMilli, long memoryBytes, long pods, long gpus) {
        this(cpuMilli, memoryBytes, pods, gpus, 0);
    }

    public Resources plus(Resources other) {
        return new Resources(cpuMilli + other.cpuMilli, memoryBytes + other.memoryBytes, pods + other.pods,
                gpus + other.gpus, ephemeralBytes + other.ephemeralBytes);
    }

    public Resources minus(Resources other) {
        return new Resources(cpuMilli - other.cpuMilli, memoryBytes - other.memoryBytes, pods - other.pods,
                gpus - other.gpus, ephemeralBytes - other.ephemeralBytes);
    }
}
