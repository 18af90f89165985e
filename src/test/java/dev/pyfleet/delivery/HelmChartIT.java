package dev.pyfleet.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;

import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.RenderedChart;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The chart renders to what the real API server accepts, and its RBAC is enough: the operator, run under the chart's
 * ServiceAccount identity (impersonation), brings the samples to Ready, while that identity is denied what it should
 * never do. What needs no cluster (lint, values, schema) is HelmChartRenderTest's.
 */
class HelmChartIT {

    static final String SERVICE_ACCOUNT = "system:serviceaccount:pyfleet-system:pyfleet-operator";

    @Test
    void operatorWithTheChartsServiceAccountIdentityRunsTheSamplesAndIsDeniedTheRest() throws Exception {
        try (ControlPlane cluster = ControlPlane.dedicated("chart", Map.of());
                KubernetesClient admin = cluster.newClient()) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("pyfleet-system")
                    .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build())
                    .serverSideApply();
            String rendered = RenderedChart.template().withKubeVersion(cluster.version()).call();
            Path manifests = Files.writeString(Files.createTempFile("pyfleet-chart-", ".yaml"), rendered);
            CommandResult dryRun = cluster.kubectl("apply", "--server-side", "--dry-run=server", "-f",
                    manifests.toString());
            assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
            CommandResult installed = cluster.kubectl("apply", "--server-side", "-f", manifests.toString());
            assertThat(installed.exitCode()).as(installed.output()).isZero();
            // pyfleet-system enforces the restricted profile: the chart's Pods exist only if they comply.
            for (String deployment : List.of("pyfleet-operator", "pyfleet-scheduler")) {
                admin.apps().deployments().inNamespace("pyfleet-system").withName(deployment).waitUntilCondition(
                        d -> d != null && d.getStatus() != null && d.getSpec().getReplicas().equals(d.getStatus()
                                .getReadyReplicas()), 90, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThat(admin.apps().deployments().inNamespace("pyfleet-system").withName("pyfleet-operator").get()
                    .getSpec().getReplicas()).as("operator replicas by default: a leader and a standby").isEqualTo(2);

            // Control: impersonating an identity without the chart's RBAC, the operator cannot start. This shows
            // that the impersonation below is real, not an admin connection in disguise.
            try (OperatorProcess nobody = new OperatorProcess(cluster.kubeconfig(), OperatorProcess.freePort(),
                    impersonate("system:serviceaccount:pyfleet-system:nobody"))) {
                assertThat(nobody.awaitExit(Duration.ofSeconds(90))).as(nobody.log()).isTrue();
                assertThat(nobody.log()).contains("forbidden");
            }
            // As the chart runs it: leader election on, its Lease in the release namespace.
            List<String> asDeployed = new java.util.ArrayList<>(impersonate(SERVICE_ACCOUNT));
            asDeployed.addAll(List.of("-Dpyfleet.leader-election.enabled=true",
                    "-Dpyfleet.leader-election.lease-namespace=pyfleet-system"));
            try (OperatorProcess operator = new OperatorProcess(cluster.kubeconfig(), OperatorProcess.freePort(),
                    asDeployed)) {
                operator.awaitReady(Duration.ofSeconds(90));
                TestNamespace.create(admin, "demo");
                CommandResult samples = cluster.kubectl("apply", "-n", "demo", "-f",
                        ControlPlane.repoPath("deploy/samples/hello-wsgi.yaml").toString(), "-f",
                        ControlPlane.repoPath("deploy/samples/hello-asgi.yaml").toString());
                assertThat(samples.exitCode()).as(samples.output()).isZero();

                PythonApps.await(admin, "demo", "hello-asgi", PythonApps.conditionIs("Ready", "True"), 120);
                assertThat(admin.services().inNamespace("demo").withName("hello-wsgi").get()).isNotNull();
                assertThat(operator.log()).doesNotContain("is forbidden");
                var lease = admin.leases().inNamespace("pyfleet-system").withName("pyfleet-operator").get();
                assertThat(lease).as("the Lease the chart's RBAC lets the operator hold").isNotNull();
                assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
            }

            assertThat(canI(cluster, "get", "secrets", "kube-system")).isEqualTo("no");
            assertThat(canI(cluster, "list", "secrets", "demo")).isEqualTo("no");
            assertThat(canI(cluster, "delete", "deployments", "demo")).isEqualTo("no");
            assertThat(canI(cluster, "create", "pods", "demo")).isEqualTo("yes");
            // The API server enforces owner-reference permissions here: the samples' Pods (blockOwnerDeletion)
            // could only be created because the chart grants this.
            assertThat(canI(cluster, "update", "pythonapps.pyfleet.dev/finalizers", "demo")).isEqualTo("yes");

            // pyfleet-view and pyfleet-edit fold into Kubernetes' own roles.
            CommandResult bindings = cluster.kubectl("create", "rolebinding", "viewers", "-n", "demo",
                    "--clusterrole=view", "--user=viv");
            assertThat(bindings.exitCode()).as(bindings.output()).isZero();
            bindings = cluster.kubectl("create", "rolebinding", "editors", "-n", "demo", "--clusterrole=edit",
                    "--user=ed");
            assertThat(bindings.exitCode()).as(bindings.output()).isZero();
            Awaitility.await("the aggregated view role lets viv read PythonApps").atMost(Duration.ofSeconds(30))
                    .until(() -> canI(cluster, "viv", "list", "pythonapps.pyfleet.dev", "demo").equals("yes"));
            assertThat(canI(cluster, "viv", "create", "pythonapps.pyfleet.dev", "demo")).isEqualTo("no");
            assertThat(canI(cluster, "viv", "get", "vmpools.pyfleet.dev", "demo")).isEqualTo("yes");
            Awaitility.await("the aggregated edit role lets ed write PythonApps").atMost(Duration.ofSeconds(30))
                    .until(() -> canI(cluster, "ed", "create", "pythonapps.pyfleet.dev", "demo").equals("yes"));
            assertThat(canI(cluster, "ed", "update", "pythonapps.pyfleet.dev/scale", "demo")).isEqualTo("yes");
            assertThat(canI(cluster, "ed", "delete", "vmpools.pyfleet.dev", "demo")).isEqualTo("yes");
            assertThat(canI(cluster, "ed", "update", "pythonapps.pyfleet.dev/status", "demo")).isEqualTo("no");
            assertThat(canI(cluster, "ed", "create", "pythonapps.pyfleet.dev", "kube-system")).isEqualTo("no");
        }
    }

    /** With watchNamespaces set, the operator writes only there; it still reads pods and nodes for placement. */
    @Test
    void watchNamespacesLimitsWhereTheOperatorMayWrite() throws Exception {
        try (ControlPlane cluster = ControlPlane.dedicated("chart-scoped", Map.of());
                KubernetesClient admin = cluster.newClient()) {
            for (String ns : List.of("pyfleet-scoped", "team-a", "team-b")) {
                admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata()
                        .build()).serverSideApply();
            }
            String rendered = new Helm(RenderedChart.CHART).template().withName("scoped")
                    .withNamespace("pyfleet-scoped").withKubeVersion(cluster.version())
                    .set("watchNamespaces[0]", "team-a").call();
            Path manifests = Files.writeString(Files.createTempFile("pyfleet-chart-", ".yaml"), rendered);
            CommandResult installed = cluster.kubectl("apply", "--server-side", "-f", manifests.toString());
            assertThat(installed.exitCode()).as(installed.output()).isZero();
            String operator = "system:serviceaccount:pyfleet-scoped:pyfleet-operator";
            for (String write : List.of("create pods", "delete pods", "create services",
                    "create poddisruptionbudgets.policy", "create events", "patch pythonapps.pyfleet.dev/status",
                    "update pythonapps.pyfleet.dev/finalizers")) {
                String[] verbAndResource = write.split(" ");
                assertThat(canI(cluster, operator, verbAndResource[0], verbAndResource[1], "team-a")).as(write)
                        .isEqualTo("yes");
                assertThat(canI(cluster, operator, verbAndResource[0], verbAndResource[1], "team-b")).as(write)
                        .isEqualTo("no");
            }
            assertThat(canI(cluster, operator, "list", "pythonapps.pyfleet.dev", "team-b")).isEqualTo("no");
            assertThat(canI(cluster, operator, "list", "pods", "team-b")).isEqualTo("yes");
            // kubectl warns first that nodes are not namespaced; its answer is the last line.
            assertThat(cluster.kubectl("auth", "can-i", "list", "nodes", "--as=" + operator).output().strip())
                    .matches("(?s)(.*\\n)?yes");
        }
    }

    private static String canI(ControlPlane cluster, String verb, String resource, String namespace) {
        return canI(cluster, SERVICE_ACCOUNT, verb, resource, namespace);
    }

    /** @param resource a resource, or resource/subresource (e.g. pythonapps.pyfleet.dev/status) */
    private static String canI(ControlPlane cluster, String user, String verb, String resource, String namespace) {
        String[] parts = resource.split("/", 2);
        List<String> line = new java.util.ArrayList<>(List.of("auth", "can-i", verb, parts[0], "-n", namespace,
                "--as=" + user));
        if (parts.length == 2) {
            line.add("--subresource=" + parts[1]);
        }
        return cluster.kubectl(line.toArray(String[]::new)).output().strip();
    }

    /** Client settings (Fabric8 system properties) that make the operator act as the given ServiceAccount. */
    private static List<String> impersonate(String serviceAccount) {
        String namespace = serviceAccount.split(":")[2];
        return List.of("-Dkubernetes.impersonate.username=" + serviceAccount,
                "-Dkubernetes.impersonate.group=system:serviceaccounts,system:serviceaccounts:" + namespace
                        + ",system:authenticated");
    }
}
