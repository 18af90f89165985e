package dev.pyfleet.placement;

/** A pod toleration with Kubernetes' matching rules (Exists/Equal, empty key, empty effect). */
public record Toleration(String key, String operator, String value, String effect) {

    public boolean tolerates(Taint taint) {
        if (effect != null && !effect.isEmpty() && !effect.equals(taint.effect())) {
            return false;
        }
        if (key == null || key.isEmpty()) {
            return "Exists".equals(operator);
        }
        if (!key.equals(taint.key())) {
            return false;
        }
        return "Exists".equals(operator) || java.util.Objects.equals(value == null ? "" : value,
                taint.value() == null ? "" : taint.value());
    }
}
