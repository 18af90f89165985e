package dev.pyfleet.kubevirt;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A disk for a VM, from KubeVirt's Containerized Data Importer (CDI): a PersistentVolumeClaim of the same name that
 * CDI fills from a source (a container image in a registry, or blank). PyFleet writes the source and the storage
 * request, and reads the phase.
 */
@Group("cdi.kubevirt.io")
@Version("v1beta1")
@Kind("DataVolume")
@Plural("datavolumes")
public class DataVolume extends CustomResource<DataVolume.Spec, DataVolume.Status> implements Namespaced {

    public static final String CRD_NAME = "datavolumes.cdi.kubevirt.io";
    /**
     * CDI may delete a DataVolume once its claim is filled, leaving the claim alone; "false" keeps it, so the
     * DataVolume stays the one record of the disk that PyFleet watches and deletes.
     */
    public static final String DELETE_AFTER_COMPLETION = "cdi.kubevirt.io/storage.deleteAfterCompletion";
    public static final String SUCCEEDED = "Succeeded";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Spec(Source source, Storage storage,
            @JsonAnySetter @JsonAnyGetter Map<String, Object> unknown) {

        public Spec(Source source, Storage storage) {
            this(source, storage, new LinkedHashMap<>());
        }
    }

    /** Exactly one of: a disk image in a registry ({@code docker://} URL), or a blank disk. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Source(Registry registry, Map<String, Object> blank,
            @JsonAnySetter @JsonAnyGetter Map<String, Object> unknown) {

        public static Source image(String image) {
            return new Source(new Registry("docker://" + image), null, new LinkedHashMap<>());
        }

        public static Source blankDisk() {
            return new Source(null, Map.of(), new LinkedHashMap<>());
        }
    }

    public record Registry(String url) {
    }

    /**
     * The claim to make: its size, and its class (the cluster's default when null). CDI chooses access and volume
     * modes from the class's storage profile.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Storage(Resources resources, String storageClassName) {

        public static Storage of(String size, String storageClassName) {
            return new Storage(new Resources(Map.of("storage", size)), storageClassName);
        }

        public String size() {
            return resources == null || resources.requests() == null ? null : resources.requests().get("storage");
        }
    }

    public record Resources(Map<String, String> requests) {
    }

    /** @param phase Pending, ImportScheduled, ImportInProgress, Succeeded, Failed, ... as CDI reports it */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(String phase, @JsonAnySetter @JsonAnyGetter Map<String, Object> unknown) {

        public Status(String phase) {
            this(phase, new LinkedHashMap<>());
        }
    }
}
