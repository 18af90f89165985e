package dev.pyfleet.vmpool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.pyfleet.api.v1alpha1.VMPoolStatus;
import dev.pyfleet.status.Conditions;
import dev.pyfleet.status.Progress;
import dev.pyfleet.status.Report;
import dev.pyfleet.status.RolloutEvents;
import io.fabric8.kubernetes.api.model.Condition;

/** A pool's status from what one reconcile observed and planned; pure, like the PythonApp's StatusReport. */
public final class PoolStatusReport {

    public static final String KUBEVIRT_AVAILABLE = Conditions.KUBEVIRT_AVAILABLE;

    private PoolStatusReport() {
    }

    /** @param nodes VM name to the node its instance runs on */
    public record Observation(long generation, String selector, String revision, int replicas,
            int progressDeadlineSeconds, List<VMState> vms, Map<String, String> nodes, PoolPlan plan,
            String blocked, VMPoolStatus previous, Instant now) {
    }

    /** The status of a pool that cannot have VMs because KubeVirt is not installed. */
    public static VMPoolStatus kubeVirtMissing(long generation, String selector, int replicas, VMPoolStatus previous,
            Instant now) {
        String message = "KubeVirt's VirtualMachine CRD (virtualmachines.kubevirt.io) is not installed; the pool "
                + "creates its VMs as soon as it is";
        List<Condition> conditions = Conditions.merge(previous == null ? null : previous.conditions(), List.of(
                Conditions.of(KUBEVIRT_AVAILABLE, false, "CRDNotInstalled", message),
                Conditions.of(Conditions.PROGRESSING, false, "KubeVirtNotAvailable", message),
                Conditions.of(Conditions.DEGRADED, false, "AsExpected", "nothing is failing"),
                Conditions.of(Conditions.READY, false, "KubeVirtNotAvailable", message)), generation, now);
        return new VMPoolStatus(generation, 0, 0, 0, selector, null, null, "0/" + replicas, "Waiting", null,
                List.of(), conditions);
    }

    public static Report<VMPoolStatus> of(Observation o) {
        VMPoolStatus previous = o.previous();
        List<VMState> live = o.vms().stream().filter(v -> !v.terminating()).toList();
        int ready = (int) live.stream().filter(VMState::ready).count();
        int updated = (int) live.stream().filter(v -> o.revision().equals(v.revision())).count();
        int readyUpdated = (int) live.stream().filter(v -> o.revision().equals(v.revision()))
                .filter(VMState::ready).count();
        boolean complete = o.blocked() == null && live.size() == o.replicas() && o.vms().size() == o.replicas()
                && readyUpdated == o.replicas();
        boolean active = o.blocked() == null && !complete;
        boolean advanced = previous == null || o.plan().changesSomething()
                || !o.revision().equals(previous.updateRevision())
                || ready > nullToZero(previous.readyReplicas()) || updated > nullToZero(previous.updatedReplicas());
        Progress progress = Progress.of(previous == null ? null : previous.lastProgressTime(), advanced, active,
                o.progressDeadlineSeconds(), o.now());
        Instant lastProgress = progress.last();
        boolean halted = progress.deadlineExceeded();

        String counts = ready + " of " + o.replicas() + " VMs Ready, " + updated + " at revision " + o.revision()
                + runningButNotReady(live);
        List<Condition> conditions = new ArrayList<>();
        conditions.add(Conditions.of(KUBEVIRT_AVAILABLE, true, "CRDInstalled", "KubeVirt's CRDs are installed"));
        if (o.blocked() != null) {
            conditions.add(Conditions.of(Conditions.PROGRESSING, false, "InvalidSpec", o.blocked()));
            conditions.add(Conditions.of(Conditions.DEGRADED, true, "InvalidSpec", o.blocked()));
            conditions.add(Conditions.of(Conditions.READY, false, "InvalidSpec", o.blocked()));
        } else if (halted) {
            String message = "the rollout is halted: " + notReadyUpdated(o) + " did not become Ready within "
                    + "updateStrategy.progressDeadlineSeconds (" + o.progressDeadlineSeconds() + "s); the other VMs "
                    + "are left as they are (" + counts + ")";
            conditions.add(Conditions.of(Conditions.PROGRESSING, false, "RolloutHalted", message));
            conditions.add(Conditions.of(Conditions.DEGRADED, true, "RolloutHalted", message));
            conditions.add(Conditions.of(Conditions.READY, false, "RolloutHalted", counts));
        } else {
            conditions.add(Conditions.of(Conditions.PROGRESSING, active, active ? "RolloutInProgress"
                    : "RolloutComplete", counts));
            conditions.add(Conditions.of(Conditions.DEGRADED, false, "AsExpected", "nothing is failing"));
            conditions.add(Conditions.of(Conditions.READY, complete, complete ? "AllVMsReady" : "RolloutInProgress",
                    counts));
        }
        List<Condition> merged = Conditions.merge(previous == null ? null : previous.conditions(), conditions,
                o.generation(), o.now());
        List<VMPoolStatus.VM> vms = o.vms().stream().sorted(Comparator.comparing(VMState::ordinal))
                .map(v -> new VMPoolStatus.VM(v.name(), v.terminating() ? "Terminating" : v.phase(),
                        o.nodes().get(v.name()), v.ready(), v.revision()))
                .toList();
        String phase = o.blocked() != null || halted ? "Degraded" : active ? "Progressing"
                : o.replicas() == 0 ? "Stopped" : "Running";
        VMPoolStatus status = new VMPoolStatus(o.generation(), live.size(), ready, updated, o.selector(),
                complete ? o.revision() : previous == null ? null : previous.currentRevision(), o.revision(),
                ready + "/" + o.replicas(), phase, lastProgress.toString(), vms, merged);
        return new Report<>(status, RolloutEvents.of(previous == null ? null : previous.conditions(), merged,
                previous == null ? null : previous.updateRevision(), o.revision(),
                "replacing VMs with revision " + o.revision(), complete, counts));
    }

    /**
     * VMs that run but are not Ready: booted, with apps not all answering the guest's readiness check (still being
     * set up, or failing).
     */
    private static String runningButNotReady(List<VMState> live) {
        List<String> names = live.stream().filter(v -> !v.ready() && "Running".equals(v.phase()))
                .map(VMState::name).sorted().toList();
        return names.isEmpty() ? "" : "; running, but not all of their apps answer yet: " + String.join(", ", names);
    }

    private static String notReadyUpdated(Observation o) {
        List<String> names = o.vms().stream().filter(v -> o.revision().equals(v.revision()) && !v.ready())
                .map(VMState::name).sorted().toList();
        return names.isEmpty() ? "no VM at the new revision" : "VM " + String.join(", ", names);
    }

    private static int nullToZero(Integer value) {
        return value == null ? 0 : value;
    }
}
