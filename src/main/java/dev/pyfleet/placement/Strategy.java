package dev.pyfleet.placement;

/**
 * How candidate nodes are ranked (the PythonApp/VMPool placement.strategy values); each has its scorer in this
 * package, which says where its idea comes from.
 */
public enum Strategy {
    /** Even load across nodes and across CPU and memory ({@link BalancedScorer}). */
    Balanced,
    /** Fewest nodes ({@link BinPackScorer}). */
    BinPack,
    /** The app's replicas apart, per topology domain and per node, balanced otherwise ({@link SpreadScorer}). */
    Spread,
    /** Least loaded by measured usage, by requests where usage is unknown, with headroom ({@link LoadAwareScorer}). */
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
