package dev.pyfleet.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.RuntimeSpec;
import dev.pyfleet.extender.PodRequests;
import dev.pyfleet.placement.FilterResult;
import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PlacementEngine;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.placement.RankedNode;
import dev.pyfleet.placement.Rejection;
import dev.pyfleet.pythonapp.AppPodTemplate;

/**
 * The what-if report, a pure function of an app and a cluster snapshot: each replica in turn is filtered and ranked
 * as the extender would, then counted on its node so the next replica sees it.
 */
final class WhatIf {

    /** Nodes listed one by one under a rejection reason; past that, a count and the first few names. */
    static final int LISTED = 5;

    private WhatIf() {
    }

    static String placeReplicas(PythonApp app, String scheduler, List<NodeSnapshot> cluster) {
        StringBuilder out = new StringBuilder();
        String name = app.getMetadata().getNamespace() + "/" + app.getMetadata().getName();
        if (app.getSpec().runtime() != null && app.getSpec().runtime().type() == RuntimeSpec.Type.VMPool) {
            return name + " runs on the VMs of its pool, not on Pods of its own: ask about the VMPool's nodes.\n";
        }
        AppPodTemplate template = AppPodTemplate.of(app, scheduler);
        int replicas = app.getSpec().replicas() == null ? 1 : app.getSpec().replicas();
        List<NodeSnapshot> nodes = new ArrayList<>(cluster);
        out.append(name).append(": ").append(replicas).append(" replica(s) on ").append(nodes.size())
                .append(" node(s), nothing changed in the cluster\n");
        for (int i = 0; i < replicas; i++) {
            PodRequest pod = PodRequests.of(template.pod(i));
            FilterResult filtered = PlacementEngine.filter(pod, nodes);
            out.append("\nreplica ").append(i).append(" (").append(pod.request().cpuMilli()).append("m cpu, ")
                    .append(pod.request().memoryBytes() >> 20).append("Mi, ").append(pod.strategy()).append("): ");
            if (filtered.fits().isEmpty()) {
                out.append("fits on no node; it would stay Pending\n");
            } else {
                Set<String> fit = Set.copyOf(filtered.fits());
                List<NodeSnapshot> candidates = nodes.stream().filter(n -> fit.contains(n.name())).toList();
                List<RankedNode> ranking = PlacementEngine.rank(pod, candidates);
                Map<String, String> why = PlacementEngine.explain(pod, candidates);
                String chosen = ranking.get(0).node();
                out.append(chosen).append(" — ").append(why.get(chosen)).append('\n');
                for (RankedNode next : ranking.subList(1, Math.min(4, ranking.size()))) {
                    out.append("  next best: ").append(next.node()).append(" — ").append(why.get(next.node()))
                            .append('\n');
                }
                nodes.replaceAll(n -> n.name().equals(chosen) ? n.withPod(pod) : n);
            }
            refusals(filtered.rejected(), out);
        }
        return out.toString();
    }

    private static void refusals(Map<String, Rejection> rejected, StringBuilder out) {
        Map<Rejection.Reason, List<Map.Entry<String, Rejection>>> byReason = new TreeMap<>();
        rejected.entrySet().forEach(e -> byReason.computeIfAbsent(e.getValue().reason(), r -> new ArrayList<>())
                .add(e));
        byReason.forEach((reason, nodes) -> {
            out.append("  refused by ").append(nodes.size()).append(" node(s), ").append(reason).append(":\n");
            nodes.stream().sorted(Map.Entry.comparingByKey()).limit(LISTED).forEach(e -> out.append("    ")
                    .append(e.getKey()).append(": ").append(e.getValue().message()).append('\n'));
            if (nodes.size() > LISTED) {
                out.append("    … and ").append(nodes.size() - LISTED).append(" more\n");
            }
        });
    }
}
