package dev.pyfleet.placement;

import java.util.Arrays;
import java.util.Comparator;

/**
 * A candidate node's place in a ranking. Nodes compare by {@code keys} (higher first, the first key deciding), then
 * by {@code tieBreak}, so a ranking is total and independent of the order the nodes came in.
 *
 * @param keys the strategy's criteria in full precision, most important first
 * @param tieBreak a hash of the pod and the node, for nodes equal on every key (see {@link TieBreak})
 */
public record RankedNode(String node, double[] keys, long tieBreak) {

    /** Best first. */
    public static final Comparator<RankedNode> BEST_FIRST = (a, b) -> {
        int byKeys = Arrays.compare(b.keys, a.keys);
        return byKeys != 0 ? byKeys : Long.compare(a.tieBreak, b.tieBreak);
    };
}
