package dev.pyfleet.rebalancing;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.pyfleet.api.v1alpha1.RebalanceSpec;
import dev.pyfleet.api.v1alpha1.RebalanceStatus;
import dev.pyfleet.api.v1alpha1.RebalanceStatus.MoveStatus;
import dev.pyfleet.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * A rebalance's status from its plan and its moves' states: the phase, a progress line, and the conditions. Ready
 * says the request is answered: the plan shown when only a plan was asked, every move over when Apply was.
 */
final class RebalanceReport {

    static final String PLANNED = "Planned";
    static final String APPLIED = "Applied";

    private RebalanceReport() {
    }

    static RebalanceStatus of(Long generation, RebalanceSpec.Action action, RebalanceStatus.Plan plan,
            List<Condition> previous, Instant now) {
        if (PlanStatus.PLANNING.equals(plan.outcome())) {
            List<Condition> planning = List.of(Conditions.of(PLANNED, false, "Planning", plan.message()),
                    Conditions.of(APPLIED, false, "Planning", "no plan yet"),
                    Conditions.of(Conditions.READY, false, "Planning", plan.message()));
            return new RebalanceStatus(generation, "Planning", plan, null, Conditions.merge(previous, planning,
                    generation, now));
        }
        boolean noPlan = PlanStatus.NO_PLAN.equals(plan.outcome()) || PlanStatus.INTERRUPTED.equals(plan.outcome());
        Map<MoveState, Long> counts = plan.moves().stream()
                .collect(Collectors.groupingBy(m -> MoveState.of(m.state()), Collectors.counting()));
        boolean started = plan.moves().stream().anyMatch(m -> MoveState.of(m.state()) != MoveState.Pending);
        boolean over = plan.moves().stream().allMatch(m -> MoveState.of(m.state()).over());
        boolean applying = action == RebalanceSpec.Action.Apply || counts.getOrDefault(MoveState.InFlight, 0L) > 0;

        Condition planned = noPlan ? Conditions.of(PLANNED, false, plan.outcome(), plan.message())
                : Conditions.of(PLANNED, true, plan.outcome(), summary(plan));
        Condition applied;
        String phase;
        if (noPlan) {
            applied = Conditions.of(APPLIED, false, plan.outcome(), "there is no plan to apply");
            phase = plan.outcome();
        } else if (over && (started || action == RebalanceSpec.Action.Apply)) {
            applied = Conditions.of(APPLIED, true, "AllMovesOver", progress(plan.moves(), counts));
            phase = "Applied";
        } else if (applying) {
            applied = Conditions.of(APPLIED, false, "Applying", progress(plan.moves(), counts));
            phase = "Applying";
        } else {
            applied = Conditions.of(APPLIED, false, "NotAsked", "set spec.action to Apply to carry out the plan");
            phase = "Planned";
        }
        boolean answered = !noPlan && (action == RebalanceSpec.Action.Plan ? !applying : over);
        Condition ready = answered ? Conditions.of(Conditions.READY, true, phase, phase.equals("Applied")
                ? progress(plan.moves(), counts) : summary(plan))
                : Conditions.of(Conditions.READY, false, phase, noPlan ? plan.message()
                        : progress(plan.moves(), counts));
        List<Condition> desired = noPlan ? List.of(planned, applied, ready,
                Conditions.of(Conditions.DEGRADED, true, plan.outcome(), plan.message()))
                : List.of(planned, applied, ready);
        return new RebalanceStatus(generation, phase, plan, started || action == RebalanceSpec.Action.Apply
                ? progress(plan.moves(), counts) : null, Conditions.merge(previous, desired, generation, now));
    }

    /** E.g. "12 -> 9 nodes in use (bound 8, gap 11.1%), 7 moves, 3 nodes freed". */
    static String summary(RebalanceStatus.Plan plan) {
        return "%d -> %d (bound %d, gap %s), %d moves, %d nodes freed".formatted(plan.objectiveNow(),
                plan.objectivePlanned(), plan.bound(), plan.gap(), plan.moves().size(), plan.nodesFreed().size());
    }

    /** E.g. "4/10 moved, 2 in flight, 1 skipped, 1 failed". */
    static String progress(List<MoveStatus> moves, Map<MoveState, Long> counts) {
        Function<MoveState, Long> n = s -> counts.getOrDefault(s, 0L);
        StringBuilder line = new StringBuilder("%d/%d moved".formatted(n.apply(MoveState.Moved), moves.size()));
        if (n.apply(MoveState.InFlight) > 0) {
            line.append(", %d in flight".formatted(n.apply(MoveState.InFlight)));
        }
        if (n.apply(MoveState.Skipped) > 0) {
            line.append(", %d skipped".formatted(n.apply(MoveState.Skipped)));
        }
        if (n.apply(MoveState.Failed) > 0) {
            line.append(", %d failed".formatted(n.apply(MoveState.Failed)));
        }
        return line.toString();
    }
}
