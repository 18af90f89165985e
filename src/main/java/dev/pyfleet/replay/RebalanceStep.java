package dev.pyfleet.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.rebalance.GreedyDrain;
import dev.pyfleet.rebalance.MovablePod;
import dev.pyfleet.rebalance.Objective;
import dev.pyfleet.rebalance.RebalancePlan;
import dev.pyfleet.rebalance.RebalancePlanner;
import dev.pyfleet.rebalance.RebalanceProblem;
import dev.pyfleet.replay.Trace.TracePod;

/**
 * What a rebalance would make of the cluster a replay leaves: every placed pod may move, a GPU pod only to nodes of
 * a model it may use. Beside the planner, the greedy way a descheduler's HighNodeUtilization works, for comparison.
 */
public final class RebalanceStep {

    private RebalanceStep() {
    }

    public static RebalancePlan plan(Trace trace, Replay.Placed placed, Objective objective, int maxMoves,
            Duration timeLimit) {
        return RebalancePlanner.plan(new RebalanceProblem(placed.nodes(), movable(trace, placed), objective,
                maxMoves, timeLimit));
    }

    /** The greedy drain a descheduler's HighNodeUtilization would make of the same cluster: {@link GreedyDrain}. */
    public static RebalancePlan greedyDrain(Trace trace, Replay.Placed placed, int maxMoves) {
        return GreedyDrain.plan(new RebalanceProblem(placed.nodes(), movable(trace, placed), Objective.FewestNodes,
                maxMoves, Duration.ZERO));
    }

    /** Every placed pod of the trace, with the nodes of the GPU models it names (one shared set per list). */
    static List<MovablePod> movable(Trace trace, Replay.Placed placed) {
        Map<List<String>, Set<String>> nodesOfModels = new HashMap<>();
        List<MovablePod> pods = new ArrayList<>();
        for (TracePod pod : trace.pods()) {
            String node = placed.nodeOf().get(pod.name());
            if (node == null) {
                continue;
            }
            Set<String> onlyOn = pod.models().isEmpty() ? Set.of() : nodesOfModels.computeIfAbsent(pod.models(),
                    models -> Set.copyOf(placed.models().entrySet().stream()
                            .filter(e -> models.contains(e.getValue())).map(Map.Entry::getKey).toList()));
            PodRequest request = Replay.requestOf(pod);
            pods.add(new MovablePod(pod.name(), request, node, onlyOn));
        }
        return pods;
    }
}
