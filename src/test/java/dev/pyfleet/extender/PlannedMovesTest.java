package dev.pyfleet.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.Rebalance;
import dev.pyfleet.api.v1alpha1.RebalanceStatus;
import dev.pyfleet.api.v1alpha1.RebalanceStatus.MoveStatus;
import dev.pyfleet.placement.RankedNode;

/** Only moves under way steer the scheduler, and steering only reorders what the engine already ranked. */
class PlannedMovesTest {

    static MoveStatus move(String name, String state, String to) {
        return new MoveStatus("Pod", "shop", name, "shop/" + name, "n1", to, "uid", state, null, null);
    }

    static Rebalance rebalance(MoveStatus... moves) {
        Rebalance rebalance = new Rebalance();
        rebalance.setStatus(new RebalanceStatus(1L, "Applying", new RebalanceStatus.Plan("d", "t", "Optimal", 2L, 1L,
                1L, "0%", "", "0", List.of(), List.of(moves)), null, null));
        return rebalance;
    }

    @Test
    void onlyMovesInFlightNameATargetForTheirApp() {
        var targets = PlannedMoves.targets(List.of(rebalance(move("a", "InFlight", "n7"), move("b", "Pending", "n7"),
                move("c", "Moved", "n7"), move("d", "Failed", "n7")), new Rebalance()));
        assertThat(targets).containsExactlyEntriesOf(java.util.Map.of("shop/a", "n7"));
    }

    @Test
    void thePlannedNodeGoesFirstAndTheRestKeepTheirOrder() {
        List<RankedNode> ranking = List.of(ranked("x"), ranked("y"), ranked("planned"), ranked("z"));
        assertThat(PlannedMoves.first(ranking, "planned")).extracting(RankedNode::node)
                .containsExactly("planned", "x", "y", "z");
    }

    @Test
    void aPlannedNodeTheEngineDidNotRankChangesNothing() {
        List<RankedNode> ranking = List.of(ranked("x"), ranked("y"));
        assertThat(PlannedMoves.first(ranking, "full-node")).isSameAs(ranking);
    }

    static RankedNode ranked(String node) {
        return new RankedNode(node, new double[] {0}, 0);
    }
}
