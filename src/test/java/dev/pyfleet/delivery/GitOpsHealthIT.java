package dev.pyfleet.delivery;

import static dev.pyfleet.testing.PythonApps.conditionIs;
import static org.assertj.core.api.Assertions.assertThat;


import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.testing.ArgoCdHealth;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.ControlPlaneResource;
import dev.pyfleet.testing.Kstatus;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * What GitOps tools read from PythonApps as the packaged operator left them in the API server: Argo CD's health
 * (its Lua check, run by gopher-lua) and kstatus's status (Flux, kpt, cli-utils) for an app that runs, one still
 * rolling out, one past its progress deadline, one scaled to zero and one being deleted. (VMPool's verdicts are
 * checked the same way in VMPoolIT and WithoutKubeVirtIT.)
 */
@QuarkusIntegrationTest
@WithTestResource(ControlPlaneResource.class)
class GitOpsHealthIT {

    /** More memory than any node has: the Pod stays Pending. */
    static final String TOO_LARGE = "resources: {requests: {memory: 100G}}";

    KubernetesClient client;
    TestNamespace namespace;

    @BeforeEach
    void setUp() {
        client = ControlPlane.get().newClient();
        namespace = new TestNamespace(client, "argocd-health");
    }

    @AfterEach
    void tearDown() {
        namespace.close();
        client.close();
    }

    @Test
    void argoCdAndKstatusReadEachSituationFromTheStatusTheOperatorWrote() {
        create("runs", "replicas: 2");
        create("zero", "replicas: 0");
        create("pending", "replicas: 1\n  " + TOO_LARGE + "\n  rollout: {progressDeadlineSeconds: 3600}");
        create("stuck", "replicas: 1\n  " + TOO_LARGE + "\n  rollout: {progressDeadlineSeconds: 1}");

        PythonApp runs = PythonApps.await(client, ns(), "runs", conditionIs("Ready", "True"), 60);
        assertVerdict(runs, "Healthy", "2 of 2 Pods available");
        assertKstatus(runs, "Current", "Resource is Ready");
        PythonApp zero = PythonApps.await(client, ns(), "zero", conditionIs("Ready", "True"), 60);
        assertVerdict(zero, "Suspended", "replicas is 0");
        assertKstatus(zero, "Current", "Resource is Ready");
        PythonApp pending = PythonApps.await(client, ns(), "pending", app -> conditionIs("Ready", "False").test(app)
                && "RolloutInProgress".equals(PythonApps.condition(app, "Ready").getReason()), 60);
        assertVerdict(pending, "Progressing", "0 of 1 Pods available");
        assertKstatus(pending, "InProgress", "0 of 1 Pods available");
        PythonApp stuck = PythonApps.await(client, ns(), "stuck", conditionIs("Degraded", "True"), 60);
        assertVerdict(stuck, "Degraded", "did not become available within rollout.progressDeadlineSeconds (1s)");
        assertKstatus(stuck, "Failed", "did not become available within rollout.progressDeadlineSeconds (1s)");
    }

    @Test
    void aRollingUpdateIsInProgressUntilItsNewPodsAreAvailableThenCurrent() {
        create("rolls", "replicas: 2\n  resources: {requests: {memory: 64Mi}}\n"
                + "  rollout: {progressDeadlineSeconds: 3600}");
        assertKstatus(PythonApps.await(client, ns(), "rolls", conditionIs("Ready", "True"), 60), "Current",
                "Resource is Ready");
        // A new revision whose Pods cannot be placed: the rollout starts and stays under way, the old Pods serve.
        patch("rolls", "{\"spec\": {\"resources\": {\"requests\": {\"memory\": \"100G\"}}}}");
        PythonApp rolling = PythonApps.await(client, ns(), "rolls", app -> app.getStatus() != null
                && app.getStatus().updateRevision() != null
                && !app.getStatus().updateRevision().equals(app.getStatus().currentRevision())
                && conditionIs("Progressing", "True").test(app), 60);
        assertKstatus(rolling, "InProgress", "revision " + rolling.getStatus().updateRevision());
        // The status written with the surge Pod counts it: created, at the new revision, not available.
        assertVerdict(rolling, "Progressing", "2 of 2 Pods available, 1 updated");
        // Taken back: the rollout ends where it started, Current again.
        patch("rolls", "{\"spec\": {\"resources\": {\"requests\": {\"memory\": \"64Mi\"}}}}");
        assertKstatus(PythonApps.await(client, ns(), "rolls", app -> conditionIs("Ready", "True").test(app)
                && java.util.Objects.equals(app.getStatus().observedGeneration(), app.getMetadata().getGeneration()),
                60), "Current", "Resource is Ready");
    }

    @Test
    void anAppHeldByAnotherControllersFinalizerIsProgressingWhileItIsDeleted() {
        create("held", "replicas: 1", "example.com/hold");
        PythonApps.await(client, ns(), "held", conditionIs("Ready", "True"), 60);
        client.resources(PythonApp.class).inNamespace(ns()).withName("held").delete();
        PythonApp deleting = PythonApps.await(client, ns(), "held",
                app -> app.getMetadata().getDeletionTimestamp() != null, 30);
        try {
            assertVerdict(deleting, "Progressing", "being deleted");
            assertKstatus(deleting, "Terminating", "");
        } finally {
            patch("held", "{\"metadata\": {\"finalizers\": null}}");
        }
    }

    /** A merge patch, as {@code kubectl patch --type merge} sends it: no resourceVersion, so the operator's own
     *  status writes in between cannot make it conflict. */
    private void patch(String name, String mergePatch) {
        client.resources(PythonApp.class).inNamespace(ns()).withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
    }

    private void create(String name, String spec, String... finalizers) {
        String metadata = finalizers.length == 0 ? "{name: %s}".formatted(name)
                : "{name: %s, finalizers: [%s]}".formatted(name, String.join(", ", finalizers));
        PythonApps.create(client, ns(), """
                metadata: %s
                spec:
                  image: ghcr.io/acme/shop:1.0.0
                  process: {type: wsgi, module: "shop.wsgi:application"}
                  %s
                """.formatted(metadata, spec));
    }

    private static void assertVerdict(PythonApp app, String status, String message) {
        ArgoCdHealth.Verdict verdict = ArgoCdHealth.of(app);
        assertThat(verdict.status()).as("Argo CD's health of %s, status %s", app.getMetadata().getName(),
                app.getStatus()).isEqualTo(status);
        assertThat(verdict.message()).contains(message);
    }

    private static void assertKstatus(PythonApp app, String status, String message) {
        Kstatus verdict = Kstatus.of(app);
        assertThat(verdict.status()).as("kstatus of %s, status %s", app.getMetadata().getName(), app.getStatus())
                .isEqualTo(status);
        assertThat(verdict.message()).contains(message);
    }

    private String ns() {
        return namespace.name();
    }
}
