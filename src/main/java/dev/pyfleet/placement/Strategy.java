package dev.pyfleet.placement;

/** How candidate nodes are ranked (the PythonApp/VMPool placement.strategy values). */
public enum Strategy {
    /** Even use of CPU and memory on the node after placing. */
    Balanced,
    /** The fullest node that fits, so that whole nodes stay free. */
    BinPack,
    /** Away from the app's other replicas. */
    Spread,
    /** The least loaded node by measured usage (metrics.k8s.io), by requests where usage is unknown. */
    LoadAware;

    public static Strategy parse(String value, Strategy fallback) {
        for (Strategy strategy : values()) {
            if (strategy.name().equals(value)) {
                return strategy;
            }
        }
        return fallback;
    }
}
