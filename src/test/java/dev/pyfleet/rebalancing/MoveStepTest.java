package dev.pyfleet.rebalancing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.RebalanceStatus.MoveStatus;

/** Applying a plan step by step: never more under way than allowed, nothing started twice, every end reported. */
class MoveStepTest {

    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    /** The planned Pods that still exist, by name; and the replacement each move's app has made, by move name. */
    final Map<String, ObservedPod> originals = new HashMap<>();
    final Map<String, ObservedPod> replacements = new HashMap<>();
    /** Why a move cannot end well (a failed migration), by move name. */
    final Map<String, String> failures = new HashMap<>();

    static MoveStatus pending(String name, String from, String to) {
        return pending(name, "shop/" + name, from, to);
    }

    static MoveStatus pending(String name, String app, String from, String to) {
        return new MoveStatus("Pod", "shop", name, app, from, to, "uid-" + name, "Pending", null, null);
    }

    static MoveStatus started(String name, String message) {
        return pending(name, "n1", "n9").with("InFlight", NOW.toString(), message);
    }

    /** The planned Pod, running where it was planned from. */
    void running(MoveStatus move) {
        originals.put(move.name(), new ObservedPod(move.uid(), move.from(), true, false));
    }

    MoveStep.Result step(List<MoveStatus> moves, int maxInFlight, boolean start, Instant now) {
        return MoveStep.next(moves, this::observe, m -> Optional.empty(), maxInFlight, start, now);
    }

    ObservedPod.Move observe(MoveStatus move) {
        return new ObservedPod.Move(Optional.ofNullable(originals.get(move.name())),
                Optional.ofNullable(replacements.get(move.name())), Optional.ofNullable(failures.get(move.name())));
    }

    static List<String> states(MoveStep.Result result) {
        return result.moves().stream().map(MoveStatus::state).toList();
    }

    @Test
    void startsNoMoreMovesThanMaxInFlightAndEvictsExactlyThose() {
        List<MoveStatus> moves = List.of(pending("a", "n1", "n9"), pending("b", "n2", "n9"), pending("c", "n3", "n9"));
        moves.forEach(this::running);
        MoveStep.Result result = step(moves, 2, true, NOW);
        assertThat(states(result)).containsExactly("InFlight", "InFlight", "Pending");
        assertThat(result.evict()).extracting(MoveStatus::name).containsExactly("a", "b");
        assertThat(result.moves().get(0).startedAt()).isEqualTo(NOW.toString());
    }

    /** Its replacement is told apart as the app's newest Pod only while no other Pod of the app is moving. */
    @Test
    void movesOneAppsPodsOneAtATime() {
        List<MoveStatus> moves = List.of(pending("web-0", "shop/web", "n1", "n9"),
                pending("web-1", "shop/web", "n2", "n9"), pending("api-0", "shop/api", "n2", "n9"));
        moves.forEach(this::running);
        MoveStep.Result result = step(moves, 3, true, NOW);
        assertThat(states(result)).containsExactly("InFlight", "Pending", "InFlight");
    }

    @Test
    void aMoveUnderWayIsFollowedNotStartedAgain() {
        // Evicted: the Pod is on its way out; nothing to evict, nothing new while the one slot is taken.
        originals.put("a", new ObservedPod("uid-a", "n1", true, true));
        MoveStatus b = pending("b", "n2", "n9");
        running(b);
        MoveStep.Result result = step(List.of(started("a", "evicted"), b), 1, true, NOW.plusSeconds(5));
        assertThat(states(result)).containsExactly("InFlight", "Pending");
        assertThat(result.evict()).isEmpty();
    }

    @Test
    void anEvictionTheBudgetRefusedIsTriedAgain() {
        originals.put("a", new ObservedPod("uid-a", "n1", true, false));
        MoveStep.Result result = step(List.of(started("a", "waiting: budget")), 1, true, NOW.plusSeconds(5));
        assertThat(states(result)).containsExactly("InFlight");
        assertThat(result.evict()).extracting(MoveStatus::name).containsExactly("a");
    }

    @Test
    void theReplacementReadyOnThePlannedNodeEndsTheMoveAndFreesTheSlot() {
        replacements.put("a", new ObservedPod("uid-a2", "n9", true, false));
        MoveStatus b = pending("b", "n2", "n9");
        running(b);
        MoveStep.Result result = step(List.of(started("a", "evicted"), b), 1, true, NOW.plusSeconds(5));
        assertThat(states(result)).containsExactly("Moved", "InFlight");
        assertThat(result.evict()).extracting(MoveStatus::name).containsExactly("b");
        assertThat(result.over()).isFalse();
    }

    @Test
    void aReplacementNotYetReadyOrNotYetBoundKeepsTheMoveUnderWay() {
        replacements.put("a", new ObservedPod("uid-a2", "n9", false, false));
        assertThat(states(step(List.of(started("a", "evicted")), 1, true, NOW.plusSeconds(5))))
                .containsExactly("InFlight");
        replacements.put("a", new ObservedPod("uid-a2", null, false, false));
        assertThat(states(step(List.of(started("a", "evicted")), 1, true, NOW.plusSeconds(5))))
                .containsExactly("InFlight");
    }

    @Test
    void aReplacementPlacedElsewhereFailsTheMoveAndSaysWhere() {
        replacements.put("a", new ObservedPod("uid-a2", "n4", true, false));
        MoveStep.Result result = step(List.of(started("a", "evicted")), 1, true, NOW.plusSeconds(5));
        assertThat(states(result)).containsExactly("Failed");
        assertThat(result.moves().get(0).message()).contains("n4").contains("n9");
        assertThat(result.over()).isTrue();
    }

    @Test
    void aMoveStillUnderWayAfterTheTimeoutFailsWithTheReason() {
        originals.put("a", new ObservedPod("uid-a", "n1", true, false));
        MoveStep.Result result = step(List.of(started("a", "waiting: a budget")), 1, true,
                NOW.plus(MoveStep.MOVE_TIMEOUT));
        assertThat(states(result)).containsExactly("Failed");
        assertThat(result.moves().get(0).message()).contains("not evicted").contains("waiting: a budget");
        assertThat(result.evict()).isEmpty();

        originals.clear();
        assertThat(step(List.of(started("a", "evicted")), 1, true, NOW.plus(MoveStep.MOVE_TIMEOUT)).moves().get(0)
                .message()).startsWith("no replacement Pod appeared within 10 minutes");
    }

    @Test
    void aPodThatChangedSinceThePlanIsSkippedNotMoved() {
        originals.put("gone-elsewhere", new ObservedPod("uid-gone-elsewhere", "n5", true, false));
        originals.put("leaving", new ObservedPod("uid-leaving", "n1", true, true));
        List<MoveStatus> moves = List.of(pending("gone-elsewhere", "n1", "n9"), pending("leaving", "n1", "n9"),
                pending("deleted", "n1", "n9"));
        MoveStep.Result result = step(moves, 4, true, NOW);
        assertThat(states(result)).containsOnly("Skipped");
        assertThat(result.evict()).isEmpty();
        assertThat(result.moves()).allSatisfy(m -> assertThat(m.message()).contains("no longer the one planned"));
    }

    @Test
    void aTargetThatCannotTakeThePodNowSkipsTheMoveWithItsReason() {
        MoveStatus move = pending("a", "n1", "n9");
        running(move);
        MoveStep.Result result = MoveStep.next(List.of(move), this::observe,
                m -> Optional.of("node n9 cannot take it now: Insufficient cpu"), 1, true, NOW);
        assertThat(states(result)).containsExactly("Skipped");
        assertThat(result.moves().get(0).message()).isEqualTo("node n9 cannot take it now: Insufficient cpu");
        assertThat(result.evict()).isEmpty();
    }

    @Test
    void aMoveWhoseMigrationFailedIsFailedWithTheReasonAndFreesItsSlot() {
        MoveStatus failed = pending("a", "n1", "n9").with("InFlight", NOW.minusSeconds(30).toString(), "evicting");
        MoveStatus next = pending("b", "n2", "n9");
        running(failed);
        running(next);
        failures.put("a", "its live migration pyfleet-move-a failed");

        MoveStep.Result result = MoveStep.next(List.of(failed, next), this::observe, m -> Optional.empty(), 1, true,
                NOW);

        assertThat(states(result)).containsExactly("Failed", "InFlight");
        assertThat(result.moves().get(0).message()).isEqualTo("its live migration pyfleet-move-a failed");
        assertThat(result.evict()).extracting(MoveStatus::name).containsExactly("b");
    }

    @Test
    void withApplyWithdrawnMovesUnderWayFinishAndNoneStarts() {
        replacements.put("a", new ObservedPod("uid-a2", "n9", true, false));
        MoveStatus b = pending("b", "n2", "n9");
        running(b);
        MoveStep.Result result = step(List.of(started("a", "evicted"), b), 5, false, NOW.plusSeconds(5));
        assertThat(states(result)).containsExactly("Moved", "Pending");
        assertThat(result.evict()).isEmpty();
    }

    @Test
    void movesThatAreOverStayAsTheyAre() {
        List<MoveStatus> over = List.of(pending("a", "n1", "n9").with("Moved", NOW.toString(), null),
                pending("b", "n1", "n9").with("Skipped", null, "why"), pending("c", "n1", "n9").with("Failed",
                        NOW.toString(), "why"));
        running(over.get(0));
        MoveStep.Result result = step(over, 3, true, NOW);
        assertThat(result.moves()).isEqualTo(over);
        assertThat(result.evict()).isEmpty();
        assertThat(result.over()).isTrue();
    }
}
