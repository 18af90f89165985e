package dev.pyfleet.testing;

import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The Argo CD health checks shipped in deploy/argocd/resource_customizations/, run by {@code argocd-health eval}
 * with gopher-lua as Argo CD runs them: the script of the object's group and kind, the object as its JSON.
 */
public final class ArgoCdHealth {

    public static final String CUSTOMIZATIONS = "deploy/argocd/resource_customizations";
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** Argo CD's verdict and its message. */
    public record Verdict(String status, String message) {
    }

    private ArgoCdHealth() {
    }

    /** The verdict on an object as the API server returned it. */
    public static Verdict of(HasMetadata object) {
        return eval(JSON.asJson(object));
    }

    /** The verdict on an object given as its JSON tree (with apiVersion and kind, which pick the script). */
    public static Verdict of(Map<String, Object> object) {
        return eval(JSON.asJson(object));
    }

    private static Verdict eval(String json) {
        return JSON.unmarshal(GoTools.output("argocd-health", json, "eval", CUSTOMIZATIONS), Verdict.class);
    }
}
