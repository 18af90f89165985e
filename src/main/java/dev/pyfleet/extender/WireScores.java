package dev.pyfleet.extender;

import java.util.ArrayList;
import java.util.List;

import dev.pyfleet.placement.RankedNode;

/**
 * The engine's ranking in kube-scheduler's 0-10 extender scores: the chosen node alone gets 10, the rest 0 to 9 by
 * their place in the ranking. The engine has already decided; these numbers only make the scheduler follow it.
 */
final class WireScores {

    static final int MAX = 10;

    private WireScores() {
    }

    static List<ExtenderProtocol.HostPriority> of(List<RankedNode> ranking) {
        List<ExtenderProtocol.HostPriority> scores = new ArrayList<>(ranking.size());
        for (int i = 0; i < ranking.size(); i++) {
            long score = i == 0 ? MAX : (MAX - 1) - (long) (MAX - 1) * (i - 1) / Math.max(1, ranking.size() - 1);
            scores.add(new ExtenderProtocol.HostPriority(ranking.get(i).node(), score));
        }
        return scores;
    }
}
