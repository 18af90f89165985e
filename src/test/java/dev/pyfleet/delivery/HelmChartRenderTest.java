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

import com.marcnuri.helm.Helm;

import dev.pyfleet.testing.RenderedChart;

/**
 * The chart rendered without a cluster (helm-java): it refuses clusters older than its CRDs need, and its schema
 * lets a parent chart pass globals. HelmChartIT applies what it renders to a real API server.
 */
class HelmChartRenderTest {

    static final String OPERATOR = "pyfleet-operator";

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
