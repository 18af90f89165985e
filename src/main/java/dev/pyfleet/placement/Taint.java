package dev.pyfleet.placement;

/** A node taint; only NoSchedule and NoExecute keep pods away at placement time. */
public record Taint(String key, String value, String effect) {

    public boolean repels() {
        return "NoSchedule".equals(effect) || "NoExecute".equals(effect);
    }

    @Override
    public String toString() {
        return key + (value == null || value.isEmpty() ? "" : "=" + value) + ":" + effect;
    }
}
