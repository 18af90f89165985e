package dev.pyfleet.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The chart lints clean, renders to what the real API server accepts, and its RBAC is enough: the operator, run
 * under the chart's ServiceAccount identity (impersonation), brings the samples to Ready, while that identity is
 * denied what it should never do.
 */
class HelmChartIT {

    static final Path CHART = ControlPlane.repoPath("helm/pyfleet");
    static final String SERVICE_ACCOUNT = "system:serviceaccount:pyfleet-system:pyfleet-operator";

    @Test
    void chartLintsCleanInStrictMode() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void monitoringObjectsAndJsonLogsRenderWhenTheirValuesAreOn() {
        String rendered = new Helm(CHART).template().withName("pyfleet").withNamespace("pyfleet-system")
                .set("prometheusRule.enabled", true).set("grafanaDashboard.enabled", true)
                .set("serviceMonitor.enabled", true).set("logFormat", "json").call();
        assertThat(rendered).contains("kind: PrometheusRule", "alert: PyFleetDegraded", "alert: PyFleetReplicasMissing",
                "alert: PyFleetExtenderSlow", "alert: PyFleetOperatorDown", "kind: ServiceMonitor",
                "grafana_dashboard: \"1\"", "\"uid\": \"pyfleet\"",
                "- name: PYFLEET_LOG_FORMAT\n              value: \"json\"");
        assertThat(new Helm(CHART).template().withName("pyfleet").call()).doesNotContain("PrometheusRule")
                .doesNotContain("ServiceMonitor");
    }

    @Test
    void replicasWithoutLeaderElectionAreRefused() {
        assertThatThrownBy(() -> new Helm(CHART).template().withName("pyfleet").set("replicas", 2)
                .set("leaderElection.enabled", false).call())
                .hasMessageContaining("replicas > 1 needs leaderElection.enabled=true");
        assertThat(new Helm(CHART).template().withName("pyfleet").set("replicas", 1)
                .set("leaderElection.enabled", false).call()).contains("name: pyfleet-operator");
    }

    @Test
    void operatorWithTheChartsServiceAccountIdentityRunsTheSamplesAndIsDeniedTheRest() throws Exception {
        try (ControlPlane cluster = ControlPlane.dedicated("chart", Map.of());
                KubernetesClient admin = cluster.newClient()) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("pyfleet-system")
                    .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build())
                    .serverSideApply();
            String rendered = new Helm(CHART).template().withName("pyfleet").withNamespace("pyfleet-system").call();
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
                admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("demo").endMetadata()
                        .build()).serverSideApply();
                admin.serviceAccounts().inNamespace("demo").withName("default")
                        .waitUntilCondition(sa -> sa != null, 60, java.util.concurrent.TimeUnit.SECONDS);
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
        }
    }

    private static String canI(ControlPlane cluster, String verb, String resource, String namespace) {
        return cluster.kubectl("auth", "can-i", verb, resource, "-n", namespace, "--as=" + SERVICE_ACCOUNT)
                .output().strip();
    }

    /** Client settings (Fabric8 system properties) that make the operator act as the given ServiceAccount. */
    private static List<String> impersonate(String serviceAccount) {
        String namespace = serviceAccount.split(":")[2];
        return List.of("-Dkubernetes.impersonate.username=" + serviceAccount,
                "-Dkubernetes.impersonate.group=system:serviceaccounts,system:serviceaccounts:" + namespace
                        + ",system:authenticated");
    }
}
