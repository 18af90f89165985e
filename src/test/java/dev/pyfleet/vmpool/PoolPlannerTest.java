package dev.pyfleet.vmpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pyfleet.api.v1alpha1.VMPoolSpec.ScaleDown.Policy;
import dev.pyfleet.app.EffectivePoolSpec;

class PoolPlannerTest {

    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    static VMState vm(int ordinal, String revision, boolean ready, int ageSeconds) {
        return new VMState("p-" + ordinal, ordinal, revision, NOW.minusSeconds(ageSeconds), false, ready,
                ready ? "Running" : "Starting", false, null, 0);
    }

    static PoolPlanner.Settings settings(int replicas, Policy policy) {
        return new PoolPlanner.Settings(replicas, true, 1, policy, true, 3, Duration.ofMinutes(5));
    }

    @Test
    void emptyPoolCreatesOrdinalsZeroToReplicas() {
        assertThat(PoolPlanner.plan(settings(3, Policy.NewestFirst), "r1", List.of(), NOW).create())
                .containsExactly(0, 1, 2);
    }

    @Test
    void scaleUpFillsTheLowestFreeOrdinals() {
        var vms = List.of(vm(1, "r1", true, 100), vm(3, "r1", true, 100));
        assertThat(PoolPlanner.plan(settings(4, Policy.NewestFirst), "r1", vms, NOW).create()).containsExactly(0, 2);
    }

    @ParameterizedTest(name = "{0} removes {1}")
    @CsvSource({"NewestFirst, 'p-4,p-3'", "OldestFirst, 'p-0,p-1'", "UnreadyFirst, 'p-1,p-4'"})
    void scaleDownFollowsThePolicy(Policy policy, String removed) {
        var vms = List.of(vm(0, "r1", true, 500), vm(1, "r1", false, 400), vm(2, "r1", true, 300),
                vm(3, "r1", true, 200), vm(4, "r1", true, 100));
        var plan = PoolPlanner.plan(settings(3, policy), "r1", vms, NOW);
        assertThat(plan.delete()).containsExactly(removed.split(","));
        assertThat(plan.create()).isEmpty();
    }

    /** VMs made by one reconcile share their creation second: the ordinal decides, oldest being the lowest. */
    @ParameterizedTest(name = "{0} removes {1}")
    @CsvSource({"NewestFirst, 'p-3,p-2'", "OldestFirst, 'p-0,p-1'", "UnreadyFirst, 'p-3,p-2'"})
    void vmsCreatedInTheSameSecondAreRemovedByOrdinal(Policy policy, String removed) {
        var vms = List.of(vm(0, "r1", true, 60), vm(1, "r1", true, 60), vm(2, "r1", true, 60),
                vm(3, "r1", true, 60));
        assertThat(PoolPlanner.plan(settings(2, policy), "r1", vms, NOW).delete()).containsExactly(removed.split(","));
    }

    /**
     * Property: a scale-down that comes with a new revision removes what the scale-down alone would, and the
     * rollout on top takes no more ready VMs than maxUnavailable allows below replicas.
     */
    @Test
    void scaleDownDuringARolloutKeepsMaxUnavailable() {
        java.util.Random random = new java.util.Random(5);
        for (int round = 0; round < 3000; round++) {
            int count = random.nextInt(9);
            List<VMState> vms = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                vms.add(vm(i, random.nextBoolean() ? "old" : "new", random.nextInt(4) > 0, 60 * random.nextInt(3)));
            }
            Policy policy = Policy.values()[random.nextInt(Policy.values().length)];
            int replicas = random.nextInt(7);
            int maxUnavailable = 1 + random.nextInt(3);
            var settings = new PoolPlanner.Settings(replicas, true, maxUnavailable, policy, false, 3,
                    Duration.ofMinutes(5));
            java.util.Set<String> scaleDownOnly = java.util.Set.copyOf(PoolPlanner.plan(new PoolPlanner.Settings(
                    replicas, false, maxUnavailable, policy, false, 3, Duration.ofMinutes(5)), "new", vms, NOW)
                    .delete());
            java.util.Set<String> deleted = java.util.Set.copyOf(PoolPlanner.plan(settings, "new", vms, NOW).delete());
            assertThat(deleted).as("round %d", round).containsAll(scaleDownOnly);
            long readyRemaining = vms.stream().filter(v -> v.ready() && !scaleDownOnly.contains(v.name())).count();
            long readyStaying = vms.stream().filter(v -> v.ready() && !deleted.contains(v.name())).count();
            assertThat(readyStaying).as("round %d: %s, replicas %d, maxUnavailable %d, %s", round, vms, replicas,
                    maxUnavailable, policy).isGreaterThanOrEqualTo(Math.min(readyRemaining, replicas - maxUnavailable));
        }
    }

    static VMState failing(int ordinal) {
        return new VMState("p-" + ordinal, ordinal, "r1", NOW.minusSeconds(600), false, false, "CrashLoopBackOff",
                true, NOW.minusSeconds(600), 5);
    }

    @Test
    void aHealedVmCountsTowardsAScaleDownSoNothingElseIsRemoved() {
        var vms = List.of(vm(0, "r1", true, 500), failing(1), vm(2, "r1", true, 100));
        var plan = PoolPlanner.plan(settings(2, Policy.NewestFirst), "r1", vms, NOW);
        assertThat(plan.delete()).containsExactly("p-1");
        assertThat(plan.healed()).containsExactly("p-1");
        assertThat(plan.create()).isEmpty();
    }

    @Test
    void aHealedVmOutsideTheOrdinalsIsReplacedAtOnceByTheLowestFreeOne() {
        var vms = List.of(failing(5), vm(6, "r1", true, 100));
        var plan = PoolPlanner.plan(settings(2, Policy.NewestFirst), "r1", vms, NOW);
        assertThat(plan.delete()).containsExactly("p-5");
        assertThat(plan.create()).containsExactly(0);
    }

    @Test
    void scalingUpWhileAVmIsReplacedCreatesTheOtherMissingOrdinalsNow() {
        var terminating = new VMState("p-0", 0, "r1", NOW.minusSeconds(100), true, true, "Running", false, null, 0);
        var plan = PoolPlanner.plan(settings(3, Policy.NewestFirst), "r1", List.of(terminating,
                vm(1, "r1", true, 100)), NOW);
        assertThat(plan.create()).as("p-0's name is waited for, p-2's is free").containsExactly(2);
    }

    @Test
    void rollingUpdateReplacesOneReadyVmAtATimeAndWaitsForItsName() {
        var vms = List.of(vm(0, "old", true, 100), vm(1, "old", true, 100), vm(2, "old", true, 100));
        var first = PoolPlanner.plan(settings(3, Policy.NewestFirst), "new", vms, NOW);
        assertThat(first.delete()).containsExactly("p-0");
        assertThat(first.create()).isEmpty();

        var terminating = new VMState("p-0", 0, "old", NOW.minusSeconds(100), true, true, "Running", false, null, 0);
        var waiting = PoolPlanner.plan(settings(3, Policy.NewestFirst), "new",
                List.of(terminating, vms.get(1), vms.get(2)), NOW);
        assertThat(waiting.changesSomething()).isFalse();

        var recreated = PoolPlanner.plan(settings(3, Policy.NewestFirst), "new", List.of(vms.get(1), vms.get(2)),
                NOW);
        assertThat(recreated.create()).containsExactly(0);
    }

    @Test
    void updatedVmThatIsNotReadyHaltsTheRollout() {
        var vms = List.of(vm(0, "new", false, 10), vm(1, "old", true, 100), vm(2, "old", true, 100));
        assertThat(PoolPlanner.plan(settings(3, Policy.NewestFirst), "new", vms, NOW).changesSomething()).isFalse();
    }

    @Test
    void onDeleteLeavesOutdatedVmsAlone() {
        var onDelete = new PoolPlanner.Settings(2, false, 1, Policy.NewestFirst, true, 3, Duration.ofMinutes(5));
        var vms = List.of(vm(0, "old", true, 100), vm(1, "old", true, 100));
        assertThat(PoolPlanner.plan(onDelete, "new", vms, NOW).changesSomething()).isFalse();
        assertThat(PoolPlanner.plan(onDelete, "new", List.of(vms.get(0)), NOW).create()).containsExactly(1);
    }

    @Test
    void vmFailingToStartIsHealedAfterTheThresholdOrTheDuration() {
        var failingOnce = new VMState("p-0", 0, "r1", NOW.minusSeconds(100), false, false, "CrashLoopBackOff", true,
                NOW.minusSeconds(60), 1);
        var healthy = vm(1, "r1", true, 100);
        assertThat(PoolPlanner.plan(settings(2, Policy.NewestFirst), "r1", List.of(failingOnce, healthy), NOW)
                .healed()).isEmpty();

        var failingOften = new VMState("p-0", 0, "r1", NOW.minusSeconds(100), false, false, "CrashLoopBackOff", true,
                NOW.minusSeconds(60), 3);
        var plan = PoolPlanner.plan(settings(2, Policy.NewestFirst), "r1", List.of(failingOften, healthy), NOW);
        assertThat(plan.healed()).containsExactly("p-0");
        assertThat(plan.create()).as("the name is reused once the old VM is gone").isEmpty();

        var failingLong = new VMState("p-0", 0, "r1", NOW.minusSeconds(900), false, false, "ErrImagePull", true,
                NOW.minusSeconds(301), 0);
        assertThat(PoolPlanner.plan(settings(2, Policy.NewestFirst), "r1", List.of(failingLong, healthy), NOW)
                .healed()).containsExactly("p-0");
    }

    @Test
    void maxUnavailableResolvesPercentagesDownButNeverBelowOne() {
        var quarter = new dev.pyfleet.api.v1alpha1.VMPoolSpec.UpdateStrategy(null,
                new io.fabric8.kubernetes.api.model.IntOrString("25%"), null);
        assertThat(PoolPlanner.Settings.of(new EffectivePoolSpec(new dev.pyfleet.api.v1alpha1.VMPoolSpec(10, null,
                quarter, null, null, null))).maxUnavailable()).isEqualTo(2);
        assertThat(PoolPlanner.Settings.of(new EffectivePoolSpec(new dev.pyfleet.api.v1alpha1.VMPoolSpec(2, null,
                quarter, null, null, null))).maxUnavailable()).isEqualTo(1);
        var healing = new dev.pyfleet.api.v1alpha1.VMPoolSpec.AutoHealing(true, 3, "1h30m");
        assertThat(new EffectivePoolSpec(new dev.pyfleet.api.v1alpha1.VMPoolSpec(2, null, null, null, healing,
                null)).minFailingDuration()).isEqualTo(Duration.ofMinutes(90));
    }
}
