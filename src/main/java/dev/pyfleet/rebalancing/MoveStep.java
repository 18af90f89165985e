package dev.pyfleet.rebalancing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.pyfleet.api.v1alpha1.RebalanceStatus.MoveStatus;

/**
 * One step of applying a plan, as a pure function of the moves' states and what the cluster shows now: which moves
 * have finished, failed or cannot start, and which to start, never more under way than allowed and never two of one
 * app at once (so the Pod that replaces an evicted one is told apart: its app's newest). The caller writes the new
 * states before it evicts anything, so a restart finds every started move marked and repeats none.
 */
final class MoveStep {

    /** A move still under way after this long is reported failed and no longer counts against maxInFlight. */
    static final Duration MOVE_TIMEOUT = Duration.ofMinutes(10);

    /** What the step decided: every move's new state, and the Pods to evict now (started, or still not evicted). */
    record Result(List<MoveStatus> moves, List<MoveStatus> evict) {

        boolean over() {
            return moves.stream().allMatch(m -> MoveState.of(m.state()).over());
        }
    }

    private MoveStep() {
    }

    /**
     * @param pods what each move finds of its Pods
     * @param blocked why the move cannot be made now (the planned node cannot take the Pod, a VM cannot move), if it
     *     cannot (checked before it starts)
     * @param start whether new moves may start (false once the administrator asks for Plan again)
     */
    static Result next(List<MoveStatus> moves, Function<MoveStatus, ObservedPod.Move> pods,
            Function<MoveStatus, Optional<String>> blocked, int maxInFlight, boolean start, Instant now) {
        List<MoveStatus> after = new ArrayList<>(moves.size());
        List<MoveStatus> evict = new ArrayList<>();
        for (MoveStatus move : moves) {
            MoveStatus next = MoveState.of(move.state()) == MoveState.InFlight ? progress(move, pods.apply(move), now)
                    : move;
            after.add(next);
            if (MoveState.of(next.state()) == MoveState.InFlight && stillToEvict(pods.apply(next).original())) {
                evict.add(next);
            }
        }
        java.util.Set<String> appsMoving = new java.util.HashSet<>();
        after.stream().filter(m -> MoveState.of(m.state()) == MoveState.InFlight).forEach(m -> appsMoving.add(m.app()));
        long inFlight = after.stream().filter(m -> MoveState.of(m.state()) == MoveState.InFlight).count();
        for (int i = 0; i < after.size() && start && inFlight < maxInFlight; i++) {
            MoveStatus move = after.get(i);
            if (MoveState.of(move.state()) != MoveState.Pending || appsMoving.contains(move.app())) {
                continue;
            }
            Optional<ObservedPod> pod = pods.apply(move).original();
            Optional<String> unfit = pod.isPresent() && samePod(move, pod.get()) ? blocked.apply(move) : Optional.empty();
            if (pod.isEmpty() || !samePod(move, pod.get())) {
                after.set(i, move.with(MoveState.Skipped.name(), null, "the Pod is no longer the one planned on "
                        + move.from() + " (deleted, replaced or moved since)"));
            } else if (unfit.isPresent()) {
                after.set(i, move.with(MoveState.Skipped.name(), null, unfit.get()));
            } else {
                MoveStatus started = move.with(MoveState.InFlight.name(), now.toString(), "evicting");
                after.set(i, started);
                evict.add(started);
                appsMoving.add(move.app());
                inFlight++;
            }
        }
        return new Result(after, evict);
    }

    /** The planned Pod, still on the node it was planned from and not on its way out. */
    private static boolean samePod(MoveStatus move, ObservedPod pod) {
        return pod.uid().equals(move.uid()) && move.from().equals(pod.node()) && !pod.deleting();
    }

    /** A started move whose Pod still runs: its eviction was refused (a disruption budget) or never sent. */
    private static boolean stillToEvict(Optional<ObservedPod> original) {
        return original.isPresent() && !original.get().deleting();
    }

    private static MoveStatus progress(MoveStatus move, ObservedPod.Move pods, Instant now) {
        if (pods.failure().isPresent()) {
            return move.with(MoveState.Failed.name(), move.startedAt(), pods.failure().get());
        }
        Optional<ObservedPod> replacement = pods.replacement();
        if (replacement.isPresent() && replacement.get().node() != null) {
            if (!replacement.get().node().equals(move.to())) {
                return move.with(MoveState.Failed.name(), move.startedAt(), "its replacement was placed on "
                        + replacement.get().node() + ", not on " + move.to());
            }
            if (replacement.get().ready()) {
                return move.with(MoveState.Moved.name(), move.startedAt(), null);
            }
        }
        Instant started = move.startedAt() == null ? now : Instant.parse(move.startedAt());
        if (Duration.between(started, now).compareTo(MOVE_TIMEOUT) >= 0) {
            String where = stillToEvict(pods.original()) ? "the Pod was not evicted ("
                    + Optional.ofNullable(move.message()).orElse("evicting") + ")"
                    : replacement.isEmpty() ? "no replacement Pod appeared"
                    : replacement.get().node() == null ? "its replacement was not scheduled"
                    : "its replacement did not get Ready";
            return move.with(MoveState.Failed.name(), move.startedAt(), where + " within "
                    + MOVE_TIMEOUT.toMinutes() + " minutes");
        }
        return move;
    }
}
