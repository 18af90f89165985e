package dev.pyfleet.rebalancing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pyfleet.api.v1alpha1.Rebalance;
import dev.pyfleet.api.v1alpha1.RebalanceSpec;
import dev.pyfleet.testing.ClusterNamespace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** The API server itself refuses bad Rebalances, naming the field, and fills in the defaults of a minimal one. */
class RebalanceValidationIT {

    @RegisterExtension
    static final ClusterNamespace cluster = ClusterNamespace.named("rebalance-validation");

    static final String VALID = """
            apiVersion: pyfleet.dev/v1alpha1
            kind: Rebalance
            metadata: {name: %s}
            spec:
              scope: {namespaces: [shop]}
            """;

    @Test
    void aMinimalRebalanceOnlyPlansWithSmallDefaults() {
        Rebalance created = create(VALID.formatted("minimal"));
        try {
            RebalanceSpec spec = created.getSpec();
            assertThat(spec.objective()).isEqualTo(RebalanceSpec.Objective.FewestNodes);
            assertThat(spec.action()).as("nothing moves unless asked").isEqualTo(RebalanceSpec.Action.Plan);
            assertThat(spec.maxMoves()).isEqualTo(10);
            assertThat(spec.maxInFlight()).isEqualTo(1);
            assertThat(spec.solverTimeLimitSeconds()).isEqualTo(30);
            assertThat(spec.vmMoves()).as("no VM restarted unless asked")
                    .isEqualTo(RebalanceSpec.VMMoves.LiveMigrate);
        } finally {
            cluster.client().resource(created).delete();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown objective       | objective: Cheapest              | spec.objective: Unsupported value: "Cheapest"
            unknown action          | action: Go                       | spec.action: Unsupported value: "Go"
            negative move budget    | maxMoves: -1                     | spec.maxMoves: Invalid value
            no move in flight       | maxInFlight: 0                   | spec.maxInFlight: Invalid value
            a solver without time   | solverTimeLimitSeconds: 0        | spec.solverTimeLimitSeconds: Invalid value
            an hour of solving      | solverTimeLimitSeconds: 3600     | spec.solverTimeLimitSeconds: Invalid value
            app without namespace   | scope: {apps: [shop]}            | spec.scope.apps[0]: Invalid value
            namespace not a name    | scope: {namespaces: [Shop_1]}    | spec.scope.namespaces[0]: Invalid value
            unknown way to move VMs | vmMoves: Evict                   | spec.vmMoves: Unsupported value: "Evict"
            """)
    void aBadRebalanceIsRefusedNamingTheField(String what, String field, String message) {
        String yaml = VALID.formatted("bad").replace("  scope: {namespaces: [shop]}", "  " + field.strip());
        // Sent as written: the typed model could not even hold an unknown objective.
        assertThatThrownBy(() -> cluster.client().resource(cluster.client().getKubernetesSerialization()
                .unmarshal(yaml, GenericKubernetesResource.class)).create()).as(what)
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains(message);
                });
    }

    private static Rebalance create(String yaml) {
        return cluster.client().resource(cluster.client().getKubernetesSerialization().unmarshal(yaml,
                Rebalance.class)).create();
    }
}
