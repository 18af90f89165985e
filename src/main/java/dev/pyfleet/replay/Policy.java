package dev.pyfleet.replay;

import java.util.List;

import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PlacementEngine;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.placement.Strategy;

/** A way to choose one of the nodes that fit a pod: a PyFleet strategy or a reference policy. */
public interface Policy {

    String name();

    /** One of {@code fits} (never empty; every one passed PyFleet's filter). */
    String choose(PodRequest pod, List<NodeSnapshot> fits);

    /** The engine under one strategy. */
    static Policy engine(Strategy strategy) {
        return new Policy() {
            @Override
            public String name() {
                return "PyFleet " + strategy;
            }

            @Override
            public String choose(PodRequest pod, List<NodeSnapshot> fits) {
                return PlacementEngine.best(pod.withStrategy(strategy), fits);
            }
        };
    }

    /** Every policy the replay compares: the references first, then each strategy. */
    static List<Policy> all() {
        return List.of(ReferencePolicies.kubeSchedulerDefault(), ReferencePolicies.mostAllocated(),
                ReferencePolicies.firstFit(), engine(Strategy.BinPack), engine(Strategy.Balanced),
                engine(Strategy.Spread), engine(Strategy.LoadAware));
    }
}
