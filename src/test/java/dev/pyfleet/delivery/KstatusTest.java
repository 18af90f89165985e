package dev.pyfleet.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.pyfleet.testing.Kstatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The wiring of the kstatus tool: a hand-made object in, cli-utils' verdict out. */
class KstatusTest {

    @Test
    void reconcilingTrueIsInProgress() {
        assertThat(Kstatus.of(app(2, 2, "{type: Reconciling, status: 'True', reason: Rollout, message: rolling}")))
                .isEqualTo(new Kstatus("InProgress", "rolling"));
    }

    @Test
    void stalledTrueIsFailed() {
        assertThat(Kstatus.of(app(2, 2, "{type: Stalled, status: 'True', reason: Stuck, message: no progress}")))
                .isEqualTo(new Kstatus("Failed", "no progress"));
    }

    @Test
    void readyWithTheLatestGenerationObservedIsCurrent() {
        assertThat(Kstatus.of(app(2, 2, "{type: Ready, status: 'True', reason: Done, message: all good}")).status())
                .isEqualTo("Current");
    }

    @Test
    void anOlderObservedGenerationIsInProgress() {
        assertThat(Kstatus.of(app(3, 2, "{type: Ready, status: 'True', reason: Done, message: all good}")).status())
                .isEqualTo("InProgress");
    }

    private static GenericKubernetesResource app(int generation, int observed, String condition) {
        return Serialization.unmarshal("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: PythonApp
                metadata: {name: shop, namespace: default, generation: %d}
                spec: {replicas: 1}
                status:
                  observedGeneration: %d
                  conditions: [%s]
                """.formatted(generation, observed, condition), GenericKubernetesResource.class);
    }
}
