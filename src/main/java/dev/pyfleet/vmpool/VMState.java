package dev.pyfleet.vmpool;

import java.time.Instant;
import java.util.Set;

import dev.pyfleet.kube.Labels;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.kubevirt.VirtualMachineStatus;
import io.fabric8.kubernetes.api.model.Condition;

/** What pool planning needs to know of one VM. */
public record VMState(String name, int ordinal, String revision, Instant created, boolean terminating, boolean ready,
        String phase, boolean failing, Instant failingSince, int failedStarts) {

    /** KubeVirt's printableStatus values of a VM that cannot start. */
    static final Set<String> FAILING = Set.of("CrashLoopBackOff", "ErrorUnschedulable", "ErrImagePull",
            "ImagePullBackOff", "ErrorPvcNotFound", "ErrorDataVolumeNotFound", "DataVolumeError");

    public static VMState of(VirtualMachine vm, Instant now) {
        VirtualMachineStatus status = vm.getStatus();
        String name = vm.getMetadata().getName();
        String phase = status == null ? null : status.printableStatus();
        int failedStarts = status == null || status.startFailure() == null
                || status.startFailure().consecutiveFailCount() == null ? 0
                        : status.startFailure().consecutiveFailCount();
        boolean failing = phase != null && FAILING.contains(phase) || failedStarts > 0;
        Instant failingSince = failing ? readySince(status, now) : null;
        return new VMState(name, ordinal(name), vm.getMetadata().getLabels() == null ? null
                : vm.getMetadata().getLabels().get(Labels.REVISION),
                vm.getMetadata().getCreationTimestamp() == null ? now
                        : Instant.parse(vm.getMetadata().getCreationTimestamp()),
                vm.getMetadata().getDeletionTimestamp() != null,
                status != null && Boolean.TRUE.equals(status.ready()), phase, failing, failingSince, failedStarts);
    }

    /** When the VM's Ready condition last changed: how long a failing VM has been failing. */
    private static Instant readySince(VirtualMachineStatus status, Instant now) {
        if (status.conditions() == null) {
            return now;
        }
        return status.conditions().stream().filter(c -> "Ready".equals(c.getType()))
                .map(Condition::getLastTransitionTime).filter(t -> t != null).map(Instant::parse).findFirst()
                .orElse(now);
    }

    static int ordinal(String name) {
        int dash = name.lastIndexOf('-');
        try {
            return Integer.parseInt(name.substring(dash + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return -1;
        }
    }
}
