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
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Which Pods a rebalance may move, and the problem its planner solves: the Pods of PythonApps in the spec's
 * namespaces and apps that run Ready on a node, each one a {@link MovablePod} named {@code namespace/name}. Every
 * other Pod stays where it is and keeps its share of its node (the nodes' snapshots count it). VM launcher Pods
 * stay too: a VM moves by live migration, which this plan does not yet make.
 */
record Scope(Set<String> namespaces, Set<String> apps) {

    static Scope of(RebalanceSpec.Scope scope) {
        return scope == null ? new Scope(Set.of(), Set.of())
                : new Scope(Set.copyOf(Optional.ofNullable(scope.namespaces()).orElse(List.of())),
                        Set.copyOf(Optional.ofNullable(scope.apps()).orElse(List.of())));
    }

    /** Whether the Pod may move: an app's Pod in scope, bound, Running and Ready, not on its way out. */
    boolean movable(Pod pod) {
        var meta = pod.getMetadata();
        if (!Labels.appPod(meta.getLabels()) || meta.getDeletionTimestamp() != null || pod.getSpec() == null
                || pod.getSpec().getNodeName() == null || pod.getStatus() == null
                || !"Running".equals(pod.getStatus().getPhase()) || !ready(pod)) {
            return false;
        }
        return (namespaces.isEmpty() || namespaces.contains(meta.getNamespace()))
                && (apps.isEmpty() || apps.contains(PodRequests.appKey(pod)));
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
