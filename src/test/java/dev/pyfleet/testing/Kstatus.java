package dev.pyfleet.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * kstatus's verdict on an object (Current, InProgress, Failed, Terminating, ...), as Flux and other kstatus-based
 * tools compute it: cli-utils' status.Compute, run by the {@code kstatus} tool of hack/tools/.
 */
public record Kstatus(String status, String message) {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** The verdict on an object as the API server returned it. */
    public static Kstatus of(HasMetadata object) {
        return JSON.unmarshal(GoTools.output("kstatus", JSON.asJson(object)), Kstatus.class);
    }
}
