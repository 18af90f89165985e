package dev.pyfleet.pythonapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/** Which claim a new replica mounts, what claim PyFleet makes, and which a scale-down deletes. */
class ReplicaClaimsTest {

    static PythonApp app(String replicaVolume, int replicas) {
        return AppPodTemplateTest.app(AppPodTemplateTest.WSGI.replace("replicas: 3", "replicas: " + replicas) + """
                rollout: {maxSurge: 0, maxUnavailable: 1}
                storage:
                  replicaVolume: %s
                """.formatted(replicaVolume));
    }

    @Test
    void aNewReplicaTakesTheLowestSlotNoPodHoldsAndWaitsWhenAllAreHeld() {
        assertThat(ReplicaClaims.freeSlot(3, Set.of())).hasValue(0);
        assertThat(ReplicaClaims.freeSlot(3, Set.of(0, 2))).as("the slot of the Pod it replaces").hasValue(1);
        assertThat(ReplicaClaims.freeSlot(3, Set.of(0, 1, 2))).as("a Pod going away still holds its claim").isEmpty();
        assertThat(ReplicaClaims.freeSlot(2, Set.of(0, 1, 5))).isEmpty();
    }

    @Test
    void theSlotOfAPodIsItsLabelAndAPodWithoutOneHoldsNone() {
        assertThat(ReplicaClaims.slotOf(new PodBuilder().withNewMetadata().withLabels(Map.of("pyfleet.dev/slot", "4"))
                .endMetadata().build())).hasValue(4);
        assertThat(ReplicaClaims.slotOf(new PodBuilder().withNewMetadata().endMetadata().build())).isEmpty();
        assertThat(ReplicaClaims.slotOf(new PodBuilder().withNewMetadata().withLabels(Map.of("pyfleet.dev/slot", "x"))
                .endMetadata().build())).isEqualTo(OptionalInt.empty());
    }

    @Test
    void theClaimIsReadWriteOnceOfTheAskedSizeAndClassAndBelongsToNothing() {
        PersistentVolumeClaim claim = ReplicaClaims.claim(app("{size: 10Gi, storageClassName: fast, mountPath: /d}",
                3), 1);
        assertThat(claim.getMetadata().getName()).isEqualTo("shop-replica-1");
        assertThat(claim.getMetadata().getNamespace()).isEqualTo("demo");
        assertThat(claim.getMetadata().getLabels()).containsEntry("pyfleet.dev/app", "shop")
                .containsEntry("pyfleet.dev/slot", "1").containsEntry("app.kubernetes.io/managed-by", "pyfleet");
        assertThat(claim.getMetadata().getOwnerReferences()).as("it outlives its Pods and its app").isEmpty();
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
        assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("10Gi"));
    }

    @Test
    void aScaleDownDeletesOnlyWhenAskedAndOnlyUnheldClaimsOfSlotsAboveReplicas() {
        List<PersistentVolumeClaim> claims = List.of(claim("shop", 0), claim("shop", 1), claim("shop", 2),
                claim("shop", 3), claim("cart", 3));
        assertThat(ReplicaClaims.scaledAway(app("{size: 1Gi, mountPath: /d}", 2), claims, Set.of(0, 1)))
                .as("Retain, the default").isEmpty();
        PythonApp deleting = app("{size: 1Gi, mountPath: /d, whenScaledDown: Delete}", 2);
        assertThat(ReplicaClaims.scaledAway(deleting, claims, Set.of(0, 1))).containsExactly("shop-replica-2",
                "shop-replica-3");
        assertThat(ReplicaClaims.scaledAway(deleting, claims, Set.of(0, 1, 3)))
                .as("a Pod still going away holds its claim").containsExactly("shop-replica-2");
    }

    private static PersistentVolumeClaim claim(String app, int slot) {
        return ReplicaClaims.claim(app("{size: 1Gi, mountPath: /d}", 3), slot).edit().editMetadata()
                .withName(app + "-replica-" + slot).addToLabels("pyfleet.dev/app", app).endMetadata().build();
    }
}
