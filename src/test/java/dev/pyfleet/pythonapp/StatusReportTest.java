package dev.pyfleet.pythonapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonAppStatus;
import dev.pyfleet.status.Conditions;

class StatusReportTest {

    static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
    static final RolloutPlanner.Bounds BOUNDS = new RolloutPlanner.Bounds(2, 1, 0, 0);
    static final RolloutPlan NOTHING = new RolloutPlan(0, List.of(), Optional.empty());

    static PodState pod(String name, String revision, boolean ready) {
        return new PodState(name, revision, T0.minusSeconds(60), false, false, ready, ready ? T0 : null);
    }

    static StatusReport.Result report(List<PodState> pods, RolloutPlan plan, PythonAppStatus previous, Instant now) {
        return StatusReport.of(new StatusReport.Observation(4, "sel", "r2", BOUNDS, 30, pods, plan,
                new Dependencies.Met(), previous, now));
    }

    @Test
    void allPodsAvailableAtTheCurrentRevisionMakesTheAppReady() {
        var result = report(List.of(pod("a", "r2", true), pod("b", "r2", true)), NOTHING, null, T0);
        PythonAppStatus status = result.status();
        assertThat(Conditions.isTrue(status.conditions(), Conditions.READY)).isTrue();
        assertThat(Conditions.isTrue(status.conditions(), Conditions.PROGRESSING)).isFalse();
        assertThat(status.observedGeneration()).isEqualTo(4);
        assertThat(status.ready()).isEqualTo("2/2");
        assertThat(status.currentRevision()).isEqualTo("r2");
        assertThat(status.phase()).isEqualTo("Running");
        assertThat(status.conditions()).allMatch(c -> c.getObservedGeneration() == 4);
        assertThat(result.events()).extracting(StatusReport.Event::reason).containsExactly("RolloutComplete");
    }

    @Test
    void rolloutWithoutProgressPastTheDeadlineIsDegradedAndKeepsTheCurrentRevision() {
        var pods = List.of(pod("a", "r1", true), pod("b", "r1", true), pod("c", "r2", false));
        PythonAppStatus started = report(pods, new RolloutPlan(1, List.of(), Optional.empty()),
                new PythonAppStatus(3L, 2, 2, 0, 2, "sel", "r1", "r1", "2/2", "Running", T0.toString(), List.of()),
                T0).status();
        assertThat(Conditions.isTrue(started.conditions(), Conditions.PROGRESSING)).isTrue();

        var stuck = report(pods, NOTHING, started, T0.plusSeconds(31));
        PythonAppStatus status = stuck.status();
        assertThat(Conditions.find(status.conditions(), Conditions.DEGRADED).getReason())
                .isEqualTo("ProgressDeadlineExceeded");
        assertThat(Conditions.isTrue(status.conditions(), Conditions.DEGRADED)).isTrue();
        assertThat(Conditions.isTrue(status.conditions(), Conditions.READY)).isFalse();
        assertThat(status.currentRevision()).isEqualTo("r1");
        assertThat(status.phase()).isEqualTo("Degraded");
        assertThat(stuck.events()).anyMatch(e -> e.warning() && e.reason().equals("ProgressDeadlineExceeded"));
    }

    @Test
    void unchangedConditionsKeepTheirTransitionTime() {
        var pods = List.of(pod("a", "r2", true), pod("b", "r2", true));
        PythonAppStatus first = report(pods, NOTHING, null, T0).status();
        var second = report(pods, NOTHING, first, T0.plusSeconds(500));
        assertThat(second.status()).isEqualTo(first);
        assertThat(second.events()).isEmpty();
    }

    @Test
    void waitingForDependenciesIsNotReadyAndSaysWhy() {
        var result = StatusReport.of(new StatusReport.Observation(1, "sel", "r1", BOUNDS, 30, List.of(), NOTHING,
                new Dependencies.Waiting(List.of("db"), List.of()), null, T0));
        var ready = Conditions.find(result.status().conditions(), Conditions.READY);
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("WaitingForDependencies");
        assertThat(ready.getMessage()).contains("db");
        assertThat(result.status().phase()).isEqualTo("Waiting");
    }
}
