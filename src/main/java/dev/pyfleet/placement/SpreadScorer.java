package dev.pyfleet.placement;

/**
 * Spread: an app's replicas apart. Fewest of the app's pods in the node's topology domain first (when the app
 * names a spread key, e.g. a zone), then on the node itself, then as {@link BalancedScorer}: among nodes equally far
 * from the app's other replicas the least loaded wins, never simply the first that fits.
 */
final class SpreadScorer implements NodeScorer {

    private final BalancedScorer balanced = new BalancedScorer();

    @Override
    public double[] keys(PodRequest pod, NodeSnapshot node, Candidates candidates) {
        return Keys.of(Keys.of(new double[] {-candidates.appPodsIn(pod, node), -node.podsOf(pod.app())},
                GpuFit.keys(pod, node, candidates)), BalancedScorer.own(pod, node, candidates));
    }

    @Override
    public String why(PodRequest pod, NodeSnapshot node, Candidates candidates) {
        String domain = Candidates.domain(pod, node);
        return node.podsOf(pod.app()) + " of the app's pods here"
                + (domain == null ? "" : ", " + candidates.appPodsIn(pod, node) + " in " + pod.spreadKey() + "="
                        + domain)
                + "; " + balanced.why(pod, node, candidates);
    }
}
