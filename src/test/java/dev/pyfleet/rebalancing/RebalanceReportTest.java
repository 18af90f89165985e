package dev.pyfleet.rebalancing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.RebalanceSpec.Action;
import dev.pyfleet.api.v1alpha1.RebalanceStatus;
import dev.pyfleet.api.v1alpha1.RebalanceStatus.MoveStatus;
import dev.pyfleet.status.Conditions;

/** The status a person, kubectl wait and kstatus read: the phase, the progress line and the conditions. */
class RebalanceReportTest {

    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    static RebalanceStatus.Plan plan(String outcome, List<MoveStatus> moves) {
        return new RebalanceStatus.Plan("digest", NOW.toString(), outcome, 5L, 3L, 3L, "0.0%", "2 moves", "0.4",
                List.of("n4", "n5"), moves);
    }

    static MoveStatus move(String name, String state) {
        return new MoveStatus("Pod", "shop", name, "shop/web", "n4", "n1", "uid-" + name, state, null, null);
    }

    @Test
    void aPlanOnlyAskedForIsReadyOnceShownAndSaysHowToApplyIt() {
        RebalanceStatus status = RebalanceReport.of(2L, Action.Plan, plan("Optimal",
                List.of(move("a", "Pending"), move("b", "Pending"))), null, NOW);
        assertThat(status.phase()).isEqualTo("Planned");
        assertThat(status.progress()).isNull();
        assertThat(Conditions.isTrue(status.conditions(), Conditions.READY)).isTrue();
        assertThat(Conditions.find(status.conditions(), RebalanceReport.PLANNED).getMessage())
                .isEqualTo("5 -> 3 (bound 3, gap 0.0%), 2 moves, 2 nodes freed");
        assertThat(Conditions.find(status.conditions(), RebalanceReport.APPLIED).getMessage()).contains("Apply");
        assertThat(status.observedGeneration()).isEqualTo(2L);
    }

    @Test
    void applyingIsNotReadyAndCountsTheMoves() {
        RebalanceStatus status = RebalanceReport.of(3L, Action.Apply, plan("Feasible", List.of(move("a", "Moved"),
                move("b", "InFlight"), move("c", "Pending"), move("d", "Skipped"))), null, NOW);
        assertThat(status.phase()).isEqualTo("Applying");
        assertThat(status.progress()).isEqualTo("1/4 moved, 1 in flight, 1 skipped");
        assertThat(Conditions.isTrue(status.conditions(), Conditions.READY)).isFalse();
        assertThat(Conditions.isTrue(status.conditions(), Conditions.RECONCILING)).isTrue();
    }

    @Test
    void everyMoveOverIsAppliedAndReadyEvenWithFailures() {
        RebalanceStatus status = RebalanceReport.of(3L, Action.Apply, plan("Feasible", List.of(move("a", "Moved"),
                move("b", "Failed"))), null, NOW);
        assertThat(status.phase()).isEqualTo("Applied");
        assertThat(status.progress()).isEqualTo("1/2 moved, 1 failed");
        assertThat(Conditions.isTrue(status.conditions(), Conditions.READY)).isTrue();
        assertThat(Conditions.isTrue(status.conditions(), RebalanceReport.APPLIED)).isTrue();
    }

    @Test
    void noPlanIsStalledWithTheReason() {
        RebalanceStatus status = RebalanceReport.of(1L, Action.Apply, new RebalanceStatus.Plan("d", NOW.toString(),
                "NoPlan", 0L, 0L, 0L, "0.0%", "no Pod in scope runs Ready on a node", "0.0", List.of(), List.of()),
                null, NOW);
        assertThat(status.phase()).isEqualTo("NoPlan");
        assertThat(Conditions.isTrue(status.conditions(), Conditions.READY)).isFalse();
        assertThat(Conditions.isTrue(status.conditions(), Conditions.STALLED)).isTrue();
        assertThat(Conditions.find(status.conditions(), Conditions.STALLED).getMessage()).contains("no Pod in scope");
    }

    @Test
    void withdrawingApplyLeavesMovesUnderWayReportedUntilTheyEnd() {
        RebalanceStatus status = RebalanceReport.of(4L, Action.Plan, plan("Optimal", List.of(move("a", "InFlight"),
                move("b", "Pending"))), null, NOW);
        assertThat(status.phase()).isEqualTo("Applying");
        assertThat(Conditions.isTrue(status.conditions(), Conditions.READY)).isFalse();
    }

    @Test
    void planningIsShownWhileTheSolverRuns() {
        RebalanceStatus status = RebalanceReport.of(1L, Action.Apply, PlanStatus.planning("d", NOW), null, NOW);
        assertThat(status.phase()).isEqualTo("Planning");
        assertThat(Conditions.isTrue(status.conditions(), Conditions.READY)).isFalse();
        assertThat(Conditions.isTrue(status.conditions(), Conditions.RECONCILING)).isTrue();
    }

    /** Found at the next start, an unfinished plan is reported, not tried again, so it cannot crash-loop. */
    @Test
    void aPlanThatNeverFinishedIsStalledAndSaysWhatToDo() {
        RebalanceStatus status = RebalanceReport.of(1L, Action.Apply,
                PlanStatus.interrupted(PlanStatus.planning("d", NOW)), null, NOW);
        assertThat(status.phase()).isEqualTo("Interrupted");
        assertThat(Conditions.isTrue(status.conditions(), Conditions.STALLED)).isTrue();
        assertThat(Conditions.find(status.conditions(), Conditions.STALLED).getMessage())
                .contains("stopped while planning").contains("memory").contains("change to the spec");
    }
}
