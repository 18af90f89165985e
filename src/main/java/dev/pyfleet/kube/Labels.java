package dev.pyfleet.kube;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every label key PyFleet writes or selects by, declared once: the controllers write them, the extender and the
 * informers read them, and a test checks that both sides agree.
 */
public final class Labels {

    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "pyfleet";
    /** The PythonApp a Pod, Service or PodDisruptionBudget belongs to. */
    public static final String APP = "pyfleet.dev/app";
    /** The VMPool a VM, its instance, its launcher pod or its user-data Secret belongs to. */
    public static final String POOL = "pyfleet.dev/pool";
    /** The VM a disk of a pool is for (its DataVolume, and the claim CDI makes from it). */
    public static final String VM = "pyfleet.dev/vm";
    /** Which of its VM's disks a DataVolume is: {@code root} or a data disk's name. */
    public static final String DISK = "pyfleet.dev/disk";
    /** The replica slot of an app's Pod, whose claim it mounts ({@code storage.replicaVolume}), and of that claim. */
    public static final String SLOT = "pyfleet.dev/slot";
    /** The template revision a Pod or VM was made from. */
    public static final String REVISION = "pyfleet.dev/revision";

    /** Selects everything PyFleet made. */
    public static final String ALL_MANAGED = MANAGED_BY + "=" + MANAGER;
    /** Selects every Pod that some PythonApp owns. */
    public static final String ALL_APP_PODS = MANAGED_BY + "=" + MANAGER + "," + APP;
    /** Selects every VM and instance that some VMPool owns. */
    public static final String ALL_POOL_OBJECTS = MANAGED_BY + "=" + MANAGER + "," + POOL;

    private Labels() {
    }

    /** Labels on everything a PythonApp owns. */
    public static Map<String, String> ofApp(String app) {
        return of(APP, app);
    }

    /** Labels on everything a VMPool owns. */
    public static Map<String, String> ofPool(String pool) {
        return of(POOL, pool);
    }

    /** The labels that select exactly an app's Pods, whatever their revision. */
    public static Map<String, String> appSelector(String app) {
        return selector(APP, app);
    }

    /** The labels that select exactly a pool's VMs (and so their launcher pods). */
    public static Map<String, String> poolSelector(String pool) {
        return selector(POOL, pool);
    }

    /** A selector in the string form of the scale subresource and of label queries, e.g. {@code a=b,c=d}. */
    public static String asString(Map<String, String> selector) {
        return selector.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /** Whether an object's labels mark it as PyFleet's own. */
    public static boolean managedByPyFleet(Map<String, String> labels) {
        return labels != null && MANAGER.equals(labels.get(MANAGED_BY));
    }

    /** Labelled as one of an app's Pods: what {@link #ALL_APP_PODS} selects. */
    public static boolean appPod(Map<String, String> labels) {
        return managedByPyFleet(labels) && labels.containsKey(APP);
    }

    /** Labelled as a Pod of a pool's VM (its launcher, which KubeVirt labels from the VM's template). */
    public static boolean poolPod(Map<String, String> labels) {
        return managedByPyFleet(labels) && labels.containsKey(POOL);
    }

    private static Map<String, String> of(String ownerKey, String owner) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME, owner);
        labels.put(INSTANCE, owner);
        labels.put(MANAGED_BY, MANAGER);
        labels.put(ownerKey, owner);
        return labels;
    }

    private static Map<String, String> selector(String ownerKey, String owner) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(MANAGED_BY, MANAGER);
        selector.put(ownerKey, owner);
        return selector;
    }
}
