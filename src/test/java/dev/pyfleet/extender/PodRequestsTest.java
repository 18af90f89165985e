package dev.pyfleet.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pyfleet.placement.Resources;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/** What a pod takes from a node, and whose guest-size annotations count: only PyFleet's launcher pods'. */
class PodRequestsTest {

    static final Map<String, String> POOL_LABELS = Map.of("app.kubernetes.io/managed-by", "pyfleet",
            "pyfleet.dev/pool", "vms");

    static Pod pod(Map<String, String> labels, String guestCpu, String guestMemory, boolean ownedByAnInstance) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("demo").withLabels(labels)
                .addToAnnotations("pyfleet.dev/guest-cpu", guestCpu)
                .addToAnnotations("pyfleet.dev/guest-memory", guestMemory).endMetadata()
                .withNewSpec().addNewContainer().withName("compute").withNewResources()
                .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("64Mi"))
                .endResources().endContainer().endSpec();
        if (ownedByAnInstance) {
            pod.editMetadata().addNewOwnerReference().withApiVersion("kubevirt.io/v1")
                    .withKind("VirtualMachineInstance").withName("vm-0").withUid("u").withController(true)
                    .endOwnerReference().endMetadata();
        }
        return pod.build();
    }

    @Test
    void aLauncherPodOfAPoolVmCountsItsGuestsSize() {
        Resources r = PodRequests.resources(pod(POOL_LABELS, "2", "4Gi", true));
        assertThat(r.cpuMilli()).isEqualTo(2000);
        assertThat(r.memoryBytes()).isEqualTo(4L << 30);
    }

    /** As kube-scheduler sums it: the containers' requests (a limit alone stands for one), or the largest init's. */
    @Test
    void ephemeralStorageIsCountedLikeMemory() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("demo").endMetadata().withNewSpec()
                .addNewContainer().withName("app").withNewResources()
                .addToRequests("ephemeral-storage", new Quantity("1Gi")).endResources().endContainer()
                .addNewContainer().withName("sidecar").withNewResources()
                .addToLimits("ephemeral-storage", new Quantity("512Mi")).endResources().endContainer()
                .addNewInitContainer().withName("unpack").withNewResources()
                .addToRequests("ephemeral-storage", new Quantity("1Gi")).endResources().endInitContainer()
                .endSpec().build();
        assertThat(PodRequests.resources(pod).ephemeralBytes()).isEqualTo(1536L << 20);

        pod.getSpec().getInitContainers().get(0).getResources().getRequests()
                .put("ephemeral-storage", new Quantity("4Gi"));
        assertThat(PodRequests.resources(pod).ephemeralBytes()).as("the largest init container's").isEqualTo(4L << 30);
    }

    @Test
    void guestSizesOnAnyOtherPodAreNotRead() {
        // A stranger's pod, a pod labelled as PyFleet's but controlled by nothing, one owned but not controlled.
        Pod stranger = pod(Map.of("app", "x"), "64", "1Ti", true);
        Pod labelledOnly = pod(POOL_LABELS, "64", "1Ti", false);
        Pod app = pod(Map.of("app.kubernetes.io/managed-by", "pyfleet", "pyfleet.dev/app", "shop"), "64", "1Ti", true);
        Pod notController = pod(POOL_LABELS, "64", "1Ti", false);
        notController.getMetadata().getOwnerReferences().add(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                .withApiVersion("kubevirt.io/v1").withKind("VirtualMachineInstance").withName("vm").withUid("u")
                .build());
        for (Pod pod : new Pod[] {stranger, labelledOnly, app, notController}) {
            Resources r = PodRequests.resources(pod);
            assertThat(r.cpuMilli()).isEqualTo(100);
            assertThat(r.memoryBytes()).isEqualTo(64L << 20);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "", "1e40", "-4", "4 cores", "999999999999999999999999Ki"})
    void aGuestSizeThatIsNoUsableQuantityIsIgnoredNeverAnError(String value) {
        Resources r = PodRequests.resources(pod(POOL_LABELS, value, value, true));
        assertThat(r.cpuMilli()).isEqualTo(100);
        assertThat(r.memoryBytes()).isEqualTo(64L << 20);
    }
}
