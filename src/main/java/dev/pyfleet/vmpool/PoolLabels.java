package dev.pyfleet.vmpool;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.pythonapp.AppLabels;

/** Labels on a pool's VMs and their instances (and so on the launcher pods a Service selects). */
public final class PoolLabels {

    public static final String POOL = "pyfleet.dev/pool";

    private PoolLabels() {
    }

    public static Map<String, String> of(VMPool pool) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", pool.getMetadata().getName());
        labels.put("app.kubernetes.io/instance", pool.getMetadata().getName());
        labels.put(AppLabels.MANAGED_BY, AppLabels.MANAGER);
        labels.put(POOL, pool.getMetadata().getName());
        return labels;
    }

    public static Map<String, String> selector(String pool) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(AppLabels.MANAGED_BY, AppLabels.MANAGER);
        selector.put(POOL, pool);
        return selector;
    }

    public static String selectorString(VMPool pool) {
        return selectorString(pool.getMetadata().getName());
    }

    public static String selectorString(String pool) {
        return AppLabels.MANAGED_BY + "=" + AppLabels.MANAGER + "," + POOL + "=" + pool;
    }
}
