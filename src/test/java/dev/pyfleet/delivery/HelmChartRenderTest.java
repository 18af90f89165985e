package dev.pyfleet.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pyfleet.testing.RenderedChart;

/**
 * The chart rendered without a cluster (helm-java): it refuses clusters older than its CRDs need. HelmChartIT
 * applies what it renders to a real API server.
 */
class HelmChartRenderTest {

    @Test
    void clustersOlderThanTheCrdsCelNeedsAreRefused() {
        assertThatThrownBy(() -> RenderedChart.template().withKubeVersion("v1.28.9").call())
                .hasMessageContaining("kubeVersion");
        for (String supported : List.of("v1.29.0", "v1.34.4", "v1.30.2-eks-1552ad0")) {
            assertThat(RenderedChart.template().withKubeVersion(supported).call()).as(supported)
                    .contains("name: pyfleet-operator");
        }
    }
}
