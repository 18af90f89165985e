package dev.pyfleet.rebalancing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.pyfleet.api.v1alpha1.RebalanceSpec;
import dev.pyfleet.extender.PodRequests;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.rebalance.MovablePod;
import dev.pyfleet.rebalance.Objective;
import dev.pyfleet.rebalance.RebalanceProblem;
import dev.pyfleet.kubevirt.VirtualMachineInstance;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Which Pods a rebalance may move, and the problem its planner solves: the Pods of PythonApps, and the launcher Pods
 * of VMPools' VMs (unless {@code vmMoves} is None), in the spec's namespaces and apps that run Ready on a node, each
 * one a {@link MovablePod} named {@code namespace/name}. Every other Pod stays where it is and keeps its share of its
 * node (the nodes' snapshots count it). Whether a VM itself can move (live, or by a restart where allowed) is asked
 * of its instance: {@link #whyVmStays}.
 */
record Scope(Set<String> namespaces, Set<String> apps, RebalanceSpec.VMMoves vmMoves) {

    static final String VMI_KIND = "VirtualMachineInstance";

    static Scope of(RebalanceSpec.Scope scope, RebalanceSpec.VMMoves vmMoves) {
        RebalanceSpec.VMMoves vms = vmMoves == null ? RebalanceSpec.VMMoves.LiveMigrate : vmMoves;
        return scope == null ? new Scope(Set.of(), Set.of(), vms)
                : new Scope(Set.copyOf(Optional.ofNullable(scope.namespaces()).orElse(List.of())),
                        Set.copyOf(Optional.ofNullable(scope.apps()).orElse(List.of())), vms);
    }

    /**
     * Whether the Pod may move: an app's Pod, or a pool VM's launcher Pod, in scope, bound, Running and Ready, not
     * on its way out.
     */
    boolean movable(Pod pod) {
        var meta = pod.getMetadata();
        boolean candidate = Labels.appPod(meta.getLabels())
                || vmMoves != RebalanceSpec.VMMoves.None && instance(pod).isPresent();
        if (!candidate || meta.getDeletionTimestamp() != null || pod.getSpec() == null
                || pod.getSpec().getNodeName() == null || pod.getStatus() == null
                || !"Running".equals(pod.getStatus().getPhase()) || !ready(pod)) {
            return false;
        }
        return (namespaces.isEmpty() || namespaces.contains(meta.getNamespace()))
                && (apps.isEmpty() || apps.contains(PodRequests.appKey(pod)));
    }

    /** The VM instance a pool VM's launcher Pod runs (its controller), if the Pod is one. */
    static Optional<OwnerReference> instance(Pod pod) {
        var meta = pod.getMetadata();
        if (!Labels.managedByPyFleet(meta.getLabels()) || !meta.getLabels().containsKey(Labels.POOL)
                || meta.getOwnerReferences() == null) {
            return Optional.empty();
        }
        return meta.getOwnerReferences().stream()
                .filter(o -> Boolean.TRUE.equals(o.getController()) && VMI_KIND.equals(o.getKind())).findFirst();
    }

    /**
     * Why a VM cannot move now, or empty if it can: live when KubeVirt says its instance is LiveMigratable; else by
     * a restart, where the spec allows that and the VM comes back by itself once its instance is deleted (run
     * strategy Always).
     *
     * @param runStrategy the VirtualMachine's, or null when unknown
     */
    Optional<String> whyVmStays(VirtualMachineInstance vmi, String runStrategy) {
        if (vmMoves == RebalanceSpec.VMMoves.None) {
            return Optional.of("vmMoves is None");
        }
        var status = vmi.getStatus();
        if (vmi.getMetadata().getDeletionTimestamp() != null || status == null || status.nodeName() == null
                || !"Running".equals(status.phase())) {
            return Optional.of("its instance is not running on a node");
        }
        Optional<Condition> live = status.condition(VirtualMachineInstance.LIVE_MIGRATABLE);
        if (live.isPresent() && "True".equals(live.get().getStatus())) {
            return Optional.empty();
        }
        String why = "KubeVirt cannot migrate it live (" + live.map(c -> Optional.ofNullable(c.getMessage())
                .or(() -> Optional.ofNullable(c.getReason())).orElse("LiveMigratable is " + c.getStatus()))
                .orElse("no LiveMigratable condition") + ")";
        if (vmMoves != RebalanceSpec.VMMoves.LiveMigrateOrRestart) {
            return Optional.of(why + " and vmMoves is " + vmMoves);
        }
        if (!"Always".equals(runStrategy)) {
            return Optional.of(why + " and a restart would not bring it back: its runStrategy is " + runStrategy);
        }
        return Optional.empty();
    }

    /** Whether the VM moves by a restart rather than live: {@link #whyVmStays} is empty and it is not migratable. */
    static boolean liveMigratable(VirtualMachineInstance vmi) {
        return vmi.getStatus() != null && vmi.getStatus().condition(VirtualMachineInstance.LIVE_MIGRATABLE)
                .map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /** @param pods Pods this scope finds {@link #movable} */
    static RebalanceProblem problem(List<NodeSnapshot> nodes, List<Pod> pods, Objective objective, int maxMoves,
            Duration timeLimit, int solverMemoryMib) {
        List<MovablePod> movable = pods.stream()
                .map(pod -> new MovablePod(id(pod), PodRequests.of(pod), pod.getSpec().getNodeName())).toList();
        return new RebalanceProblem(nodes, movable, objective, maxMoves, timeLimit, solverMemoryMib);
    }

    static String id(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
