package dev.pyfleet.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.PythonApps;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The optional policy in deploy/policy/ lets an admin limit, per namespace, the Secrets, PriorityClasses and Service
 * types a PythonApp may use; the API server refuses the rest with a message naming the field and the limit, and a
 * namespace without the annotations is not limited.
 */
class PythonAppLimitsPolicyIT {

    static final String LIMITED = "policy-limited";
    static final String OPEN = "policy-open";
    static KubernetesClient client;

    @BeforeAll
    static void install() {
        client = ControlPlane.get().newClient();
        CommandResult applied = ControlPlane.get().kubectl("apply", "--server-side", "-f",
                ControlPlane.repoPath("deploy/policy").toString());
        assertThat(applied.exitCode()).as(applied.output()).isZero();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(LIMITED)
                .withAnnotations(Map.of("pyfleet.dev/secret-refs", "forbidden",
                        "pyfleet.dev/priority-classes", "low,standard", "pyfleet.dev/service-types", "ClusterIP"))
                .endMetadata().build()).serverSideApply();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(OPEN).endMetadata().build())
                .serverSideApply();
        // The API server compiles a new policy before it enforces it: wait until it refuses what it should.
        Awaitility.await("the policy is in force").atMost(Duration.ofSeconds(30)).until(() -> {
                    try {
                        create(LIMITED, "probe", "service: {type: LoadBalancer}");
                        client.resources(dev.pyfleet.api.v1alpha1.PythonApp.class).inNamespace(LIMITED)
                                .withName("probe").delete();
                        return false;
                    } catch (KubernetesClientException e) {
                        return e.getCode() == 422;
                    }
                });
    }

    @AfterAll
    static void remove() {
        ControlPlane.get().kubectl("delete", "-f", ControlPlane.repoPath("deploy/policy").toString());
        client.namespaces().withName(LIMITED).delete();
        client.namespaces().withName(OPEN).delete();
        client.close();
    }

    @Test
    void secretReferencesAreRefusedWhereTheNamespaceForbidsThem() {
        assertRefused(create(() -> create(LIMITED, "env-secret",
                "env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: db, key: password}}}]")),
                "spec.env and spec.envFrom may not read Secrets in namespace policy-limited");
        assertRefused(create(() -> create(LIMITED, "envfrom-secret", "envFrom: [{secretRef: {name: db}}]")),
                "spec.env and spec.envFrom may not read Secrets");
        create(LIMITED, "env-configmap", "envFrom: [{configMapRef: {name: settings}}]");
        create(OPEN, "env-secret", "env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: db, key: password}}}]");
    }

    @Test
    void onlyTheListedPriorityClassesAndServiceTypesAreAllowed() {
        assertRefused(create(() -> create(LIMITED, "urgent", "priorityClassName: system-cluster-critical")),
                "spec.priorityClassName system-cluster-critical is not allowed in namespace policy-limited; "
                        + "allowed: low,standard");
        create(LIMITED, "standard", "priorityClassName: standard");
        create(LIMITED, "default-priority", "replicas: 1");
        assertRefused(create(() -> create(LIMITED, "public", "service: {type: LoadBalancer}")),
                "spec.service.type LoadBalancer is not allowed in namespace policy-limited; allowed: ClusterIP");
        create(OPEN, "urgent", "priorityClassName: system-cluster-critical");
        create(OPEN, "public", "service: {type: LoadBalancer}");
    }

    private static void create(String namespace, String name, String extra) {
        PythonApps.create(client, namespace, """
                metadata: {name: %s}
                spec:
                  image: ghcr.io/acme/shop:1
                  process: {type: wsgi, module: "app:app"}
                  %s
                """.formatted(name, extra));
    }

    private static Throwable create(Runnable attempt) {
        try {
            attempt.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static void assertRefused(Throwable error, String message) {
        assertThat(error).as("refused").isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getStatus().getMessage()).contains(message);
        });
    }
}
