package dev.pyfleet.rebalancing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.pyfleet.api.v1alpha1.RebalanceSpec;
import dev.pyfleet.api.v1alpha1.RebalanceStatus;
import dev.pyfleet.api.v1alpha1.RebalanceStatus.MoveStatus;
import dev.pyfleet.extender.PodRequests;
import dev.pyfleet.rebalance.Move;
import dev.pyfleet.rebalance.RebalancePlan;
import io.fabric8.kubernetes.api.model.Pod;

/** A computed plan as status shows it: its numbers, and each move named by its Pod (or VM and instance) and uid. */
final class PlanStatus {

    private PlanStatus() {
    }

    /** The spec a plan answers: every field but the action, so that Plan then Apply applies the plan shown. */
    static String digest(RebalanceSpec spec) {
        String scope = spec.scope() == null ? "" : spec.scope().namespaces() + "|" + spec.scope().apps();
        String text = String.join("|", String.valueOf(spec.objective()), scope, String.valueOf(spec.maxMoves()),
                String.valueOf(spec.solverTimeLimitSeconds()))
                // Added after the rest: a spec that leaves it at its default keeps the digest it had before.
                + (spec.vmMoves() == null || spec.vmMoves() == RebalanceSpec.VMMoves.LiveMigrate ? ""
                        : "|" + spec.vmMoves());
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    static final String PLANNING = "Planning";
    static final String INTERRUPTED = "Interrupted";
    static final String NO_PLAN = "NoPlan";

    /** Written before the solver starts: found again at the next start, it tells that planning never finished. */
    static RebalanceStatus.Plan planning(String digest, Instant now) {
        return new RebalanceStatus.Plan(digest, now.toString(), PLANNING, null, null, null, null,
                "planning since " + now, null, List.of(), List.of());
    }

    /**
     * A plan the operator started and never finished: it stopped or restarted meanwhile, out of memory perhaps.
     * Not tried again by itself, so that a plan too large for the operator cannot make it restart over and over.
     */
    static RebalanceStatus.Plan interrupted(RebalanceStatus.Plan planning) {
        return new RebalanceStatus.Plan(planning.specDigest(), planning.computedAt(), INTERRUPTED, null, null, null,
                null, "the operator stopped while planning (started " + planning.computedAt() + "), perhaps out of "
                        + "memory: narrow the scope, lower maxMoves or raise the operator's memory limit; any change "
                        + "to the spec plans again", null, List.of(), List.of());
    }

    /** @param pods the Pods planned over, by {@code namespace/name} */
    static RebalanceStatus.Plan of(RebalancePlan plan, String digest, Instant now, double seconds,
            Map<String, Pod> pods) {
        List<MoveStatus> moves = plan.moves().stream().map(move -> move(move, pods.get(move.pod()))).toList();
        return new RebalanceStatus.Plan(digest, now.toString(), plan.outcome().name(), plan.objectiveNow(),
                plan.objectivePlanned(), plan.bound(), "%.1f%%".formatted(100 * plan.gap()), plan.message(),
                "%.1f".formatted(seconds), plan.nodesFreed(), moves);
    }

    /** A VM's move is named by the VM and its instance's uid; its launcher Pod is only what the planner sized. */
    private static MoveStatus move(Move move, Pod pod) {
        Objects.requireNonNull(pod, () -> "a move of a Pod not planned over: " + move.pod());
        return Scope.instance(pod)
                .map(vmi -> new MoveStatus(VirtualMachines.KIND, pod.getMetadata().getNamespace(), vmi.getName(),
                        PodRequests.appKey(pod), move.from(), move.to(), vmi.getUid(), MoveState.Pending.name(),
                        null, null))
                .orElseGet(() -> new MoveStatus("Pod", pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                        PodRequests.appKey(pod), move.from(), move.to(), pod.getMetadata().getUid(),
                        MoveState.Pending.name(), null, null));
    }
}
