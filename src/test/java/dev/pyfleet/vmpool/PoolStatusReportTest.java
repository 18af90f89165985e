package dev.pyfleet.vmpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.VMPoolStatus;
import dev.pyfleet.status.Conditions;
import dev.pyfleet.status.Event;
import dev.pyfleet.status.Report;
import io.fabric8.kubernetes.api.model.Condition;

/** What a pool's status says in each state a user can find it in, and which events a change raises. */
class PoolStatusReportTest {

    static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
    static final PoolPlan NOTHING = new PoolPlan(List.of(), List.of(), List.of());

    static VMState vm(int ordinal, String revision, boolean ready) {
        return new VMState("vms-" + ordinal, ordinal, revision, T0.minusSeconds(60), false, ready,
                ready ? "Running" : "Starting", false, null, 0);
    }

    static Report<VMPoolStatus> report(int replicas, List<VMState> vms, PoolPlan plan, String blocked,
            VMPoolStatus previous, Instant now) {
        return PoolStatusReport.of(new PoolStatusReport.Observation(7, "pyfleet.dev/pool=vms", "r2", replicas, 60,
                vms, Map.of("vms-0", "node-a", "vms-1", "node-b"), plan, blocked, previous, now));
    }

    static Condition condition(VMPoolStatus status, String type) {
        return Conditions.find(status.conditions(), type);
    }

    @Test
    void everyVmReadyAtTheNewRevisionIsReadyAndComplete() {
        var result = report(2, List.of(vm(1, "r2", true), vm(0, "r2", true)), NOTHING, null, null, T0);
        VMPoolStatus status = result.status();
        assertThat(condition(status, Conditions.READY)).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("AllVMsReady");
            assertThat(c.getMessage()).isEqualTo("2 of 2 VMs Ready, 2 at revision r2");
            assertThat(c.getObservedGeneration()).isEqualTo(7);
        });
        assertThat(condition(status, Conditions.PROGRESSING).getReason()).isEqualTo("RolloutComplete");
        assertThat(condition(status, PoolStatusReport.KUBEVIRT_AVAILABLE).getStatus()).isEqualTo("True");
        assertThat(status).extracting(VMPoolStatus::observedGeneration, VMPoolStatus::replicas,
                VMPoolStatus::readyReplicas, VMPoolStatus::updatedReplicas, VMPoolStatus::currentRevision,
                VMPoolStatus::updateRevision, VMPoolStatus::ready, VMPoolStatus::phase, VMPoolStatus::selector)
                .containsExactly(7L, 2, 2, 2, "r2", "r2", "2/2", "Running", "pyfleet.dev/pool=vms");
        assertThat(status.vms()).extracting(VMPoolStatus.VM::name, VMPoolStatus.VM::node)
                .as("sorted by ordinal, with the node each runs on")
                .containsExactly(org.assertj.core.groups.Tuple.tuple("vms-0", "node-a"),
                        org.assertj.core.groups.Tuple.tuple("vms-1", "node-b"));
        assertThat(result.events()).extracting(Event::reason).containsExactly("RolloutComplete");
    }

    @Test
    void aRunningVmWhoseAppsDoNotAnswerIsNamed() {
        var running = new VMState("vms-1", 1, "r2", T0.minusSeconds(60), false, false, "Running", false, null, 0);
        var result = report(2, List.of(vm(0, "r2", true), running), NOTHING, null, null, T0);
        assertThat(condition(result.status(), Conditions.READY).getMessage()).isEqualTo("1 of 2 VMs Ready, 2 at "
                + "revision r2; running, but not all of their apps answer yet: vms-1");
        assertThat(report(2, List.of(vm(0, "r2", true), vm(1, "r2", false)), NOTHING, null, null, T0).status()
                .conditions()).as("a VM still starting is only counted")
                .allSatisfy(c -> assertThat(c.getMessage()).doesNotContain("answer"));
    }

    @Test
    void aRolloutInProgressCountsOnlyLiveVmsAndKeepsTheCurrentRevision() {
        VMPoolStatus before = new VMPoolStatus(6L, 2, 2, 2, "pyfleet.dev/pool=vms", "r1", "r1", "2/2", "Running",
                T0.toString(), List.of(), List.of());
        var terminating = new VMState("vms-0", 0, "r1", T0.minusSeconds(60), true, true, "Running", false, null, 0);
        var result = report(2, List.of(terminating, vm(1, "r1", true)), new PoolPlan(List.of(), List.of("vms-0"),
                List.of()), null, before, T0.plusSeconds(5));
        VMPoolStatus status = result.status();
        assertThat(status.replicas()).isEqualTo(1);
        assertThat(status.readyReplicas()).isEqualTo(1);
        assertThat(status.updatedReplicas()).isZero();
        assertThat(status.currentRevision()).isEqualTo("r1");
        assertThat(status.updateRevision()).isEqualTo("r2");
        assertThat(status.phase()).isEqualTo("Progressing");
        assertThat(condition(status, Conditions.PROGRESSING).getStatus()).isEqualTo("True");
        assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo("False");
        assertThat(status.vms().get(0).phase()).isEqualTo("Terminating");
        assertThat(result.events()).extracting(Event::reason).containsExactly("RolloutStarted");
        assertThat(result.events().get(0).message()).isEqualTo("replacing VMs with revision r2 (was r1)");
    }

    @Test
    void aRolloutThatMakesNoProgressPastItsDeadlineHaltsAndSaysWhichVmsAreStuck() {
        var vms = List.of(vm(0, "r2", false), vm(1, "r1", true));
        VMPoolStatus started = report(2, vms, new PoolPlan(List.of(0), List.of(), List.of()), null, null, T0)
                .status();
        var atDeadline = report(2, vms, NOTHING, null, started, T0.plusSeconds(60));
        assertThat(atDeadline.status().phase()).as("not yet past 60s").isEqualTo("Progressing");
        var halted = report(2, vms, NOTHING, null, atDeadline.status(), T0.plusSeconds(61));
        VMPoolStatus status = halted.status();
        assertThat(status.phase()).isEqualTo("Degraded");
        assertThat(status.lastProgressTime()).isEqualTo(T0.toString());
        assertThat(condition(status, Conditions.DEGRADED)).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("RolloutHalted");
            assertThat(c.getMessage()).startsWith("the rollout is halted: VM vms-0 did not become Ready within "
                    + "updateStrategy.progressDeadlineSeconds (60s)");
        });
        assertThat(halted.events()).singleElement().satisfies(e -> {
            assertThat(e.warning()).isTrue();
            assertThat(e.reason()).isEqualTo("RolloutHalted");
        });
        assertThat(report(2, vms, NOTHING, null, status, T0.plusSeconds(90)).events())
                .as("the warning is told once").isEmpty();
    }

    @Test
    void progressOfAnyKindMovesTheDeadline() {
        var vms = List.of(vm(0, "r2", false), vm(1, "r1", true));
        VMPoolStatus started = report(2, vms, NOTHING, null, null, T0).status();
        var moreReady = report(2, List.of(vm(0, "r2", true), vm(1, "r1", true)), NOTHING, null, started,
                T0.plusSeconds(50)).status();
        assertThat(moreReady.lastProgressTime()).isEqualTo(T0.plusSeconds(50).toString());
        var planned = report(2, vms, new PoolPlan(List.of(), List.of("vms-1"), List.of()), null, started,
                T0.plusSeconds(50)).status();
        assertThat(planned.lastProgressTime()).isEqualTo(T0.plusSeconds(50).toString());
        var nothing = report(2, vms, NOTHING, null, started, T0.plusSeconds(50)).status();
        assertThat(nothing.lastProgressTime()).isEqualTo(T0.toString());
    }

    @Test
    void aBlockedSpecIsDegradedWithItsMessage() {
        var result = report(2, List.of(), NOTHING, "cloud-init user data is not valid YAML", null, T0);
        VMPoolStatus status = result.status();
        assertThat(status.phase()).isEqualTo("Degraded");
        for (String type : List.of(Conditions.READY, Conditions.PROGRESSING)) {
            assertThat(condition(status, type).getStatus()).isEqualTo("False");
            assertThat(condition(status, type).getReason()).isEqualTo("InvalidSpec");
        }
        assertThat(condition(status, Conditions.DEGRADED).getMessage())
                .isEqualTo("cloud-init user data is not valid YAML");
        assertThat(result.events()).singleElement().satisfies(e -> assertThat(e.warning()).isTrue());
    }

    @Test
    void vmsAtTheNewRevisionThatAreNotReadyKeepThePoolFromReady() {
        VMPoolStatus status = report(2, List.of(vm(0, "r2", true), vm(1, "r2", false)), NOTHING, null, null, T0)
                .status();
        assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo("False");
        assertThat(status.phase()).isEqualTo("Progressing");
        assertThat(status.currentRevision()).isNull();
        VMPoolStatus oneOld = report(2, List.of(vm(0, "r2", true), vm(1, "r1", true)), NOTHING, null, null, T0)
                .status();
        assertThat(condition(oneOld, Conditions.READY).getStatus()).as("ready, but one at the old revision")
                .isEqualTo("False");
    }

    @Test
    void aPoolScaledToZeroIsStoppedAndReady() {
        VMPoolStatus status = report(0, List.of(), NOTHING, null, null, T0).status();
        assertThat(status.phase()).isEqualTo("Stopped");
        assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo("True");
        assertThat(status.ready()).isEqualTo("0/0");
    }

    @Test
    void withoutKubeVirtThePoolWaitsAndSaysSo() {
        VMPoolStatus status = PoolStatusReport.kubeVirtMissing(3, "sel", 4, null, T0);
        assertThat(status).extracting(VMPoolStatus::observedGeneration, VMPoolStatus::replicas, VMPoolStatus::ready,
                VMPoolStatus::phase).containsExactly(3L, 0, "0/4", "Waiting");
        assertThat(condition(status, PoolStatusReport.KUBEVIRT_AVAILABLE)).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("CRDNotInstalled");
            assertThat(c.getMessage()).contains("virtualmachines.kubevirt.io");
        });
        assertThat(condition(status, Conditions.READY).getReason()).isEqualTo("KubeVirtNotAvailable");
        assertThat(condition(status, Conditions.DEGRADED).getStatus()).isEqualTo("False");
        VMPoolStatus again = PoolStatusReport.kubeVirtMissing(3, "sel", 4, status, T0.plusSeconds(60));
        assertThat(again.conditions()).as("transition times kept").isEqualTo(status.conditions());
    }
}
