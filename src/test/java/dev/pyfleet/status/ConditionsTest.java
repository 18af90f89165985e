package dev.pyfleet.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;

/**
 * kstatus's pair follows from the summary conditions (Flux and kpt read these): Reconciling while not yet Ready,
 * Stalled while Degraded or while a prerequisite is missing, neither once Ready; and timestamps move only when a
 * status really changes.
 */
class ConditionsTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static List<Condition> summary(boolean ready, boolean progressing, boolean degraded) {
        return List.of(Conditions.of(Conditions.READY, ready, ready ? "AllPodsAvailable" : "RolloutInProgress",
                        "ready says"),
                Conditions.of(Conditions.PROGRESSING, progressing, progressing ? "RolloutInProgress"
                        : "RolloutComplete", "progressing says"),
                Conditions.of(Conditions.DEGRADED, degraded, degraded ? "ProgressDeadlineExceeded" : "AsExpected",
                        degraded ? "degraded says" : "nothing is failing"));
    }

    static Condition get(List<Condition> conditions, String type) {
        Condition c = Conditions.find(conditions, type);
        assertThat(c).as(type).isNotNull();
        return c;
    }

    @Test
    void aRolloutUnderWayIsReconcilingWithProgressingsReason() {
        var merged = Conditions.merge(null, summary(false, true, false), 3L, T0);
        assertThat(get(merged, Conditions.RECONCILING).getStatus()).isEqualTo("True");
        assertThat(get(merged, Conditions.RECONCILING).getReason()).isEqualTo("RolloutInProgress");
        assertThat(get(merged, Conditions.RECONCILING).getMessage()).isEqualTo("progressing says");
        assertThat(get(merged, Conditions.STALLED).getStatus()).isEqualTo("False");
        assertThat(merged).allMatch(c -> c.getObservedGeneration() == 3L);
    }

    @Test
    void notReadyAndNotProgressingIsStillReconcilingWithReadysReason() {
        var merged = Conditions.merge(null, summary(false, false, false), 1L, T0);
        assertThat(get(merged, Conditions.RECONCILING).getStatus()).isEqualTo("True");
        assertThat(get(merged, Conditions.RECONCILING).getMessage()).isEqualTo("ready says");
    }

    @Test
    void degradedIsStalledWithDegradedsReasonAndNotReconciling() {
        var merged = Conditions.merge(null, summary(false, false, true), 1L, T0);
        assertThat(get(merged, Conditions.STALLED).getStatus()).isEqualTo("True");
        assertThat(get(merged, Conditions.STALLED).getReason()).isEqualTo("ProgressDeadlineExceeded");
        assertThat(get(merged, Conditions.STALLED).getMessage()).isEqualTo("degraded says");
        assertThat(get(merged, Conditions.RECONCILING).getStatus()).isEqualTo("False");
    }

    @Test
    void readyIsNeitherReconcilingNorStalled() {
        var merged = Conditions.merge(null, summary(true, false, false), 1L, T0);
        assertThat(get(merged, Conditions.RECONCILING).getStatus()).isEqualTo("False");
        assertThat(get(merged, Conditions.STALLED).getStatus()).isEqualTo("False");
    }

    @Test
    void aMissingPrerequisiteIsStalled() {
        var merged = Conditions.merge(null, List.of(
                Conditions.of(Conditions.KUBEVIRT_AVAILABLE, false, "CRDNotInstalled", "no KubeVirt"),
                Conditions.of(Conditions.READY, false, "KubeVirtNotAvailable", "no KubeVirt"),
                Conditions.of(Conditions.DEGRADED, false, "AsExpected", "nothing is failing")), 1L, T0);
        assertThat(get(merged, Conditions.STALLED).getStatus()).isEqualTo("True");
        assertThat(get(merged, Conditions.STALLED).getReason()).isEqualTo("CRDNotInstalled");
    }

    @Test
    void eachTypeAppearsOnceEvenWhenThePairIsPassedIn() {
        var once = Conditions.merge(null, summary(false, true, false), 1L, T0);
        var twice = Conditions.merge(once, once, 1L, T0.plusSeconds(5));
        assertThat(twice).extracting(Condition::getType).doesNotHaveDuplicates().hasSize(5);
    }

    @Test
    void aTransitionTimeMovesOnlyWhenItsStatusChanges() {
        var first = Conditions.merge(null, summary(false, true, false), 1L, T0);
        var same = Conditions.merge(first, summary(false, true, false), 1L, T0.plusSeconds(60));
        var done = Conditions.merge(same, summary(true, false, false), 1L, T0.plusSeconds(120));
        assertThat(get(same, Conditions.READY).getLastTransitionTime()).isEqualTo(T0.toString());
        assertThat(get(done, Conditions.READY).getLastTransitionTime()).isEqualTo(T0.plusSeconds(120).toString());
        assertThat(get(done, Conditions.STALLED).getLastTransitionTime()).as("Stalled stayed False")
                .isEqualTo(T0.toString());
    }

    @Test
    void replacingDegradedRecomputesThePairAndLeavesTheOthersAsTheyWere() {
        var before = Conditions.merge(null, summary(true, false, false), 1L, T0);
        var after = Conditions.replace(before, Conditions.of(Conditions.DEGRADED, true, "ReconcileError", "boom"),
                2L, T0.plusSeconds(10));
        assertThat(get(after, Conditions.READY)).isEqualTo(get(before, Conditions.READY));
        assertThat(get(after, Conditions.DEGRADED).getObservedGeneration()).isEqualTo(2L);
        assertThat(get(after, Conditions.STALLED).getStatus()).isEqualTo("True");
        assertThat(get(after, Conditions.STALLED).getReason()).isEqualTo("ReconcileError");
        assertThat(after).extracting(Condition::getType).doesNotHaveDuplicates().hasSize(5);
    }

    @Test
    void rolloutEventsTellStartCompletionAndEachNewReasonToDegrade() {
        var progressing = Conditions.merge(null, summary(false, true, false), 1L, T0);
        var ready = Conditions.merge(progressing, summary(true, false, false), 1L, T0);
        var degraded = Conditions.merge(progressing, summary(false, false, true), 1L, T0);
        assertThat(RolloutEvents.of(progressing, ready, "r1", "r1", "rolling out r1", true, "done"))
                .containsExactly(Event.normal("RolloutComplete", "done"));
        assertThat(RolloutEvents.of(ready, ready, "r1", "r1", "rolling out r1", true, "done")).isEmpty();
        assertThat(RolloutEvents.of(ready, progressing, "r1", "r2", "rolling out r2", false, "done"))
                .containsExactly(Event.normal("RolloutStarted", "rolling out r2 (was r1)"));
        assertThat(RolloutEvents.of(progressing, degraded, "r1", "r1", "x", false, "done"))
                .containsExactly(Event.warning("ProgressDeadlineExceeded", "degraded says"));
        assertThat(RolloutEvents.of(degraded, degraded, "r1", "r1", "x", false, "done")).isEmpty();
        var otherReason = Conditions.replace(degraded, Conditions.of(Conditions.DEGRADED, true, "ReconcileError",
                "boom"), 1L, T0);
        assertThat(RolloutEvents.of(degraded, otherReason, "r1", "r1", "x", false, "done"))
                .containsExactly(Event.warning("ReconcileError", "boom"));
        assertThat(RolloutEvents.of(null, progressing, null, "r1", "x", false, "done")).isEmpty();
    }
}
