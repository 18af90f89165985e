package dev.pyfleet.pythonapp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.pyfleet.api.v1alpha1.PythonAppStatus;
import dev.pyfleet.status.Conditions;
import dev.pyfleet.status.Progress;
import dev.pyfleet.status.Report;
import dev.pyfleet.status.RolloutEvents;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * Turns what the controller observed into the app's status and the Events worth telling: a pure function of the
 * previous status, the Pods, the plan just made and the time, so every reconcile reports from scratch.
 */
public final class StatusReport {

    public static final String DEPENDENCIES_READY = "DependenciesReady";

    private StatusReport() {
    }

    /** Everything one reconcile of one app observed and decided. */
    public record Observation(long generation, String selector, String revision, RolloutPlanner.Bounds bounds,
            int progressDeadlineSeconds, List<PodState> pods, RolloutPlan plan, Dependencies.State dependencies,
            PythonAppStatus previous, Instant now) {
    }

    public static Report<PythonAppStatus> of(Observation o) {
        PythonAppStatus previous = o.previous();
        int desired = o.bounds().replicas();
        List<PodState> live = o.pods().stream().filter(PodState::live).toList();
        int ready = (int) live.stream().filter(PodState::ready).count();
        int updated = (int) live.stream().filter(p -> o.revision().equals(p.revision())).count();
        int available = (int) live.stream().filter(p -> p.availableAt(o.now(), o.bounds().minReadySeconds())).count();
        int availableUpdated = (int) live.stream().filter(p -> o.revision().equals(p.revision()))
                .filter(p -> p.availableAt(o.now(), o.bounds().minReadySeconds())).count();

        boolean dependenciesMet = o.dependencies() instanceof Dependencies.Met;
        boolean complete = dependenciesMet && live.size() == desired && updated == desired
                && availableUpdated == desired && o.pods().size() == desired;
        boolean active = dependenciesMet && !complete;

        boolean advanced = previous == null || o.plan().changesSomething()
                || !o.revision().equals(previous.updateRevision())
                || updated > nullToZero(previous.updatedReplicas())
                || available > nullToZero(previous.availableReplicas());
        Progress progress = Progress.of(previous == null ? null : previous.lastProgressTime(), advanced, active,
                o.progressDeadlineSeconds(), o.now());
        Instant lastProgress = progress.last();
        boolean deadlineExceeded = progress.deadlineExceeded();

        // A new Pod that cannot run stops the rollout now; say why rather than wait out the progress deadline.
        PodState stuck = !active ? null : live.stream().filter(p -> o.revision().equals(p.revision()))
                .filter(p -> p.trouble() != null).findFirst().orElse(null);

        // A Pod the scheduler finds no node for is not stuck (a node or a volume may come), but the wait is told.
        PodState waiting = !active ? null : live.stream().filter(p -> o.revision().equals(p.revision()))
                .filter(p -> p.unschedulable() != null).findFirst().orElse(null);

        String revisionText = "revision " + o.revision();
        String counts = available + " of " + desired + " Pods available, " + updated + " updated"
                + (waiting == null ? "" : "; Pod " + waiting.name() + " cannot be scheduled: "
                        + waiting.unschedulable());
        List<Condition> conditions = new ArrayList<>();
        conditions.add(Conditions.of(DEPENDENCIES_READY, dependenciesMet, o.dependencies().reason(),
                o.dependencies().message()));
        if (!dependenciesMet) {
            conditions.add(Conditions.of(Conditions.PROGRESSING, false, o.dependencies().reason(),
                    "no Pods are created until dependencies are Ready"));
        } else if (deadlineExceeded) {
            conditions.add(Conditions.of(Conditions.PROGRESSING, false, "ProgressDeadlineExceeded",
                    revisionText + " made no progress for " + o.progressDeadlineSeconds() + "s: " + counts));
        } else if (active) {
            conditions.add(Conditions.of(Conditions.PROGRESSING, true, "RolloutInProgress",
                    revisionText + ": " + counts));
        } else {
            conditions.add(Conditions.of(Conditions.PROGRESSING, false, "RolloutComplete",
                    revisionText + ": " + counts));
        }
        boolean cycle = o.dependencies() instanceof Dependencies.Cycle;
        boolean keepsOld = live.stream().anyMatch(p -> !o.revision().equals(p.revision()));
        if (stuck != null) {
            conditions.add(Conditions.of(Conditions.DEGRADED, true, stuck.trouble().reason(),
                    revisionText + " cannot run: Pod " + stuck.name() + ": " + stuck.trouble().message()
                            + (keepsOld ? "; the previous Pods are kept" : "")));
        } else if (deadlineExceeded) {
            conditions.add(Conditions.of(Conditions.DEGRADED, true, "ProgressDeadlineExceeded",
                    revisionText + " did not become available within rollout.progressDeadlineSeconds ("
                            + o.progressDeadlineSeconds() + "s): " + counts + "; the previous Pods are kept"));
        } else if (cycle) {
            conditions.add(Conditions.of(Conditions.DEGRADED, true, o.dependencies().reason(),
                    o.dependencies().message()));
        } else {
            conditions.add(Conditions.of(Conditions.DEGRADED, false, "AsExpected", "nothing is failing"));
        }
        conditions.add(readyCondition(o, dependenciesMet, complete, deadlineExceeded, counts));

        List<Condition> merged = Conditions.merge(previous == null ? null : previous.conditions(), conditions,
                o.generation(), o.now());
        String phase = !dependenciesMet ? (cycle ? "Degraded" : "Waiting")
                : deadlineExceeded || stuck != null ? "Degraded"
                : active ? "Progressing"
                : desired == 0 ? "Stopped" : "Running";
        PythonAppStatus status = new PythonAppStatus(o.generation(), live.size(), ready, updated, available,
                o.selector(), complete ? o.revision() : previous == null ? null : previous.currentRevision(),
                o.revision(), ready + "/" + desired, phase, lastProgress.toString(), merged);
        return new Report<>(status, RolloutEvents.of(previous == null ? null : previous.conditions(), merged,
                previous == null ? null : previous.updateRevision(), o.revision(),
                "rolling out revision " + o.revision(), complete, "revision " + o.revision() + ": " + desired + " of " + desired + " Pods available"));
    }

    private static Condition readyCondition(Observation o, boolean dependenciesMet, boolean complete,
            boolean deadlineExceeded, String counts) {
        int desired = o.bounds().replicas();
        if (!dependenciesMet) {
            return Conditions.of(Conditions.READY, false, o.dependencies().reason(), o.dependencies().message());
        }
        if (complete) {
            return Conditions.of(Conditions.READY, true, desired == 0 ? "ScaledToZero" : "AllPodsAvailable",
                    desired == 0 ? "replicas is 0: no Pods run" : desired + " of " + desired + " Pods available");
        }
        return Conditions.of(Conditions.READY, false, deadlineExceeded ? "ProgressDeadlineExceeded"
                : "RolloutInProgress", counts);
    }

    private static int nullToZero(Integer value) {
        return value == null ? 0 : value;
    }
}
