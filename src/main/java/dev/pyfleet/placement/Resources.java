package dev.pyfleet.placement;

/** An amount of the resources placement counts: CPU in millicores, memory in bytes, pod slots, GPUs. */
public record Resources(long cpuMilli, long memoryBytes, long pods, long gpus) {

    public static final Resources NONE = new Resources(0, 0, 0, 0);

    public Resources plus(Resources other) {
        return new Resources(cpuMilli + other.cpuMilli, memoryBytes + other.memoryBytes, pods + other.pods,
                gpus + other.gpus);
    }

    public Resources minus(Resources other) {
        return new Resources(cpuMilli - other.cpuMilli, memoryBytes - other.memoryBytes, pods - other.pods,
                gpus - other.gpus);
    }
}
