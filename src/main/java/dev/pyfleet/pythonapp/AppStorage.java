package dev.pyfleet.pythonapp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyfleet.api.v1alpha1.StorageSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/**
 * An app's storage as its Pods carry it: /tmp as an emptyDir of the scratch size, each volume of the spec mounted
 * where asked, the replica's own claim, and the scratch size added to the container's
 * ephemeral-storage. An app without storage gets none of
 * this, so its Pod template (and revision) stays as it was.
 */
final class AppStorage {

    static final String SCRATCH = "scratch";
    static final String SCRATCH_PATH = "/tmp";
    static final String EPHEMERAL_STORAGE = "ephemeral-storage";
    /** Beyond the scratch space, the limit leaves this for the container's logs and writable layer. */
    static final Quantity HEADROOM = new Quantity("512Mi");
    /** The Pod volume of the replica's own claim, and the prefix of the claims' names after the app's. */
    static final String REPLICA = "replica";
    /** Secret files: readable by the app's user and group only. */
    static final int SECRET_MODE = 0440;

    private AppStorage() {
    }

    /** Pod volume names are prefixed, so that no name of the user's meets the scratch volume's. */
    static String volumeName(StorageSpec.Volume volume) {
        return "vol-" + volume.name();
    }

    static List<Volume> volumes(StorageSpec storage) {
        List<Volume> volumes = new ArrayList<>();
        if (storage == null) {
            return volumes;
        }
        if (storage.scratch() != null) {
            volumes.add(new VolumeBuilder().withName(SCRATCH).withNewEmptyDir()
                    .withSizeLimit(new Quantity(storage.scratch())).endEmptyDir().build());
        }
        for (StorageSpec.Volume v : storage.volumes() == null ? List.<StorageSpec.Volume>of() : storage.volumes()) {
            VolumeBuilder volume = new VolumeBuilder().withName(volumeName(v));
            if (v.persistentVolumeClaim() != null) {
                volume.withNewPersistentVolumeClaim().withClaimName(v.persistentVolumeClaim())
                        .withReadOnly(readOnly(v)).endPersistentVolumeClaim();
            } else if (v.configMap() != null) {
                volume.withNewConfigMap().withName(v.configMap()).endConfigMap();
            } else {
                volume.withNewSecret().withSecretName(v.secret()).withDefaultMode(SECRET_MODE).endSecret();
            }
            volumes.add(volume.build());
        }
        if (storage.replicaVolume() != null) {
            // The claim is the replica's, named when its Pod is made (replicaClaim); the template names none.
            volumes.add(new VolumeBuilder().withName(REPLICA).withNewPersistentVolumeClaim().withClaimName(REPLICA)
                    .endPersistentVolumeClaim().build());
        }
        return volumes;
    }

    /** The claim of the replica in that slot, e.g. {@code shop-replica-0}. */
    static String replicaClaim(String app, int slot) {
        return app + "-" + REPLICA + "-" + slot;
    }

    static List<VolumeMount> mounts(StorageSpec storage) {
        List<VolumeMount> mounts = new ArrayList<>();
        if (storage == null) {
            return mounts;
        }
        if (storage.scratch() != null) {
            mounts.add(new VolumeMountBuilder().withName(SCRATCH).withMountPath(SCRATCH_PATH).build());
        }
        for (StorageSpec.Volume v : storage.volumes() == null ? List.<StorageSpec.Volume>of() : storage.volumes()) {
            mounts.add(new VolumeMountBuilder().withName(volumeName(v)).withMountPath(v.mountPath())
                    .withReadOnly(v.persistentVolumeClaim() == null || readOnly(v)).build());
        }
        if (storage.replicaVolume() != null) {
            mounts.add(new VolumeMountBuilder().withName(REPLICA).withMountPath(storage.replicaVolume().mountPath())
                    .build());
        }
        return mounts;
    }

    /** The user's resources, with the scratch space's ephemeral-storage request and limit added. */
    static ResourceRequirements resources(ResourceRequirements user, StorageSpec storage) {
        if (storage == null || storage.scratch() == null) {
            return user;
        }
        Quantity scratch = new Quantity(storage.scratch());
        Map<String, Quantity> requests = new LinkedHashMap<>(user == null || user.getRequests() == null ? Map.of()
                : user.getRequests());
        Map<String, Quantity> limits = new LinkedHashMap<>(user == null || user.getLimits() == null ? Map.of()
                : user.getLimits());
        requests.put(EPHEMERAL_STORAGE, scratch);
        limits.put(EPHEMERAL_STORAGE, new Quantity(scratch.getNumericalAmount().add(HEADROOM.getNumericalAmount())
                .toBigInteger().toString()));
        return new ResourceRequirementsBuilder(user == null ? new ResourceRequirements() : user)
                .withRequests(requests).withLimits(limits).build();
    }

    private static boolean readOnly(StorageSpec.Volume volume) {
        return volume.readOnly() == null || volume.readOnly();
    }
}
