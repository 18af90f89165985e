package dev.pyfleet.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Removing PyFleet the way it was installed (deleting the kustomize base, uninstalling the Helm release) leaves its
 * CRDs, and so every PythonApp and the Pods they own, in place. On a bare control plane each time, so the CRDs are
 * the ones the install itself brought.
 */
class UninstallIT {

    @Test
    void deletingTheKustomizeBaseLeavesTheCrdsAndEveryApp() throws Exception {
        try (ControlPlane cluster = ControlPlane.bare("uninstall-kustomize", "--nodes", "2");
                KubernetesClient client = cluster.newClient()) {
            run(cluster, "apply", "--server-side", "-k", ControlPlane.repoPath("deploy/crds").toString());
            run(cluster, "apply", "-k", ControlPlane.repoPath("deploy").toString());
            Map<String, String> before = appRunning(cluster, client);

            run(cluster, "delete", "-k", ControlPlane.repoPath("deploy").toString(), "--wait=true");
            assertThat(client.namespaces().withName("pyfleet-system").get()).as("what the base installed is gone")
                    .isNull();
            assertStillThere(client, before);
        }
    }

    @Test
    void uninstallingTheHelmReleaseLeavesTheCrdsAndEveryApp() throws Exception {
        try (ControlPlane cluster = ControlPlane.bare("uninstall-helm", "--nodes", "2");
                KubernetesClient client = cluster.newClient()) {
            new Helm(ControlPlane.repoPath("helm/pyfleet")).install().withName("pyfleet")
                    .withNamespace("pyfleet-system").createNamespace().withKubeConfig(cluster.kubeconfig()).call();
            Map<String, String> before = appRunning(cluster, client);

            Helm.uninstall("pyfleet").withNamespace("pyfleet-system").withKubeConfig(cluster.kubeconfig()).call();
            Awaitility.await("the release's Deployments are gone").atMost(Duration.ofSeconds(60))
                    .until(() -> client.apps().deployments().inNamespace("pyfleet-system").list().getItems()
                            .isEmpty());
            assertStillThere(client, before);
        }
    }

    private static void run(ControlPlane cluster, String... kubectl) {
        CommandResult result = cluster.kubectl(kubectl);
        assertThat(result.exitCode()).as(String.join(" ", kubectl) + "\n" + result.output()).isZero();
    }

    /**
     * The CRDs came with the install; an operator (run here, since the installed one sits on fake nodes) brings a
     * sample to Ready, and stops before the uninstall, as the installed one would. Returns the app's Pods by uid.
     */
    private static Map<String, String> appRunning(ControlPlane cluster, KubernetesClient client) {
        assertThat(client.apiextensions().v1().customResourceDefinitions().withName("pythonapps.pyfleet.dev").get())
                .isNotNull();
        TestNamespace.create(client, "demo");
        try (OperatorProcess operator = new OperatorProcess(cluster.kubeconfig())) {
            operator.awaitReady(Duration.ofSeconds(90));
            run(cluster, "apply", "-n", "demo", "-f", ControlPlane.repoPath("deploy/samples/hello-wsgi.yaml")
                    .toString());
            PythonApps.await(client, "demo", "hello-wsgi", PythonApps.conditionIs("Ready", "True"), 120);
        }
        return pods(client);
    }

    private static void assertStillThere(KubernetesClient client, Map<String, String> pods) {
        for (String crd : List.of("pythonapps.pyfleet.dev", "vmpools.pyfleet.dev")) {
            assertThat(client.apiextensions().v1().customResourceDefinitions().withName(crd).get()).as(crd)
                    .isNotNull();
        }
        assertThat(client.resources(PythonApp.class).inNamespace("demo").withName("hello-wsgi").get()).isNotNull();
        // The same Pods, still Ready, for a while after the uninstall (the garbage collector acts within seconds).
        Awaitility.await("the app's Pods stay").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(pods(client)).isEqualTo(pods));
        assertThat(pods).hasSize(3);
    }

    /** The app's Pods that are Ready, uid to name. */
    private static Map<String, String> pods(KubernetesClient client) {
        return PythonApps.pods(client, "demo", "hello-wsgi").stream().filter(PythonApps::isReady)
                .collect(Collectors.toMap(p -> p.getMetadata().getUid(), (Pod p) -> p.getMetadata().getName()));
    }
}
