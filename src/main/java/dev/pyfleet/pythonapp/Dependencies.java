package dev.pyfleet.pythonapp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.app.EffectiveSpec;
import dev.pyfleet.status.Conditions;

/**
 * Whether an app may start: every app it depends on (same namespace) exists and is Ready, and no chain of
 * dependencies leads back to it. Pure: works on names and Ready flags taken from the informer cache.
 */
public final class Dependencies {

    private Dependencies() {
    }

    /** {@link #check(String, Map, Set)} on the apps of the namespace, as the primary cache has them. */
    public static State check(String app, List<PythonApp> namespace) {
        Map<String, List<String>> graph = namespace.stream().collect(Collectors.toMap(a -> a.getMetadata().getName(),
                a -> new EffectiveSpec(a.getSpec()).dependsOn()));
        Set<String> ready = namespace.stream()
                .filter(a -> a.getStatus() != null && Conditions.isTrue(a.getStatus().conditions(), Conditions.READY))
                .map(a -> a.getMetadata().getName()).collect(Collectors.toSet());
        return check(app, graph, ready);
    }

    public sealed interface State {
        String reason();

        String message();
    }

    public record Met() implements State {
        public String reason() {
            return "DependenciesReady";
        }

        public String message() {
            return "all dependencies are Ready";
        }
    }

    public record Waiting(List<String> notReady, List<String> missing) implements State {
        public String reason() {
            return missing.isEmpty() ? "WaitingForDependencies" : "DependencyNotFound";
        }

        public String message() {
            List<String> parts = new ArrayList<>();
            if (!notReady.isEmpty()) {
                parts.add("waiting for " + String.join(", ", notReady) + " to be Ready");
            }
            if (!missing.isEmpty()) {
                parts.add("no PythonApp named " + String.join(", ", missing) + " in this namespace");
            }
            return String.join("; ", parts);
        }
    }

    public record Cycle(List<String> path) implements State {
        public String reason() {
            return "DependencyCycle";
        }

        public String message() {
            return "dependsOn forms a cycle: " + String.join(" -> ", path) + "; remove one of these dependencies";
        }
    }

    /**
     * @param app the app to check
     * @param dependsOn every app of the namespace by name, with its dependsOn list
     * @param ready the names of the apps whose Ready condition is True
     */
    public static State check(String app, Map<String, List<String>> dependsOn, Set<String> ready) {
        List<String> cycle = cycleThrough(app, dependsOn);
        if (!cycle.isEmpty()) {
            return new Cycle(cycle);
        }
        List<String> notReady = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String dependency : new LinkedHashSet<>(dependsOn.getOrDefault(app, List.of()))) {
            if (!dependsOn.containsKey(dependency)) {
                missing.add(dependency);
            } else if (!ready.contains(dependency)) {
                notReady.add(dependency);
            }
        }
        return notReady.isEmpty() && missing.isEmpty() ? new Met() : new Waiting(notReady, missing);
    }

    /** The shortest path app -> ... -> app along dependsOn edges, or empty when there is none. */
    private static List<String> cycleThrough(String app, Map<String, List<String>> dependsOn) {
        // Breadth-first from the app's dependencies; the first time the app is reached gives the shortest cycle.
        Map<String, String> cameFrom = new HashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>();
        for (String next : dependsOn.getOrDefault(app, List.of())) {
            if (cameFrom.putIfAbsent(next, app) == null) {
                queue.add(next);
            }
        }
        while (!queue.isEmpty()) {
            String node = queue.poll();
            if (node.equals(app)) {
                List<String> path = new ArrayList<>();
                path.add(app);
                for (String at = cameFrom.get(app); !at.equals(app); at = cameFrom.get(at)) {
                    path.add(0, at);
                }
                path.add(0, app);
                return path;
            }
            for (String next : dependsOn.getOrDefault(node, List.of())) {
                if (cameFrom.putIfAbsent(next, node) == null) {
                    queue.add(next);
                }
            }
        }
        return List.of();
    }
}
