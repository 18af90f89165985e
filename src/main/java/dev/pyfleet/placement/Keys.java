package dev.pyfleet.placement;

/** Joins ranking keys: the shared ones first, then a strategy's own. */
final class Keys {

    private Keys() {
    }

    static double[] of(double[] first, double... then) {
        double[] keys = new double[first.length + then.length];
        System.arraycopy(first, 0, keys, 0, first.length);
        System.arraycopy(then, 0, keys, first.length, then.length);
        return keys;
    }
}
