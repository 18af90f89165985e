package dev.pyfleet.placement;

/**
 * The last criterion of every ranking, for nodes the strategy finds exactly equal: a 64-bit hash of the pod's
 * identity and the node's name (rendezvous hashing). It is deterministic and does not depend on node order, and,
 * unlike name order, it does not send every tie of every pod to the same few nodes: identical empty nodes are
 * taken in a different order by different pods.
 */
public final class TieBreak {

    private TieBreak() {
    }

    public static long of(PodRequest pod, String node) {
        return of(seed(pod), node);
    }

    /** The pod's part of {@link #of(PodRequest, String)}, to be worked out once when ranking many nodes. */
    static long seed(PodRequest pod) {
        return mix(0x9E3779B97F4A7C15L ^ hash(pod.namespace()) * 31 ^ hash(pod.name()));
    }

    static long of(long seed, String node) {
        return mix(seed ^ hash(node));
    }

    private static long hash(String s) {
        long h = 1125899906842597L;
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                h = 31 * h + s.charAt(i);
            }
        }
        return h;
    }

    /** SplitMix64's finaliser: every input bit moves every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
