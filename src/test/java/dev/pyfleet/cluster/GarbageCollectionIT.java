package dev.pyfleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.pyfleet.testing.ClusterNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Owned objects disappear with their owner: PyFleet relies on this for everything it creates. */
class GarbageCollectionIT {

    @RegisterExtension
    static final ClusterNamespace cluster = ClusterNamespace.named("gc");

    @Test
    void deletingTheOwnerMakesTheGarbageCollectorDeleteTheDependent() {
        var configMaps = cluster.client().configMaps().inNamespace(cluster.namespace());
        ConfigMap owner = configMaps.resource(new ConfigMapBuilder().withNewMetadata().withName("owner").endMetadata()
                .withData(Map.of("role", "owner")).build()).create();
        configMaps.resource(new ConfigMapBuilder().withNewMetadata().withName("dependent")
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
                        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).build())
                .endMetadata().withData(Map.of("role", "dependent")).build()).create();

        configMaps.withName("owner").withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();

        Awaitility.await("garbage collection of the dependent ConfigMap").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> configMaps.withName("dependent").get() == null);
        assertThat(configMaps.withName("owner").get()).isNull();
    }
}
