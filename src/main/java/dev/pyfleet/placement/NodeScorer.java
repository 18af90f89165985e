package dev.pyfleet.placement;

/** One strategy's criteria for a candidate node, in full precision, most important first, higher better. */
interface NodeScorer {

    double[] keys(PodRequest pod, NodeSnapshot node, Candidates candidates);

    /** A short reading of the keys for people, e.g. "fullest node that fits: cpu 82%, memory 64% after placing". */
    String why(PodRequest pod, NodeSnapshot node, Candidates candidates);
}
