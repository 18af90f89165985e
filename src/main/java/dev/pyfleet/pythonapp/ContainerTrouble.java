package dev.pyfleet.pythonapp;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Why a Pod's app cannot run, in the kubelet's words: a process that keeps exiting, a memory limit it keeps
 * exceeding, an image that cannot be had. A rollout waiting on such a Pod is not slow but stuck, and the user should
 * hear why at once rather than when the progress deadline runs out.
 */
public record ContainerTrouble(String reason, String message) {

    /** Waiting reasons that do not clear by waiting. */
    static final Set<String> STUCK = Set.of("CrashLoopBackOff", "ErrImagePull", "ImagePullBackOff",
            "ErrImageNeverPull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError",
            "RunContainerError");
    static final String OOM_KILLED = "OOMKilled";

    public static Optional<ContainerTrouble> of(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        for (ContainerStatus container : pod.getStatus().getContainerStatuses()) {
            Optional<ContainerTrouble> trouble = of(pod, container);
            if (trouble.isPresent()) {
                return trouble;
            }
        }
        return Optional.empty();
    }

    private static Optional<ContainerTrouble> of(Pod pod, ContainerStatus container) {
        ContainerStateWaiting waiting = container.getState() == null ? null : container.getState().getWaiting();
        ContainerStateTerminated last = container.getLastState() == null ? null
                : container.getLastState().getTerminated();
        boolean stuck = waiting != null && STUCK.contains(waiting.getReason());
        // Between two OOM kills the container runs for a moment: still the same trouble until it is Ready again.
        boolean killedAgain = last != null && OOM_KILLED.equals(last.getReason())
                && !Boolean.TRUE.equals(container.getReady());
        if (!stuck && !killedAgain) {
            return Optional.empty();
        }
        String name = "container " + container.getName();
        String restarts = " (restarted " + container.getRestartCount() + " times)";
        if (last != null && OOM_KILLED.equals(last.getReason())) {
            return Optional.of(new ContainerTrouble(OOM_KILLED, name + " was killed for using more than its memory "
                    + "limit" + memoryLimit(pod, container.getName()).map(l -> " of " + l).orElse("") + restarts));
        }
        if (last != null) {
            String why = last.getMessage() == null || last.getMessage().isBlank() ? ""
                    : ": " + last.getMessage().strip();
            return Optional.of(new ContainerTrouble(waiting.getReason(), name + " exited with code "
                    + last.getExitCode() + (last.getReason() == null ? "" : " (" + last.getReason() + ")") + why
                    + restarts));
        }
        return Optional.of(new ContainerTrouble(waiting.getReason(), name + ": "
                + (waiting.getMessage() == null ? waiting.getReason() : waiting.getMessage().strip())));
    }

    private static Optional<String> memoryLimit(Pod pod, String container) {
        return Optional.ofNullable(pod.getSpec()).map(s -> s.getContainers()).orElse(List.of()).stream()
                .filter(c -> container.equals(c.getName())).findFirst()
                .map(c -> c.getResources() == null || c.getResources().getLimits() == null ? null
                        : c.getResources().getLimits().get("memory"))
                .map(Quantity::toString);
    }
}
