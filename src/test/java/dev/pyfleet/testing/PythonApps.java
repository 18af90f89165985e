package dev.pyfleet.testing;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.pyfleet.api.v1alpha1.PythonApp;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Small helpers for tests that write PythonApps and watch what the operator makes of them. */
public final class PythonApps {

    private PythonApps() {
    }

    /** A PythonApp from YAML; apiVersion and kind are added. */
    public static PythonApp parse(KubernetesClient client, String yaml) {
        return client.getKubernetesSerialization()
                .unmarshal("apiVersion: pyfleet.dev/v1alpha1\nkind: PythonApp\n" + yaml, PythonApp.class);
    }

    public static PythonApp create(KubernetesClient client, String namespace, String yaml) {
        return client.resources(PythonApp.class).inNamespace(namespace).resource(parse(client, yaml)).create();
    }

    public static PythonApp await(KubernetesClient client, String namespace, String name,
            Predicate<PythonApp> condition, long seconds) {
        return client.resources(PythonApp.class).inNamespace(namespace).withName(name)
                .waitUntilCondition(app -> app != null && condition.test(app), seconds, TimeUnit.SECONDS);
    }

    public static Predicate<PythonApp> conditionIs(String type, String status) {
        return app -> condition(app, type) != null && status.equals(condition(app, type).getStatus())
                && app.getStatus().observedGeneration() != null
                && app.getStatus().observedGeneration().equals(app.getMetadata().getGeneration());
    }

    public static Condition condition(PythonApp app, String type) {
        if (app.getStatus() == null || app.getStatus().conditions() == null) {
            return null;
        }
        return app.getStatus().conditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    public static List<Pod> pods(KubernetesClient client, String namespace, String app) {
        return client.pods().inNamespace(namespace).withLabel("pyfleet.dev/app", app).list().getItems();
    }

    public static boolean isReady(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
