package dev.pyfleet.pythonapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonAppStatus;
import dev.pyfleet.status.Conditions;
import dev.pyfleet.status.Event;
import dev.pyfleet.status.Report;

class StatusReportTest {

    static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
    static final RolloutPlanner.Bounds BOUNDS = new RolloutPlanner.Bounds(2, 1, 0, 0);
    static final RolloutPlan NOTHING = new RolloutPlan(0, List.of(), Optional.empty());

    static PodState pod(String name, String revision, boolean ready) {
        return new PodState(name, revision, T0.minusSeconds(60), false, false, ready, ready ? T0 : null);
    }

    static Report<PythonAppStatus> report(List<PodState> pods, RolloutPlan plan, PythonAppStatus previous, Instant now) {
        return StatusReport.of(new StatusReport.Observation(4, "sel", "r2", BOUNDS, 30, pods, plan,
                new Dependencies.Met(), previous, now));
    }

    static PodState troubled(String name, String revision, String reason) {
        return new PodState(name, revision, T0.minusSeconds(60), false, false, false, null,
                new ContainerTrouble(reason, "container app exited with code 3 (Error) (restarted 2 times)"));
    }

    static io.fabric8.kubernetes.api.model.Pod written(String name, String revision) {
        return new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName(name)
                .addToLabels(dev.pyfleet.kube.Labels.REVISION, revision).endMetadata().build();
    }

    @Test
    void theStatusWrittenWithTheFirstPodsIsWhatTheNextLookSeesSoItIsWrittenOnce() {
        var first = report(PodState.afterWrites(List.of(), List.of(written("a", "r2"), written("b", "r2")),
                java.util.Set.of()), new RolloutPlan(2, List.of(), Optional.empty()), null, T0);
        assertThat(first.status()).extracting(PythonAppStatus::replicas, PythonAppStatus::updatedReplicas,
                PythonAppStatus::readyReplicas).containsExactly(2, 2, 0);
        assertThat(first.status().phase()).isEqualTo("Progressing");
        // The cache then shows both Pods, not yet Ready: nothing to write.
        var next = report(List.of(pod("a", "r2", false), pod("b", "r2", false)), NOTHING, first.status(),
                T0.plusSeconds(1));
        assertThat(next.status()).isEqualTo(first.status());
    }

    @Test
    void podsDeletedInThisReconcileAreReportedGoing() {
        var pods = PodState.afterWrites(List.of(pod("a", "r1", true), pod("b", "r1", true), pod("c", "r2", true)),
                List.of(written("c", "r2"), written("d", "r2")), java.util.Set.of("a"));
        assertThat(pods).extracting(PodState::name).containsExactly("a", "b", "c", "d");
        assertThat(pods).extracting(PodState::live).containsExactly(false, true, true, true);
        var result = report(pods, new RolloutPlan(1, List.of("a"), Optional.empty()), null, T0);
        assertThat(result.status().replicas()).as("a is going, c was seen already, d is new").isEqualTo(3);
    }

    @Test
    void aNewPodThatCannotRunDegradesTheAppAtOnceSayingWhyAndKeepsTheOldPods() {
        var result = report(List.of(pod("a", "r1", true), pod("b", "r1", true),
                troubled("c", "r2", "CrashLoopBackOff")), NOTHING, null, T0);
        var degraded = Conditions.find(result.status().conditions(), Conditions.DEGRADED);
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("CrashLoopBackOff");
        assertThat(degraded.getMessage()).isEqualTo("revision r2 cannot run: Pod c: container app exited with code 3 "
                + "(Error) (restarted 2 times); the previous Pods are kept");
        assertThat(result.status().phase()).isEqualTo("Degraded");
        assertThat(Conditions.isTrue(result.status().conditions(), Conditions.READY)).isFalse();
        assertThat(result.events()).anySatisfy(e -> {
            assertThat(e.warning()).isTrue();
            assertThat(e.reason()).isEqualTo("CrashLoopBackOff");
        });
    }

    @Test
    void aFirstRolloutThatCannotRunHasNoPreviousPodsToKeep() {
        var result = report(List.of(troubled("a", "r2", "OOMKilled"), pod("b", "r2", true)), NOTHING, null, T0);
        var degraded = Conditions.find(result.status().conditions(), Conditions.DEGRADED);
        assertThat(degraded.getReason()).isEqualTo("OOMKilled");
        assertThat(degraded.getMessage()).doesNotContain("previous Pods");
    }

    /** A Pod no node fits (a claim that cannot bind, no room) is waited for, not Degraded, and the wait is told. */
    @Test
    void aPodTheSchedulerFindsNoNodeForIsToldInProgressAndReadyWithoutDegradingTheApp() {
        PodState pending = new PodState("b", "r2", T0.minusSeconds(60), false, false, false, null, null, null,
                "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.");
        var status = report(List.of(pod("a", "r2", true), pending), NOTHING, null, T0).status();
        String told = "Pod b cannot be scheduled: 0/3 nodes are available: pod has unbound immediate "
                + "PersistentVolumeClaims.";
        assertThat(Conditions.find(status.conditions(), "Progressing").getMessage()).endsWith(told);
        assertThat(Conditions.find(status.conditions(), "Ready").getMessage()).endsWith(told);
        assertThat(Conditions.find(status.conditions(), "Degraded").getStatus()).isEqualTo("False");
        assertThat(status.phase()).isEqualTo("Progressing");
        var scheduled = report(List.of(pod("a", "r2", true), pod("b", "r2", false)), NOTHING, null, T0).status();
        assertThat(Conditions.find(scheduled.conditions(), "Ready").getMessage()).doesNotContain("scheduled");
    }

    @Test
    void troubleOnlyInAnOldPodOrATerminatingOneDoesNotDegradeTheRollout() {
        var terminating = new PodState("d", "r2", T0.minusSeconds(60), true, false, false, null,
                new ContainerTrouble("CrashLoopBackOff", "gone"));
        var result = report(List.of(troubled("a", "r1", "CrashLoopBackOff"), pod("b", "r2", true), terminating),
                NOTHING, null, T0);
        assertThat(Conditions.find(result.status().conditions(), Conditions.DEGRADED).getStatus()).isEqualTo("False");
        assertThat(result.status().phase()).isEqualTo("Progressing");
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
        assertThat(result.events()).extracting(Event::reason).containsExactly("RolloutComplete");
        var dependencies = Conditions.find(status.conditions(), StatusReport.DEPENDENCIES_READY);
        assertThat(dependencies.getStatus()).isEqualTo("True");
        assertThat(dependencies.getReason()).isEqualTo("DependenciesReady");
        assertThat(dependencies.getMessage()).isEqualTo("all dependencies are Ready");
    }

    @Test
    void podsAtTheNewRevisionThatAreNotYetAvailableKeepTheAppFromReady() {
        var bounds = new RolloutPlanner.Bounds(2, 1, 0, 30);
        var pods = List.of(new PodState("a", "r2", T0.minusSeconds(90), false, false, true, T0.minusSeconds(60)),
                new PodState("b", "r2", T0.minusSeconds(90), false, false, true, T0.minusSeconds(10)));
        PythonAppStatus status = StatusReport.of(new StatusReport.Observation(2, "sel", "r2", bounds, 600, pods,
                NOTHING, new Dependencies.Met(), null, T0)).status();
        assertThat(Conditions.isTrue(status.conditions(), Conditions.READY)).isFalse();
        assertThat(status.phase()).isEqualTo("Progressing");
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
        assertThat(Conditions.find(status.conditions(), Conditions.READY).getReason())
                .isEqualTo("ProgressDeadlineExceeded");
        assertThat(Conditions.find(started.conditions(), Conditions.READY).getReason()).isEqualTo("RolloutInProgress");
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

    /** Ready, updated and available are three different counts; terminating and failed Pods are in none. */
    @Test
    void countsTellReadyUpdatedAndAvailableApart() {
        var pods = List.of(
                new PodState("a", "r2", T0.minusSeconds(90), false, false, true, T0.minusSeconds(60)),
                new PodState("b", "r2", T0.minusSeconds(90), false, false, true, T0.minusSeconds(10)),
                new PodState("c", "r1", T0.minusSeconds(90), false, false, true, T0.minusSeconds(60)),
                new PodState("d", "r2", T0.minusSeconds(90), false, false, false, null),
                new PodState("e", "r2", T0.minusSeconds(90), true, false, true, T0.minusSeconds(60)),
                new PodState("f", "r2", T0.minusSeconds(90), false, true, false, null));
        var bounds = new RolloutPlanner.Bounds(4, 1, 0, 30);
        PythonAppStatus status = StatusReport.of(new StatusReport.Observation(2, "sel", "r2", bounds, 600, pods,
                NOTHING, new Dependencies.Met(), null, T0)).status();
        assertThat(status).extracting(PythonAppStatus::replicas, PythonAppStatus::readyReplicas,
                PythonAppStatus::updatedReplicas, PythonAppStatus::availableReplicas, PythonAppStatus::ready)
                .containsExactly(4, 3, 3, 2, "3/4");
        assertThat(Conditions.find(status.conditions(), Conditions.READY).getMessage())
                .isEqualTo("2 of 4 Pods available, 3 updated");
    }

    @Test
    void anAppScaledToZeroIsReadyAndStopped() {
        var bounds = new RolloutPlanner.Bounds(0, 1, 0, 0);
        PythonAppStatus status = StatusReport.of(new StatusReport.Observation(1, "sel", "r1", bounds, 30, List.of(),
                NOTHING, new Dependencies.Met(), null, T0)).status();
        var ready = Conditions.find(status.conditions(), Conditions.READY);
        assertThat(ready.getStatus()).isEqualTo("True");
        assertThat(ready.getReason()).isEqualTo("ScaledToZero");
        assertThat(ready.getMessage()).isEqualTo("replicas is 0: no Pods run");
        assertThat(status.phase()).isEqualTo("Stopped");
    }

    @Test
    void aDependencyCycleIsDegradedAndToldOnceUntilTheReasonChanges() {
        var cycle = new Dependencies.Cycle(List.of("a", "b", "a"));
        var first = StatusReport.of(new StatusReport.Observation(1, "sel", "r2", BOUNDS, 30, List.of(), NOTHING,
                cycle, null, T0));
        var degraded = Conditions.find(first.status().conditions(), Conditions.DEGRADED);
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("DependencyCycle");
        assertThat(Conditions.find(first.status().conditions(), Conditions.READY).getReason())
                .isEqualTo("DependencyCycle");
        assertThat(first.status().phase()).isEqualTo("Degraded");
        assertThat(first.events()).singleElement().satisfies(e -> {
            assertThat(e.warning()).isTrue();
            assertThat(e.message()).startsWith("dependsOn forms a cycle: a -> b -> a");
        });
        var again = StatusReport.of(new StatusReport.Observation(1, "sel", "r2", BOUNDS, 30, List.of(), NOTHING,
                cycle, first.status(), T0.plusSeconds(5)));
        assertThat(again.events()).isEmpty();

        // Still degraded, for another reason: that is news.
        var pods = List.of(pod("a", "r1", true), pod("b", "r1", true), pod("c", "r2", false));
        var resumed = report(pods, NOTHING, again.status(), T0.plusSeconds(10));
        assertThat(Conditions.isTrue(resumed.status().conditions(), Conditions.DEGRADED)).isFalse();
        var stuck = report(pods, NOTHING, resumed.status(), T0.plusSeconds(41));
        assertThat(stuck.events()).extracting(Event::reason).containsExactly("ProgressDeadlineExceeded");

        // Degraded all along, but for a new reason: told again.
        var degradedByCycle = new PythonAppStatus(3L, 3, 2, 1, 2, "sel", "r1", "r2", "2/2", "Degraded",
                T0.toString(), List.of(Conditions.of(Conditions.DEGRADED, true, "DependencyCycle", "a -> b -> a")));
        assertThat(report(pods, NOTHING, degradedByCycle, T0.plusSeconds(31)).events())
                .extracting(Event::reason).containsExactly("ProgressDeadlineExceeded");
    }

    @Test
    void aRolloutStartsWhenTheRevisionChangesAndOnlyThen() {
        var pods = List.of(pod("a", "r1", true), pod("b", "r1", true));
        var previous = new PythonAppStatus(3L, 2, 2, 2, 2, "sel", "r1", "r1", "2/2", "Running", T0.toString(),
                List.of());
        assertThat(report(pods, NOTHING, previous, T0).events()).extracting(Event::reason)
                .containsExactly("RolloutStarted");
        assertThat(report(pods, NOTHING, previous, T0).events().get(0).message())
                .isEqualTo("rolling out revision r2 (was r1)");
        var sameRevision = new PythonAppStatus(3L, 2, 2, 2, 2, "sel", "r1", "r2", "2/2", "Running", T0.toString(),
                List.of());
        assertThat(report(pods, NOTHING, sameRevision, T0).events()).isEmpty();
        var noRevisionYet = new PythonAppStatus(3L, 2, 2, 2, 2, "sel", null, null, "2/2", "Running",
                T0.toString(), List.of());
        assertThat(report(pods, NOTHING, noRevisionYet, T0).events()).isEmpty();
    }
}
