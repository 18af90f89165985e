package dev.pyfleet.pythonapp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.IntStream;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.StorageSpec;
import dev.pyfleet.kube.Labels;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * The claims of an app's replica slots ({@code storage.replicaVolume}): slot n's claim is {@code <app>-replica-n},
 * for n below replicas. A Pod takes the lowest slot no Pod of the app holds (a Pod going away still holds its slot:
 * its volume may still be mounted), so two Pods never mount one claim, and a replacement mounts the claim of the Pod
 * it replaces. Claims belong to no Pod and to no app, so that nothing is lost by surprise. Pure.
 */
final class ReplicaClaims {

    private ReplicaClaims() {
    }

    /** The slot a Pod of the app holds, from its label; empty for a Pod without one. */
    static OptionalInt slotOf(Pod pod) {
        String slot = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(Labels.SLOT);
        try {
            return slot == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(slot));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** The lowest slot below replicas that no Pod holds; empty when all are held (the new Pod must wait). */
    static OptionalInt freeSlot(int replicas, Set<Integer> held) {
        return IntStream.range(0, replicas).filter(slot -> !held.contains(slot)).findFirst();
    }

    /** The claim of a slot, as PyFleet makes it: read-write by one node, of the asked size and class. */
    static PersistentVolumeClaim claim(PythonApp app, int slot) {
        StorageSpec.ReplicaVolume volume = app.getSpec().storage().replicaVolume();
        Map<String, String> labels = new LinkedHashMap<>(Labels.ofApp(app.getMetadata().getName()));
        labels.put(Labels.SLOT, String.valueOf(slot));
        return new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName(AppStorage.replicaClaim(app.getMetadata().getName(), slot))
                .withNamespace(app.getMetadata().getNamespace()).withLabels(labels).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(volume.storageClassName())
                .withNewResources().addToRequests("storage", new Quantity(volume.size())).endResources()
                .endSpec().build();
    }

    /**
     * The claims to delete after a scale-down, where the app says so: the app's claims of slots at or above
     * replicas that no Pod holds.
     */
    static List<String> scaledAway(PythonApp app, List<PersistentVolumeClaim> claims, Set<Integer> held) {
        StorageSpec.ReplicaVolume volume = app.getSpec().storage().replicaVolume();
        if (volume.whenScaledDown() != StorageSpec.ReplicaVolume.WhenScaledDown.Delete) {
            return List.of();
        }
        int replicas = new dev.pyfleet.app.EffectiveSpec(app.getSpec()).replicas();
        return claims.stream().filter(c -> c.getMetadata().getDeletionTimestamp() == null)
                .filter(c -> Labels.managedByPyFleet(c.getMetadata().getLabels())
                        && app.getMetadata().getName().equals(c.getMetadata().getLabels().get(Labels.APP)))
                .filter(c -> {
                    String slot = c.getMetadata().getLabels().get(Labels.SLOT);
                    return slot != null && slot.matches("[0-9]{1,9}") && Integer.parseInt(slot) >= replicas
                            && !held.contains(Integer.parseInt(slot)) && c.getMetadata().getName()
                                    .equals(AppStorage.replicaClaim(app.getMetadata().getName(),
                                            Integer.parseInt(slot)));
                })
                .map(c -> c.getMetadata().getName()).sorted().toList();
    }
}
