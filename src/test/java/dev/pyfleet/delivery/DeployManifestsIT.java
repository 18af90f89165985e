package dev.pyfleet.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.ControlPlaneResource;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * What `kubectl apply -k deploy/` installs is accepted by the real API server, and every Pod PyFleet runs (the
 * operator, pyfleet-scheduler, the samples' app Pods) is admitted in a namespace that enforces the restricted Pod
 * Security Standard.
 */
@QuarkusIntegrationTest
@WithTestResource(ControlPlaneResource.class)
class DeployManifestsIT {

    static final String RESTRICTED = "pyfleet-restricted-check";
    static KubernetesClient client;

    @BeforeAll
    static void setUp() {
        client = ControlPlane.get().newClient();
        TestNamespace.create(client, RESTRICTED, Map.of("pod-security.kubernetes.io/enforce", "restricted"));
    }

    @AfterAll
    static void tearDown() {
        client.namespaces().withName(RESTRICTED).delete();
        client.close();
    }

    @Test
    void kustomizeOutputIsAcceptedByTheApiServerInAServerSideDryRun() throws Exception {
        CommandResult rendered = ControlPlane.get().kubectl("kustomize", ControlPlane.repoPath("deploy").toString());
        assertThat(rendered.exitCode()).as(rendered.output()).isZero();
        // The base holds no CRD: deleting it must never delete them (and every app with them).
        assertThat(rendered.output()).doesNotContain("kind: CustomResourceDefinition");
        CommandResult crds = ControlPlane.get().kubectl("kustomize",
                ControlPlane.repoPath("deploy/crds").toString());
        assertThat(crds.exitCode()).as(crds.output()).isZero();
        assertThat(crds.output()).contains("argocd.argoproj.io/sync-options: Prune=false,Delete=false")
                .contains("argocd.argoproj.io/sync-wave: \"-1\"");
        Path manifests = Files.createTempFile("pyfleet-deploy-", ".yaml");
        Files.writeString(manifests, crds.output() + "---\n" + rendered.output());
        // A dry run does not create the namespace, so its namespaced objects are checked against one that exists.
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("pyfleet-system")
                .endMetadata().build()).serverSideApply();

        // The CRDs are already installed by the test harness under another field manager, hence --force-conflicts.
        CommandResult dryRun = ControlPlane.get().kubectl("apply", "--server-side", "--force-conflicts",
                "--dry-run=server", "--field-manager=pyfleet-deploy-check", "-f", manifests.toString());

        assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
        assertThat(dryRun.output()).contains("deployment.apps/pyfleet-operator serverside-applied (server dry run)")
                .contains("deployment.apps/pyfleet-scheduler serverside-applied (server dry run)")
                .contains("clusterrole.rbac.authorization.k8s.io/pyfleet-operator serverside-applied")
                .contains("clusterrole.rbac.authorization.k8s.io/pyfleet-edit serverside-applied")
                .contains("customresourcedefinition.apiextensions.k8s.io/pythonapps.pyfleet.dev");
    }

    @Test
    void operatorAndSchedulerPodsAreAdmittedUnderTheRestrictedProfile() throws Exception {
        String rendered = ControlPlane.get().kubectl("kustomize", ControlPlane.repoPath("deploy").toString())
                .output();
        List<HasMetadata> objects = client.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8)))
                .items();
        List<Deployment> deployments = objects.stream().filter(Deployment.class::isInstance)
                .map(Deployment.class::cast).toList();
        assertThat(deployments).hasSize(2);
        for (Deployment deployment : deployments) {
            Pod pod = new PodBuilder().withMetadata(deployment.getSpec().getTemplate().getMetadata())
                    .editMetadata().withName(deployment.getMetadata().getName()).withNamespace(RESTRICTED).endMetadata()
                    .withSpec(deployment.getSpec().getTemplate().getSpec()).build();
            pod.getSpec().setServiceAccountName(null);
            // The server-side dry run runs Pod Security admission, which rejects what the profile forbids.
            client.pods().inNamespace(RESTRICTED).resource(pod).dryRun().create();
        }
        // The check can fail: a Pod without the restricted settings is refused in the same namespace.
        Pod plain = new PodBuilder().withNewMetadata().withName("plain").endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("python:3.12-slim").endContainer().endSpec().build();
        assertThatThrownBy(() -> client.pods().inNamespace(RESTRICTED).resource(plain).dryRun().create())
                .isInstanceOfSatisfying(KubernetesClientException.class,
                        e -> assertThat(e.getMessage()).contains("violates PodSecurity \"restricted:latest\""));
    }

    @Test
    void samplePodsAreAdmittedUnderTheRestrictedProfile() {
        PythonApp sample = client.getKubernetesSerialization().unmarshal(
                readString(ControlPlane.repoPath("deploy/samples/hello-wsgi.yaml")), PythonApp.class);
        client.resource(sample).inNamespace(RESTRICTED).create();
        PythonApp ready = PythonApps.await(client, RESTRICTED, "hello-wsgi", PythonApps.conditionIs("Ready", "True"),
                90);
        assertThat(ready.getStatus().readyReplicas()).isEqualTo(3);
        assertThat(client.v1().events().inNamespace(RESTRICTED).list().getItems())
                .noneMatch(e -> e.getMessage() != null && e.getMessage().contains("violates PodSecurity"));
    }

    /** GitOps: once the operator has reconciled, re-applying the same manifests changes nothing. */
    @Test
    void reapplyingTheSamplesAfterReconcileChangesNoField() {
        String namespace = "pyfleet-gitops-check";
        TestNamespace.create(client, namespace);
        try {
            String samples = ControlPlane.repoPath("deploy/samples").toString();
            CommandResult applied = ControlPlane.get().kubectl("apply", "--server-side", "--field-manager=gitops",
                    "-n", namespace, "-f", samples);
            assertThat(applied.exitCode()).as(applied.output()).isZero();
            PythonApps.await(client, namespace, "hello-asgi", PythonApps.conditionIs("Ready", "True"), 120);

            CommandResult diff = ControlPlane.get().kubectl("diff", "--server-side", "--field-manager=gitops",
                    "-n", namespace, "-f", samples);
            assertThat(diff.exitCode()).as("kubectl diff found changes:%n%s", diff.output()).isZero();
        } finally {
            client.namespaces().withName(namespace).delete();
        }
    }

    private static String readString(Path path) {
        try {
            return Files.readString(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
