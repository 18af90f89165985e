package dev.pyfleet.pythonapp;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.pyfleet.api.v1alpha1.PythonApp;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** The labels PyFleet puts on everything an app owns, and the selector that finds its Pods. */
public final class AppLabels {

    public static final String APP = "pyfleet.dev/app";
    public static final String REVISION = "pyfleet.dev/revision";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "pyfleet";
    /** Selects every Pod that some PythonApp owns; the operator's Pod informer watches exactly these. */
    public static final String ALL_APP_PODS = MANAGED_BY + "=" + MANAGER + "," + APP;

    private AppLabels() {
    }

    /** Labels shared by the app's Pods, Service and PodDisruptionBudget. */
    public static Map<String, String> of(PythonApp app) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", app.getMetadata().getName());
        labels.put("app.kubernetes.io/instance", app.getMetadata().getName());
        labels.put(MANAGED_BY, MANAGER);
        labels.put(APP, app.getMetadata().getName());
        return labels;
    }

    /**
     * Name, namespace, labels and controlling owner of an object the app owns under its own name (its Service, its
     * budget). The owner is marked as controller, as on the app's Pods, so tools that follow controllers find it.
     */
    public static ObjectMeta ownedMetadata(PythonApp app) {
        return new ObjectMetaBuilder().withName(app.getMetadata().getName())
                .withNamespace(app.getMetadata().getNamespace()).withLabels(of(app))
                .withOwnerReferences(AppPodTemplate.ownerReference(app)).build();
    }

    /** The labels that select exactly the app's Pods, whatever their revision. */
    public static Map<String, String> selector(PythonApp app) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(MANAGED_BY, MANAGER);
        selector.put(APP, app.getMetadata().getName());
        return selector;
    }

    /** {@link #selector} as the string form of the scale subresource. */
    public static String selectorString(PythonApp app) {
        return MANAGED_BY + "=" + MANAGER + "," + APP + "=" + app.getMetadata().getName();
    }
}
