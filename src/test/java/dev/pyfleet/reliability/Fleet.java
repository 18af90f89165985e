package dev.pyfleet.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.testing.PythonApps;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/** What the reliability tests ask of a namespace full of apps once the faults are over. */
final class Fleet {

    static final String APP = """
            metadata: {name: %s}
            spec:
              image: ghcr.io/acme/shop:%s
              process: {type: wsgi, module: "shop.wsgi:application"}
              replicas: 3
              resources: {requests: {cpu: 10m, memory: 32Mi}}
              rollout: {maxSurge: 1, maxUnavailable: 0}
            """;

    /** replicas + maxSurge of {@link #APP}. */
    static final int ROLLOUT_BOUND = 4;

    private Fleet() {
    }

    static List<String> createApps(KubernetesClient client, String namespace, int count, String tag) {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(PythonApps.create(client, namespace, APP.formatted("app-" + i, tag)).getMetadata().getName());
        }
        return names;
    }

    /** A new image tag, so a new revision: the app rolls its Pods over one at a time. */
    static void setImageTag(KubernetesClient client, String namespace, String app, String tag) {
        client.resources(PythonApp.class).inNamespace(namespace).withName(app).patch(
                PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"image\":\"ghcr.io/acme/shop:" + tag + "\"}}");
    }

    /** Waits until every app in the namespace reports Ready for its current generation. */
    static void awaitAllReady(KubernetesClient client, String namespace, Duration timeout) {
        Awaitility.await("every app Ready for its current generation").atMost(timeout)
                .pollInterval(Duration.ofSeconds(1)).until(() -> notReady(client, namespace).isEmpty());
    }

    /** As {@link #awaitAllReady}; on a timeout, says which apps and their status, and ends with the operator's log. */
    static void awaitAllReady(KubernetesClient client, String namespace, Duration timeout,
            dev.pyfleet.testing.OperatorProcess operator) {
        try {
            awaitAllReady(client, namespace, timeout);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder why = new StringBuilder(e.getMessage());
            client.resources(PythonApp.class).inNamespace(namespace).list().getItems().stream()
                    .filter(app -> !PythonApps.conditionIs("Ready", "True").test(app))
                    .forEach(app -> why.append("\n").append(app.getMetadata().getName()).append(" generation ")
                            .append(app.getMetadata().getGeneration()).append(": ").append(app.getStatus())
                            .append("\n  its Pods as the API server has them: ").append(podsOf(client, app)));
            String log = operator.log();
            why.append("\noperator alive: ").append(operator.isAlive()).append("; last of its log:\n")
                    .append(log.substring(Math.max(0, log.length() - 6000)));
            throw new AssertionError(why.toString(), e);
        }
    }

    /** Each Pod of the app: name, revision, node, phase, Ready, and whether it is being deleted. */
    private static List<String> podsOf(KubernetesClient client, PythonApp app) {
        return client.pods().inNamespace(app.getMetadata().getNamespace())
                .withLabel("pyfleet.dev/app", app.getMetadata().getName()).list().getItems().stream()
                .map(Fleet::describe).toList();
    }

    private static String describe(Pod pod) {
        String ready = pod.getStatus().getConditions() == null ? "none" : pod.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType())).map(c -> c.getStatus()).findFirst().orElse("none");
        return pod.getMetadata().getName() + " rev=" + pod.getMetadata().getLabels().get("pyfleet.dev/revision")
                + " node=" + pod.getSpec().getNodeName() + " phase=" + pod.getStatus().getPhase() + " ready=" + ready
                + (pod.getMetadata().getDeletionTimestamp() == null ? "" : " deleting");
    }

    static List<String> notReady(KubernetesClient client, String namespace) {
        return client.resources(PythonApp.class).inNamespace(namespace).list().getItems().stream()
                .filter(app -> !PythonApps.conditionIs("Ready", "True").test(app))
                .map(app -> app.getMetadata().getName()).toList();
    }

    /**
     * Every app has exactly its replicas, all at its current revision, one Service and one budget; every Pod,
     * Service and budget in the namespace is controlled by an app that exists.
     */
    static void assertConvergedAndNothingOrphaned(KubernetesClient client, String namespace) {
        // Ready is reported from the operator's cache; give the API server's view a moment to agree.
        Awaitility.await("converged, nothing orphaned").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> checkConverged(client, namespace));
    }

    private static void checkConverged(KubernetesClient client, String namespace) {
        List<PythonApp> apps = client.resources(PythonApp.class).inNamespace(namespace).list().getItems();
        Set<String> appUids = apps.stream().map(a -> a.getMetadata().getUid()).collect(Collectors.toSet());
        List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
        Map<String, List<Pod>> podsByApp = pods.stream().collect(Collectors.groupingBy(
                p -> p.getMetadata().getLabels().getOrDefault("pyfleet.dev/app", "")));
        for (PythonApp app : apps) {
            String name = app.getMetadata().getName();
            assertThat(podsByApp.getOrDefault(name, List.of())).as("Pods of %s", name)
                    .hasSize(app.getSpec().replicas())
                    .allMatch(p -> app.getStatus().updateRevision()
                            .equals(p.getMetadata().getLabels().get("pyfleet.dev/revision")), "at its revision")
                    .allMatch(p -> p.getMetadata().getDeletionTimestamp() == null, "not being deleted");
        }
        assertOwned("Pod", pods, appUids);
        assertOwned("Service", client.services().inNamespace(namespace).list().getItems(), appUids);
        assertOwned("PodDisruptionBudget", client.policy().v1().podDisruptionBudget().inNamespace(namespace).list()
                .getItems(), appUids);
        assertThat(client.services().inNamespace(namespace).list().getItems()).hasSize(apps.size());
    }

    private static void assertOwned(String kind, List<? extends HasMetadata> objects, Set<String> appUids) {
        Function<HasMetadata, String> owner = o -> o.getMetadata().getOwnerReferences().stream()
                .filter(r -> Boolean.TRUE.equals(r.getController())).map(OwnerReference::getUid).findFirst()
                .orElse("none");
        assertThat(objects).as("%ss whose controlling app is gone", kind)
                .filteredOn(o -> !appUids.contains(owner.apply(o))).isEmpty();
    }
}
