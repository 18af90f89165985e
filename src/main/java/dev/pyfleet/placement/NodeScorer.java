package dev.pyfleet.placement;

/** One strategy's criteria for a candidate node, in full precision, most important first, higher better. */
interface NodeScorer {

    double[] keys(PodRequest pod, NodeSnapshot node, Candidates candidates);

    /** A short reading of the keys for people, e.g. "in use, cpu 82%, memory 64% after placing". */
    String why(PodRequest pod, NodeSnapshot node, Candidates candidates);
}
