package dev.pyfleet.kube;

/**
 * Every annotation key PyFleet writes on the Pods and VMs it creates, declared once: they carry what the scheduler
 * extender needs to place a pod and cannot read from the pod itself.
 */
public final class Annotations {

    /** The placement strategy of the pod's app or pool (a {@code placement.Strategy} name). */
    public static final String PLACEMENT_STRATEGY = "pyfleet.dev/placement-strategy";
    /** At most this many of the app's Pods per node; 0 for no limit. */
    public static final String MAX_PER_NODE = "pyfleet.dev/max-per-node";
    /** The topology key an app spreads over, where it spreads over more than nodes. */
    public static final String SPREAD_KEY = "pyfleet.dev/spread-key";
    /** Guest vCPUs of a pool VM: its launcher pod's own request says little of the VM's size. */
    public static final String GUEST_CPU = "pyfleet.dev/guest-cpu";
    /** Guest memory of a pool VM, a quantity. */
    public static final String GUEST_MEMORY = "pyfleet.dev/guest-memory";

    private Annotations() {
    }
}
