package dev.pyfleet.kube;

import io.fabric8.kubernetes.api.model.IntOrString;

/** Kubernetes' int-or-percent values ({@code 1}, {@code "25%"}) resolved against a total, as workloads do. */
public final class IntOrPercent {

    private IntOrPercent() {
    }

    /** An absolute value as it is; a percentage of {@code total}, rounded up or down; null as 0. */
    public static int resolve(IntOrString value, int total, boolean roundUp) {
        if (value == null) {
            return 0;
        }
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        String text = value.getStrVal().trim();
        if (!text.endsWith("%")) {
            return Integer.parseInt(text);
        }
        double exact = total * Integer.parseInt(text.substring(0, text.length() - 1)) / 100.0;
        return (int) (roundUp ? Math.ceil(exact) : Math.floor(exact));
    }
}
