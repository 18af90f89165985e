package dev.pyfleet.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import dev.pyfleet.testing.RenderedChart;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * The chart without a cluster: it lints clean, its values for where and how PyFleet's Pods run land in the rendered
 * Deployments, its disruption budget never blocks a node drain, and its schema refuses what does not fit while
 * letting a parent chart pass globals. HelmChartIT applies what it renders to a real API server.
 */
class HelmChartRenderTest {

    static final String OPERATOR = "pyfleet-operator";
    static final String SCHEDULER = "pyfleet-scheduler";

    @Test
    void chartLintsCleanInStrictMode() {
        LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();
        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void monitoringObjectsAndJsonLogsRenderWhenTheirValuesAreOn() {
        String rendered = RenderedChart.template().set("prometheusRule.enabled", true)
                .set("grafanaDashboard.enabled", true).set("serviceMonitor.enabled", true).set("logFormat", "json")
                .call();
        assertThat(rendered).contains("kind: PrometheusRule", "alert: PyFleetDegraded", "alert: PyFleetReplicasMissing",
                "alert: PyFleetExtenderSlow", "alert: PyFleetOperatorDown", "kind: ServiceMonitor",
                "grafana_dashboard: \"1\"", "\"uid\": \"pyfleet\"",
                "- name: PYFLEET_LOG_FORMAT\n              value: \"json\"");
        assertThat(RenderedChart.template().call()).doesNotContain("PrometheusRule").doesNotContain("ServiceMonitor");
    }

    @Test
    void replicasWithoutLeaderElectionAreRefused() {
        assertThatThrownBy(() -> RenderedChart.template().set("replicas", 2).set("leaderElection.enabled", false)
                .call()).hasMessageContaining("replicas > 1 needs leaderElection.enabled=true");
        assertThat(RenderedChart.template().set("replicas", 1).set("leaderElection.enabled", false).call())
                .contains("name: pyfleet-operator");
    }

    @Test
    void twoReplicasByDefaultGetABudgetThatKeepsOneAndLetsUnreadyReplicasGo() {
        RenderedChart chart = RenderedChart.withValues("{}");
        PodDisruptionBudget budget = chart.get(PodDisruptionBudget.class, OPERATOR);
        assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(budget.getSpec().getMaxUnavailable()).isNull();
        assertThat(budget.getSpec().getUnhealthyPodEvictionPolicy()).isEqualTo("AlwaysAllow");
        assertThat(budget.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
        assertThat(chart.deployment(OPERATOR).getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
        assertThat(budget.getSpec().getSelector().getMatchLabels())
                .isEqualTo(chart.deployment(OPERATOR).getSpec().getSelector().getMatchLabels());
    }

    @Test
    void aSingleReplicaGetsNoBudgetSoDrainingItsNodeNeverWaits() {
        RenderedChart chart = RenderedChart.withValues("replicas: 1");
        assertThat(chart.find(PodDisruptionBudget.class, OPERATOR)).isEmpty();
        assertThat(chart.deployment(OPERATOR).getSpec().getReplicas()).isEqualTo(1);
    }

    @Test
    void aDisabledBudgetIsNotRendered() {
        assertThat(RenderedChart.withValues("podDisruptionBudget: {enabled: false}")
                .find(PodDisruptionBudget.class, OPERATOR)).isEmpty();
    }

    @Test
    void maxUnavailableTakesThePlaceOfMinAvailable() {
        PodDisruptionBudget budget = RenderedChart.withValues("""
                replicas: 3
                podDisruptionBudget: {maxUnavailable: 1}
                """).get(PodDisruptionBudget.class, OPERATOR);
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(budget.getSpec().getMinAvailable()).isNull();
        PodDisruptionBudget percent = RenderedChart.withValues("""
                replicas: 4
                podDisruptionBudget: {minAvailable: 50%}
                """).get(PodDisruptionBudget.class, OPERATOR);
        assertThat(percent.getSpec().getMinAvailable().getStrVal()).isEqualTo("50%");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{minAvailable: 2}", "{minAvailable: 100%}", "{minAvailable: 60%}",
            "{maxUnavailable: 0}", "{maxUnavailable: 0%}"})
    void aBudgetThatWouldLetNoReplicaGoIsRefused(String budget) {
        Path values = RenderedChart.valuesFile("replicas: 2\npodDisruptionBudget: " + budget);
        assertThatThrownBy(() -> RenderedChart.template().withValuesFile(values).call())
                .hasMessageContaining("it would block every node drain");
    }

    @Test
    void imageDigestPinsTheOperatorImageInsteadOfTheTag() {
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        assertThat(RenderedChart.withValues("image: {digest: \"" + digest + "\"}").podSpec(OPERATOR).getContainers()
                .get(0).getImage()).isEqualTo("ghcr.io/pyfleet/pyfleet-operator@" + digest);
        assertThat(RenderedChart.withValues("{}").podSpec(OPERATOR).getContainers().get(0).getImage())
                .isEqualTo("ghcr.io/pyfleet/pyfleet-operator:0.1.0");
    }

    @Test
    void jvmOptionsReplaceTheImagesFlagsOnlyWhenGiven() {
        assertThat(RenderedChart.withValues("jvmOptions: \"-XX:MaxRAMPercentage=50 -XX:+UseSerialGC\"")
                .podSpec(OPERATOR).getContainers().get(0).getEnv())
                .anySatisfy(env -> {
                    assertThat(env.getName()).isEqualTo("JAVA_OPTS_APPEND");
                    assertThat(env.getValue()).isEqualTo("-XX:MaxRAMPercentage=50 -XX:+UseSerialGC");
                });
        assertThat(RenderedChart.withValues("{}").podSpec(OPERATOR).getContainers().get(0).getEnv())
                .as("by default the image's flags apply").noneMatch(env -> env.getName().equals("JAVA_OPTS_APPEND"));
    }

    @Test
    void anApiRateLimitIsPassedToTheOperatorOnlyWhenSet() {
        assertThat(RenderedChart.withValues("apiServer: {qps: 50, burst: 100}").podSpec(OPERATOR).getContainers()
                .get(0).getEnv()).extracting(env -> env.getName() + "=" + env.getValue())
                .contains("PYFLEET_API_SERVER_QPS=50", "PYFLEET_API_SERVER_BURST=100");
        assertThat(RenderedChart.withValues("apiServer: {qps: 2.5}").podSpec(OPERATOR).getContainers().get(0)
                .getEnv()).extracting(env -> env.getName() + "=" + env.getValue())
                .contains("PYFLEET_API_SERVER_QPS=2.5", "PYFLEET_API_SERVER_BURST=0");
        assertThat(RenderedChart.withValues("{}").podSpec(OPERATOR).getContainers().get(0).getEnv())
                .as("no limit by default").noneMatch(env -> env.getName().startsWith("PYFLEET_API_SERVER_"));
    }

    @Test
    void nodeSelectorLandsInTheOperatorPods() {
        assertThat(RenderedChart.withValues("nodeSelector: {node-role.kubernetes.io/infra: \"\"}").podSpec(OPERATOR)
                .getNodeSelector()).containsExactlyEntriesOf(Map.of("node-role.kubernetes.io/infra", ""));
    }

    @Test
    void tolerationsLandInTheOperatorPods() {
        List<Toleration> tolerations = RenderedChart.withValues("""
                tolerations:
                  - {key: dedicated, operator: Equal, value: infra, effect: NoSchedule}
                """).podSpec(OPERATOR).getTolerations();
        assertThat(tolerations).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("dedicated");
            assertThat(t.getValue()).isEqualTo("infra");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
    }

    @Test
    void affinityReplacesTheDefaultSpreadOfReplicasOverNodes() {
        PodSpec byDefault = RenderedChart.withValues("{}").podSpec(OPERATOR);
        assertThat(byDefault.getAffinity().getPodAntiAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution()).singleElement()
                .satisfies(t -> assertThat(t.getPodAffinityTerm().getTopologyKey())
                        .isEqualTo("kubernetes.io/hostname"));

        PodSpec own = RenderedChart.withValues("""
                affinity:
                  nodeAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      nodeSelectorTerms:
                        - matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [zone-a]}]
                """).podSpec(OPERATOR);
        assertThat(own.getAffinity().getPodAntiAffinity()).isNull();
        assertThat(own.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().get(0).getMatchExpressions().get(0).getValues()).containsExactly("zone-a");
    }

    @Test
    void topologySpreadConstraintsLandInTheOperatorPodsWithTheirOwnSelectorWhenNoneIsGiven() {
        List<TopologySpreadConstraint> constraints = RenderedChart.withValues("""
                topologySpreadConstraints:
                  - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway}
                  - maxSkew: 2
                    topologyKey: kubernetes.io/hostname
                    whenUnsatisfiable: DoNotSchedule
                    labelSelector: {matchLabels: {team: platform}}
                """).podSpec(OPERATOR).getTopologySpreadConstraints();
        assertThat(constraints).hasSize(2);
        assertThat(constraints.get(0).getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
        assertThat(constraints.get(0).getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
        assertThat(constraints.get(0).getLabelSelector().getMatchLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "app.kubernetes.io/name", OPERATOR, "app.kubernetes.io/instance", RenderedChart.RELEASE));
        assertThat(constraints.get(1).getMaxSkew()).isEqualTo(2);
        assertThat(constraints.get(1).getLabelSelector().getMatchLabels()).containsExactlyEntriesOf(
                Map.of("team", "platform"));
    }

    @Test
    void priorityClassNameLandsInTheOperatorPods() {
        assertThat(RenderedChart.withValues("priorityClassName: platform-critical").podSpec(OPERATOR)
                .getPriorityClassName()).isEqualTo("platform-critical");
        assertThat(RenderedChart.withValues("{}").podSpec(OPERATOR).getPriorityClassName()).isNull();
    }

    @Test
    void imagePullSecretsLandInBothDeployments() {
        RenderedChart chart = RenderedChart.withValues("imagePullSecrets: [{name: registry-credentials}]");
        for (String deployment : List.of(OPERATOR, SCHEDULER)) {
            assertThat(chart.podSpec(deployment).getImagePullSecrets()).as(deployment)
                    .extracting(LocalObjectReference::getName).containsExactly("registry-credentials");
        }
    }

    @Test
    void podAnnotationsAndLabelsLandInTheOperatorPodsBesideTheSelectorLabels() {
        PodTemplateSpec template = RenderedChart.withValues("""
                podAnnotations: {example.com/owner: platform}
                podLabels: {team: platform}
                """).deployment(OPERATOR).getSpec().getTemplate();
        assertThat(template.getMetadata().getAnnotations()).containsEntry("example.com/owner", "platform");
        assertThat(template.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "platform",
                "app.kubernetes.io/name", OPERATOR, "app.kubernetes.io/instance", RenderedChart.RELEASE));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"podLabels: {app.kubernetes.io/name: other}",
            "scheduler: {podLabels: {app.kubernetes.io/instance: other}}"})
    void podLabelsCannotTakeOverTheSelectorLabels(String values) {
        assertThatThrownBy(() -> RenderedChart.template().withValuesFile(RenderedChart.valuesFile(values)).call())
                .hasMessageContaining("podLabels");
    }

    @Test
    void schedulerPlacementValuesLandInPyfleetSchedulersPod() {
        RenderedChart chart = RenderedChart.withValues("""
                scheduler:
                  nodeSelector: {kubernetes.io/os: linux}
                  tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}]
                  affinity:
                    nodeAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                        - weight: 10
                          preference:
                            matchExpressions: [{key: node-role.kubernetes.io/control-plane, operator: Exists}]
                  priorityClassName: system-cluster-critical
                  podAnnotations: {example.com/owner: platform}
                  podLabels: {team: platform}
                """);
        PodTemplateSpec template = chart.deployment(SCHEDULER).getSpec().getTemplate();
        PodSpec pod = template.getSpec();
        assertThat(pod.getNodeSelector()).containsExactlyEntriesOf(Map.of("kubernetes.io/os", "linux"));
        assertThat(pod.getTolerations()).singleElement()
                .satisfies(t -> assertThat(t.getKey()).isEqualTo("node-role.kubernetes.io/control-plane"));
        assertThat(pod.getAffinity().getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                .singleElement().satisfies(t -> assertThat(t.getWeight()).isEqualTo(10));
        assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
        assertThat(template.getMetadata().getAnnotations()).containsEntry("example.com/owner", "platform")
                .containsKey("checksum/config");
        assertThat(template.getMetadata().getLabels()).containsEntry("team", "platform")
                .containsEntry("app.kubernetes.io/name", SCHEDULER);
        // The operator's values stay the operator's.
        assertThat(chart.podSpec(OPERATOR).getNodeSelector()).isNullOrEmpty();
        assertThat(chart.podSpec(OPERATOR).getPriorityClassName()).isNull();
    }

    @Test
    void schedulerWithoutExtraValuesKeepsItsConfigChecksumOnly() {
        PodTemplateSpec template = RenderedChart.withValues("{}").deployment(SCHEDULER).getSpec().getTemplate();
        assertThat(template.getMetadata().getAnnotations()).containsOnlyKeys("checksum/config");
        assertThat(template.getSpec().getNodeSelector()).isNullOrEmpty();
        assertThat(template.getSpec().getTolerations()).isNullOrEmpty();
        assertThat(template.getSpec().getAffinity()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            image: {digest: latest}                          | digest
            imagePullSecrets: [registry-credentials]         | imagePullSecrets
            podDisruptionBudget: {enabled: "yes"}            | enabled
            podDisruptionBudget: {minAvailable: one}         | minAvailable
            podDisruptionBudget: {maxUnavailable: -1}        | maxUnavailable
            nodeSelector: [infra]                            | nodeSelector
            tolerations: {key: dedicated}                    | tolerations
            tolerations: [{key: dedicated, operator: Is}]    | operator
            affinity: {nodeAfinity: {}}                      | affinity
            topologySpreadConstraints: [{maxSkew: 1}]        | topologySpreadConstraints
            priorityClassName: 5                             | priorityClassName
            podAnnotations: {example.com/owner: [a]}         | podAnnotations
            podLabels: team                                  | podLabels
            scheduler: {nodeSelector: infra}                 | nodeSelector
            scheduler: {tolerations: {}}                     | tolerations
            scheduler: {priorityClassName: Critical}         | priorityClassName
            scheduler: {podAnnotations: []}                  | podAnnotations
            apiServer: {qps: -5}                             | qps
            apiServer: {burst: 1.5}                          | burst
            """)
    void theSchemaRefusesAWrongTypeForEachValue(String values, String named) {
        assertThatThrownBy(() -> RenderedChart.template().withValuesFile(RenderedChart.valuesFile(values)).call())
                .hasMessageContaining("schema").hasMessageContaining(named);
    }

    @Test
    void globalValuesOfAParentChartPassTheSchema() {
        assertThat(RenderedChart.template().set("global.foo", "bar").call()).contains("name: pyfleet-operator");
    }

    @Test
    void theChartRendersAsASubchart(@TempDir Path parent) throws IOException {
        Files.writeString(parent.resolve("Chart.yaml"), """
                apiVersion: v2
                name: platform
                version: 1.0.0
                dependencies:
                  - {name: pyfleet, version: 0.1.0}
                """);
        Files.writeString(parent.resolve("values.yaml"), """
                global: {environment: staging}
                pyfleet: {replicas: 1}
                """);
        copyTree(RenderedChart.CHART, parent.resolve("charts/pyfleet"));
        RenderedChart chart = RenderedChart.parse(new Helm(parent).template().withName("platform")
                .withNamespace("pyfleet-system").call());
        assertThat(chart.deployment(OPERATOR).getSpec().getReplicas()).isEqualTo(1);
    }

    @Test
    void clustersOlderThanTheCrdsCelNeedsAreRefused() {
        assertThatThrownBy(() -> RenderedChart.template().withKubeVersion("v1.28.9").call())
                .hasMessageContaining("kubeVersion");
        for (String supported : List.of("v1.29.0", "v1.34.4", "v1.30.2-eks-1552ad0")) {
            assertThat(RenderedChart.template().withKubeVersion(supported).call()).as(supported)
                    .contains("name: pyfleet-operator");
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
