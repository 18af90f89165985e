package dev.pyfleet.pythonapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pyfleet.kube.IntOrPercent;
import io.fabric8.kubernetes.api.model.IntOrString;

class RolloutPlannerTest {

    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    static final String NEW = "new";
    static final String OLD = "old";

    static PodState pod(String name, String revision, boolean ready, int ageSeconds) {
        Instant created = NOW.minusSeconds(ageSeconds);
        return new PodState(name, revision, created, false, false, ready, ready ? created : null);
    }

    static RolloutPlanner.Bounds bounds(int replicas, int surge, int unavailable) {
        return new RolloutPlanner.Bounds(replicas, surge, unavailable, 0);
    }

    @Test
    void scaleUpFromNothingCreatesAllReplicas() {
        RolloutPlan plan = RolloutPlanner.plan(bounds(3, 1, 0), NEW, List.of(), NOW);
        assertThat(plan.create()).isEqualTo(3);
        assertThat(plan.delete()).isEmpty();
    }

    @Test
    void anAppAtItsRevisionAndSizeChangesNothingEvenWithRoomToSurge() {
        RolloutPlan plan = RolloutPlanner.plan(bounds(2, 1, 0), NEW, List.of(pod("a", NEW, true, 60),
                pod("b", NEW, true, 60)), NOW);
        assertThat(plan.create()).isZero();
        assertThat(plan.delete()).isEmpty();
    }

    @Test
    void aBoundWrittenAsANumberInAStringIsThatNumber() {
        assertThat(IntOrPercent.resolve(new IntOrString("3"), 10, true)).isEqualTo(3);
        assertThat(IntOrPercent.resolve(null, 10, true)).isZero();
    }

    @Test
    void scaleDownRemovesUnreadyPodsFirstThenTheNewest() {
        List<PodState> pods = List.of(pod("a", NEW, true, 300), pod("b", NEW, true, 100), pod("c", NEW, false, 500),
                pod("d", NEW, true, 200));
        RolloutPlan plan = RolloutPlanner.plan(bounds(2, 1, 0), NEW, pods, NOW);
        assertThat(plan.create()).isZero();
        assertThat(plan.delete()).containsExactly("c", "b");
    }

    /**
     * With a claim per replica, a scale-down frees the highest slots, even of ready or older Pods: otherwise the
     * replicas left would hold a slot above replicas, and the next Pod would mount another replica's claim.
     */
    @Test
    void scaleDownOfAnAppWithReplicaClaimsRemovesTheHighestSlotsFirst() {
        List<PodState> pods = List.of(slotted("a", 2, true, 500), slotted("b", 0, true, 100),
                slotted("c", 1, false, 50), slotted("d", 3, true, 10));
        RolloutPlan plan = RolloutPlanner.plan(bounds(2, 0, 1), NEW, pods, NOW);
        assertThat(plan.delete()).containsExactly("d", "a");
        assertThat(plan.create()).isZero();
    }

    private static PodState slotted(String name, int slot, boolean ready, int ageSeconds) {
        Instant created = NOW.minusSeconds(ageSeconds);
        return new PodState(name, NEW, created, false, false, ready, ready ? created : null, null, slot);
    }

    @Test
    void failedPodIsDeletedAndReplacedOnlyOnceItIsGoneWhenThereIsNoSurge() {
        List<PodState> pods = List.of(pod("a", NEW, true, 60), pod("b", NEW, true, 60),
                new PodState("c", NEW, NOW.minusSeconds(60), false, true, false, null));
        RolloutPlan plan = RolloutPlanner.plan(bounds(3, 0, 1), NEW, pods, NOW);
        assertThat(plan.delete()).containsExactly("c");
        assertThat(plan.create()).isZero();
    }

    @Test
    void rolloutWithSurgeCreatesFirstAndKeepsOldPodsUntilNewOnesAreAvailable() {
        List<PodState> pods = List.of(pod("o1", OLD, true, 600), pod("o2", OLD, true, 600), pod("o3", OLD, true, 600));
        RolloutPlan first = RolloutPlanner.plan(bounds(3, 1, 0), NEW, pods, NOW);
        assertThat(first.create()).isEqualTo(1);
        assertThat(first.delete()).isEmpty();

        List<PodState> withUnreadyNew = new ArrayList<>(pods);
        withUnreadyNew.add(pod("n1", NEW, false, 1));
        RolloutPlan waiting = RolloutPlanner.plan(bounds(3, 1, 0), NEW, withUnreadyNew, NOW);
        assertThat(waiting.changesSomething()).isFalse();

        List<PodState> withReadyNew = new ArrayList<>(pods);
        withReadyNew.add(pod("n1", NEW, true, 1));
        RolloutPlan step = RolloutPlanner.plan(bounds(3, 1, 0), NEW, withReadyNew, NOW);
        assertThat(step.create()).isZero();
        assertThat(step.delete()).hasSize(1).allMatch(name -> name.startsWith("o"));
    }

    @Test
    void rolloutWithoutSurgeDeletesFirstWithinMaxUnavailable() {
        List<PodState> pods = List.of(pod("o1", OLD, true, 600), pod("o2", OLD, true, 600), pod("o3", OLD, true, 600));
        RolloutPlan plan = RolloutPlanner.plan(bounds(3, 0, 1), NEW, pods, NOW);
        assertThat(plan.create()).isZero();
        assertThat(plan.delete()).hasSize(1);
    }

    @Test
    void minReadySecondsDelaysAvailabilityAndAsksToBeWokenWhenItPasses() {
        PodState fresh = new PodState("n1", NEW, NOW.minusSeconds(5), false, false, true, NOW.minusSeconds(5));
        List<PodState> pods = List.of(pod("o1", OLD, true, 600), fresh);
        var bounds = new RolloutPlanner.Bounds(1, 1, 0, 30);
        RolloutPlan plan = RolloutPlanner.plan(bounds, NEW, pods, NOW);
        assertThat(plan.delete()).isEmpty();
        assertThat(plan.recheckAfter()).hasValueSatisfying(d -> assertThat(d.toSeconds()).isEqualTo(25));
        assertThat(RolloutPlanner.plan(bounds, NEW, pods, NOW.plusSeconds(26)).delete()).containsExactly("o1");
    }

    @ParameterizedTest(name = "replicas {0}, maxSurge {1}, maxUnavailable {2} -> surge {3}, unavailable {4}")
    @CsvSource({
            "10, 25%, 25%, 3, 2",
            "3, 25%, 0, 1, 0",
            "1, 25%, 0, 1, 0",       // the default app: a quarter of one Pod still surges one, never deletes first
            "5, 30%, 30%, 2, 1",     // 1.5 rounds up for surge, down for unavailable
            "1, 0%, 0%, 0, 1",
            "4, 2, 1, 2, 1",
            "0, 25%, 25%, 0, 1"})
    void percentagesResolveLikeADeployment(int replicas, String surge, String unavailable, int expectedSurge,
            int expectedUnavailable) {
        var bounds = RolloutPlanner.Bounds.of(replicas, intOrString(surge), intOrString(unavailable), 0);
        assertThat(bounds.maxSurge()).isEqualTo(expectedSurge);
        assertThat(bounds.maxUnavailable()).isEqualTo(expectedUnavailable);
    }

    /**
     * Property: whatever the bounds and however Pods become ready, a simulated rollout never has more than
     * replicas + maxSurge Pods, never takes available Pods below replicas - maxUnavailable, and ends with exactly
     * the desired Pods at the new revision.
     */
    @Test
    void simulatedRolloutsKeepTheirBoundsAndConverge() {
        Random random = new Random(20261123);
        for (int scenario = 0; scenario < 500; scenario++) {
            int replicas = 1 + random.nextInt(8);
            int oldCount = random.nextInt(10);
            var bounds = RolloutPlanner.Bounds.of(replicas, new IntOrString(random.nextInt(3)),
                    new IntOrString(random.nextInt(3)), 0);
            simulate(scenario, bounds, oldCount, random);
        }
    }

    private static void simulate(int scenario, RolloutPlanner.Bounds bounds, int oldCount, Random random) {
        List<PodState> pods = new ArrayList<>(IntStream.range(0, oldCount)
                .mapToObj(i -> pod("old-" + i, OLD, true, 1000)).toList());
        int created = 0;
        for (int step = 0; step < 400; step++) {
            long availableBefore = pods.stream().filter(p -> p.availableAt(NOW, 0)).count();
            RolloutPlan plan = RolloutPlanner.plan(bounds, NEW, pods, NOW);
            // Deletions mark Pods terminating; they vanish at a later step.
            List<PodState> next = new ArrayList<>();
            for (PodState p : pods) {
                if (plan.delete().contains(p.name())) {
                    next.add(new PodState(p.name(), p.revision(), p.created(), true, p.failed(), p.ready(),
                            p.readySince()));
                } else {
                    next.add(p);
                }
            }
            for (int i = 0; i < plan.create(); i++) {
                next.add(pod("new-" + created++, NEW, false, 0));
            }
            String context = "scenario " + scenario + " " + bounds + " old " + oldCount + " step " + step;
            assertThat(next.size()).as(context).isLessThanOrEqualTo(
                    Math.max(oldCount, bounds.replicas() + bounds.maxSurge()));
            long availableAfter = next.stream().filter(p -> p.availableAt(NOW, 0)).count();
            assertThat(availableAfter).as(context).isGreaterThanOrEqualTo(
                    Math.min(availableBefore, bounds.replicas() - bounds.maxUnavailable()));
            pods = new ArrayList<>();
            for (PodState p : next) {
                boolean vanish = p.terminating() && random.nextBoolean();
                boolean becomesReady = !p.ready() && !p.terminating() && random.nextInt(3) == 0;
                if (!vanish) {
                    pods.add(becomesReady ? pod(p.name(), p.revision(), true, 0) : p);
                }
            }
            boolean converged = pods.size() == bounds.replicas()
                    && pods.stream().allMatch(p -> NEW.equals(p.revision()) && p.ready() && !p.terminating());
            if (converged) {
                return;
            }
        }
        throw new AssertionError("scenario " + scenario + " " + bounds + " did not converge: " + pods);
    }

    private static IntOrString intOrString(String value) {
        return value.endsWith("%") ? new IntOrString(value) : new IntOrString(Integer.parseInt(value));
    }
}
