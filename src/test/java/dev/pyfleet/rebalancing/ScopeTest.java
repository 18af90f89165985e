package dev.pyfleet.rebalancing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.RebalanceSpec;
import dev.pyfleet.api.v1alpha1.RebalanceSpec.VMMoves;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.kubevirt.VirtualMachineInstance;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** Which Pods and VMs a rebalance may move, and how a VM would move. */
class ScopeTest {

    static Scope scope(VMMoves vmMoves, String... apps) {
        return Scope.of(new RebalanceSpec.Scope(List.of(), List.of(apps)), vmMoves);
    }

    static VirtualMachineInstance vmi(String phase, String node, Condition... conditions) {
        VirtualMachineInstance vmi = new VirtualMachineInstance();
        vmi.setMetadata(new ObjectMetaBuilder().withName("vm-0").withNamespace("ns").withUid("vmi-uid").build());
        vmi.setStatus(new VirtualMachineInstance.Status(phase, node, List.of(conditions)));
        return vmi;
    }

    static Condition liveMigratable(String status, String message) {
        return new ConditionBuilder().withType("LiveMigratable").withStatus(status).withReason("DisksNotLiveMigratable")
                .withMessage(message).build();
    }

    /** A Running, Ready, bound Pod with the given labels, controlled by a VM instance if {@code vmi} is set. */
    static Pod pod(Map<String, String> labels, String vmi) {
        var builder = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withLabels(labels)
                .endMetadata().withNewSpec().withNodeName("n1").endSpec().withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
        if (vmi != null) {
            builder.editMetadata().addNewOwnerReference().withKind("VirtualMachineInstance").withName(vmi)
                    .withUid("vmi-uid").withController(true).endOwnerReference().endMetadata();
        }
        return builder.build();
    }

    @Test
    void aPoolVmsLauncherPodIsACandidateUnlessVmMovesIsNone() {
        Pod launcher = pod(Labels.ofPool("gpu"), "vm-0");

        assertThat(scope(VMMoves.LiveMigrate).movable(launcher)).isTrue();
        assertThat(scope(VMMoves.LiveMigrate, "ns/gpu").movable(launcher)).as("named by its pool").isTrue();
        assertThat(scope(VMMoves.LiveMigrate, "ns/web").movable(launcher)).as("another app only").isFalse();
        assertThat(scope(VMMoves.None).movable(launcher)).isFalse();
        assertThat(Scope.instance(launcher)).hasValueSatisfying(o -> assertThat(o.getName()).isEqualTo("vm-0"));
    }

    @Test
    void aPodOfThePoolNotRunByAnInstanceIsNoCandidate() {
        assertThat(scope(VMMoves.LiveMigrate).movable(pod(Labels.ofPool("gpu"), null))).isFalse();
        assertThat(Scope.instance(pod(Map.of("app", "other"), "vm-0"))).as("not PyFleet's").isEmpty();
    }

    @Test
    void aLiveMigratableVmMovesWhateverItsRunStrategy() {
        VirtualMachineInstance vmi = vmi("Running", "n1", liveMigratable("True", null));

        assertThat(scope(VMMoves.LiveMigrate).whyVmStays(vmi, "Manual")).isEmpty();
        assertThat(Scope.liveMigratable(vmi)).isTrue();
    }

    @Test
    void aVmKubeVirtCannotMigrateStaysUnlessARestartIsAllowedAndBringsItBack() {
        VirtualMachineInstance vmi = vmi("Running", "n1", liveMigratable("False", "cannot migrate a local disk"));

        assertThat(scope(VMMoves.LiveMigrate).whyVmStays(vmi, "Always")).hasValueSatisfying(why -> assertThat(why)
                .contains("cannot migrate a local disk").contains("vmMoves is LiveMigrate"));
        assertThat(scope(VMMoves.LiveMigrateOrRestart).whyVmStays(vmi, "Always")).isEmpty();
        assertThat(scope(VMMoves.LiveMigrateOrRestart).whyVmStays(vmi, "Manual"))
                .hasValueSatisfying(why -> assertThat(why).contains("runStrategy is Manual"));
        assertThat(Scope.liveMigratable(vmi)).isFalse();
    }

    @Test
    void anInstanceWithoutTheConditionOrNotRunningStays() {
        assertThat(scope(VMMoves.LiveMigrate).whyVmStays(vmi("Running", "n1"), "Always"))
                .hasValueSatisfying(why -> assertThat(why).contains("no LiveMigratable condition"));
        assertThat(scope(VMMoves.LiveMigrateOrRestart).whyVmStays(vmi("Scheduling", null), "Always"))
                .hasValueSatisfying(why -> assertThat(why).contains("not running"));
        assertThat(scope(VMMoves.None).whyVmStays(vmi("Running", "n1", liveMigratable("True", null)), "Always"))
                .hasValue("vmMoves is None");
    }
}
