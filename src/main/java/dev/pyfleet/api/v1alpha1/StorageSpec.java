package dev.pyfleet.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Disk for an app's Pods: scratch space at /tmp, and volumes mounted as files. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.scratch) || !has(self.volumes) "
        + "|| self.volumes.all(v, v.mountPath != '/tmp' && !v.mountPath.startsWith('/tmp/'))",
        message = "a volume cannot be mounted at or under /tmp: with storage.scratch that is the scratch space",
        fieldPath = ".volumes")
@ValidationRule(value = "!has(self.volumes) || self.volumes.all(v, self.volumes.exists_one(w, "
        + "w.mountPath == v.mountPath || w.mountPath + '/' == v.mountPath || w.mountPath == v.mountPath + '/'))",
        message = "two volumes are mounted at the same path", fieldPath = ".volumes")
@ValidationRule(value = "!has(self.replicaVolume) || !has(self.volumes) || self.volumes.all(v, "
        + "v.mountPath != self.replicaVolume.mountPath && v.mountPath + '/' != self.replicaVolume.mountPath "
        + "&& v.mountPath != self.replicaVolume.mountPath + '/')",
        message = "a volume is mounted at the replica volume's path", fieldPath = ".replicaVolume.mountPath")
@ValidationRule(value = "!has(self.replicaVolume) || !has(self.scratch) || (self.replicaVolume.mountPath != '/tmp' "
        + "&& !self.replicaVolume.mountPath.startsWith('/tmp/'))",
        message = "the replica volume cannot be mounted at or under /tmp: with storage.scratch that is the scratch "
                + "space", fieldPath = ".replicaVolume.mountPath")
@ValidationRule(value = "!has(self.volumes) || self.volumes.all(v, self.volumes.exists_one(w, w.name == v.name))",
        message = "two volumes have the same name", fieldPath = ".volumes")
@ValidationRule(value = "!has(self.scratch) || !isQuantity(self.scratch) "
        + "|| (quantity(self.scratch).isGreaterThan(quantity('0')) "
        + "&& quantity(self.scratch).compareTo(quantity('1Ti')) <= 0)",
        message = "storage.scratch must be more than 0 and at most 1Ti", fieldPath = ".scratch")
public record StorageSpec(
        @Size(max = 16) @Pattern(QUANTITY)
        @JsonPropertyDescription("Scratch space: /tmp becomes a volume of this size on the node's disk (emptyDir), "
                + "writable by the app, emptied when the Pod goes; the container asks for this much "
                + "ephemeral-storage, and its limit is this plus 512Mi for its logs and writable layer. At most "
                + "1Ti.")
        String scratch,

        @Size(max = 16)
        @JsonPropertyDescription("Volumes mounted into the app's container: existing PersistentVolumeClaims, "
                + "ConfigMaps and Secrets of the app's namespace, as files.")
        List<Volume> volumes,

        @JsonPropertyDescription("A PersistentVolumeClaim of its own for each replica, made by PyFleet and named "
                + "<app>-replica-<n> for n from 0 to replicas-1; a Pod that replaces another mounts the claim the "
                + "other has let go. Needs rollout.maxSurge: 0.")
        ReplicaVolume replicaVolume) {

    public StorageSpec(String scratch, List<Volume> volumes) {
        this(scratch, volumes, null);
    }

    /** One claim per replica, mounted read-write at one path. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!isQuantity(self.size) || (quantity(self.size).compareTo(quantity('1Mi')) >= 0 "
            + "&& quantity(self.size).compareTo(quantity('64Ti')) <= 0)",
            message = "storage.replicaVolume.size must be from 1Mi to 64Ti", fieldPath = ".size")
    @ValidationRule(value = "!self.mountPath.split('/').exists(part, part == '..')",
            message = "mountPath must not contain a .. segment", fieldPath = ".mountPath")
    public record ReplicaVolume(
            @Required @Size(max = 16) @Pattern(QUANTITY)
            @JsonPropertyDescription("Size of each replica's claim, e.g. 10Gi.")
            String size,

            @Size(max = 253) @Pattern(Volume.NAME)
            @JsonPropertyDescription("StorageClass of the claims; the cluster's default class when absent.")
            String storageClassName,

            @Required @Size(max = 1024) @Pattern("^/[^:]+$")
            @JsonPropertyDescription("Absolute path in the container where the replica's volume appears, "
                    + "read-write, e.g. /var/lib/app.")
            String mountPath,

            @Default("Retain")
            @JsonPropertyDescription("Retain: the claims of replicas a scale-down removes stay, and a replica "
                    + "made again gets its claim back. Delete: they are deleted once no Pod uses them.")
            WhenScaledDown whenScaledDown) {

        public enum WhenScaledDown { Retain, Delete }
    }

    /** A Kubernetes quantity of bytes, e.g. 512Mi, 2Gi, 1G or 1000000. */
    public static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$";

    /** One volume: where it is mounted, and exactly one source. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "(has(self.persistentVolumeClaim) ? 1 : 0) + (has(self.configMap) ? 1 : 0) "
            + "+ (has(self.secret) ? 1 : 0) == 1",
            message = "each volume names exactly one source: persistentVolumeClaim, configMap or secret")
    @ValidationRule(value = "!self.mountPath.split('/').exists(part, part == '..')",
            message = "mountPath must not contain a .. segment", fieldPath = ".mountPath")
    public record Volume(
            @Required @Size(max = 56) @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
            @JsonPropertyDescription("A name for the volume, unique in the app.")
            String name,

            @Required @Size(max = 1024) @Pattern("^/[^:]+$")
            @JsonPropertyDescription("Absolute path in the container where the volume appears, e.g. /srv/uploads.")
            String mountPath,

            @Default("true")
            @JsonPropertyDescription("Mounted read-only unless false; a ConfigMap or Secret is always read-only.")
            Boolean readOnly,

            @Size(max = 253) @Pattern(NAME)
            @JsonPropertyDescription("An existing PersistentVolumeClaim, shared by all the app's Pods (a "
                    + "ReadWriteOnce claim holds them to one node).")
            String persistentVolumeClaim,

            @Size(max = 253) @Pattern(NAME)
            @JsonPropertyDescription("A ConfigMap, each key a file.")
            String configMap,

            @Size(max = 253) @Pattern(NAME)
            @JsonPropertyDescription("A Secret, each key a file readable by the app only.")
            String secret) {

        static final String NAME = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";
    }
}
