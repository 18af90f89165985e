package dev.pyfleet.pythonapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class DependenciesTest {

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
