package dev.pyfleet.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.marcnuri.helm.Helm;

import dev.pyfleet.testing.RenderedChart;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * The chart rendered without a cluster (helm-java): the operator's disruption budget never blocks a node drain, it
 * refuses clusters older than its CRDs need, and its schema lets a parent chart pass globals. HelmChartIT applies
 * what it renders to a real API server.
 */
class HelmChartRenderTest {

    static final String OPERATOR = "pyfleet-operator";

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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            podDisruptionBudget: {enabled: "yes"}            | enabled
            podDisruptionBudget: {minAvailable: one}         | minAvailable
            podDisruptionBudget: {maxUnavailable: -1}        | maxUnavailable
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
