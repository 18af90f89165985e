package dev.pyfleet.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pyfleet.placement.RankedNode;

/** The engine's ranking on the wire: the choice alone at the top score, the rest in rank order below it. */
class WireScoresTest {

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {1, 2, 3, 11, 500})
    void theChosenNodeAloneGetsTheTopScoreAndTheRestFollowTheRanking(int nodes) {
        List<RankedNode> ranking = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            ranking.add(new RankedNode("n" + i, new double[] {-i}, i));
        }
        List<ExtenderProtocol.HostPriority> scores = WireScores.of(ranking);
        assertThat(scores).extracting(ExtenderProtocol.HostPriority::host)
                .containsExactlyElementsOf(ranking.stream().map(RankedNode::node).toList());
        assertThat(scores.get(0).score()).isEqualTo(10);
        for (int i = 1; i < scores.size(); i++) {
            assertThat(scores.get(i).score()).isBetween(0L, 9L).isLessThanOrEqualTo(scores.get(i - 1).score());
        }
    }

    @Test
    void noRankingNoScores() {
        assertThat(WireScores.of(List.of())).isEmpty();
    }
}
