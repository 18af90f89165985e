package dev.pyfleet.pythonapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class DependenciesTest {

    static final io.fabric8.kubernetes.client.utils.KubernetesSerialization YAML =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();

    static dev.pyfleet.api.v1alpha1.PythonApp app(String name, String dependsOn, String ready) {
        return YAML.unmarshal("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: PythonApp
                metadata: {name: %s, namespace: demo, resourceVersion: "9", generation: 2, labels: {team: a}}
                spec: {image: "shop:1", dependsOn: %s}
                status:
                  phase: Running
                  observedGeneration: 2
                  conditions:
                  - {type: Progressing, status: "False", reason: RolloutComplete, message: all replicas updated}
                  - {type: Ready, status: "%s", reason: R, message: a long message that the cache need not keep}
                """.formatted(name, dependsOn, ready), dev.pyfleet.api.v1alpha1.PythonApp.class);
    }

    @Test
    void theCheckReadsDependsOnAndTheReadyConditionOfTheNamespacesApps() {
        var namespace = List.of(app("web", "[db, cache]", "False"), app("db", "[]", "True"), app("cache", "[db]",
                "False"), app("worker", "[web]", "True"));
        assertThat(Dependencies.check("cache", namespace)).isInstanceOf(Dependencies.Met.class);
        assertThat(Dependencies.check("db", namespace)).isInstanceOf(Dependencies.Met.class);
        assertThat(Dependencies.check("web", namespace)).isEqualTo(new Dependencies.Waiting(List.of("cache"),
                List.of()));
        assertThat(Dependencies.check("worker", namespace)).isEqualTo(new Dependencies.Waiting(List.of("web"),
                List.of()));
    }

    @Test
    void appWithoutDependenciesMayStart() {
        assertThat(Dependencies.check("web", Map.of("web", List.of()), Set.of())).isInstanceOf(Dependencies.Met.class);
    }

    @Test
    void appWaitsForDependenciesThatAreNotReadyAndNamesThem() {
        var state = Dependencies.check("web", Map.of("web", List.of("db", "cache"), "db", List.of(), "cache",
                List.of()), Set.of("cache"));
        assertThat(state).isEqualTo(new Dependencies.Waiting(List.of("db"), List.of()));
        assertThat(state.reason()).isEqualTo("WaitingForDependencies");
        assertThat(state.message()).isEqualTo("waiting for db to be Ready");
    }

    @Test
    void missingDependencyIsNamedAsNotFound() {
        var state = Dependencies.check("web", Map.of("web", List.of("db")), Set.of());
        assertThat(state.reason()).isEqualTo("DependencyNotFound");
        assertThat(state.message()).contains("no PythonApp named db");
    }

    @Test
    void readyDependenciesLetTheAppStart() {
        var state = Dependencies.check("web", Map.of("web", List.of("db"), "db", List.of()), Set.of("db"));
        assertThat(state).isInstanceOf(Dependencies.Met.class);
    }

    @Test
    void cycleThroughTheAppIsReportedWithItsShortestPath() {
        var graph = Map.of("a", List.of("b", "x"), "b", List.of("c"), "c", List.of("a"), "x", List.of("a"));
        var state = Dependencies.check("a", graph, Set.of("b", "c", "x"));
        assertThat(state).isEqualTo(new Dependencies.Cycle(List.of("a", "x", "a")));
        assertThat(state.message()).startsWith("dependsOn forms a cycle: a -> x -> a");
    }

    @Test
    void aLongCycleIsFoundHoweverDeepItGoes() {
        var threeApps = Map.of("a", List.of("b"), "b", List.of("c"), "c", List.of("a"));
        assertThat(Dependencies.check("a", threeApps, Set.of("b", "c")))
                .isEqualTo(new Dependencies.Cycle(List.of("a", "b", "c", "a")));
        var sixApps = Map.of("a", List.of("b"), "b", List.of("c"), "c", List.of("d"), "d", List.of("e"),
                "e", List.of("f"), "f", List.of("a"));
        assertThat(Dependencies.check("a", sixApps, Set.of("b", "c", "d", "e", "f")))
                .isEqualTo(new Dependencies.Cycle(List.of("a", "b", "c", "d", "e", "f", "a")));
    }

    @Test
    void cycleElsewhereMakesTheAppWaitButIsNotItsCycle() {
        var graph = Map.of("web", List.of("b"), "b", List.of("c"), "c", List.of("b"));
        assertThat(Dependencies.check("web", graph, Set.of())).isInstanceOf(Dependencies.Waiting.class);
    }
}
