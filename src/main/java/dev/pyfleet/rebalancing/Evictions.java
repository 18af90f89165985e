package dev.pyfleet.rebalancing;

import java.util.Optional;

import dev.pyfleet.api.v1alpha1.RebalanceStatus.MoveStatus;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The one place a rebalance takes a Pod off its node: the Eviction API, so that every PodDisruptionBudget is
 * honoured, with the planned Pod's uid as a precondition, so that a later Pod of the same name is never evicted.
 */
final class Evictions {

    private final KubernetesClient client;

    Evictions(KubernetesClient client) {
        this.client = client;
    }

    /** Empty once the Pod is evicted or gone; otherwise why it still runs (a budget allows no eviction now). */
    Optional<String> evict(MoveStatus move) {
        Eviction eviction = new EvictionBuilder().withNewMetadata().withName(move.name())
                .withNamespace(move.namespace()).endMetadata()
                .withDeleteOptions(new DeleteOptionsBuilder().withNewPreconditions().withUid(move.uid())
                        .endPreconditions().build())
                .build();
        try {
            boolean evicted = client.pods().inNamespace(move.namespace()).withName(move.name()).evict(eviction);
            return evicted ? Optional.empty()
                    : Optional.of("waiting: a disruption budget of " + move.app() + " allows no eviction now");
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 || e.getCode() == 409) {
                // Gone, or already replaced by a Pod of another uid: nothing left to evict.
                return Optional.empty();
            }
            throw e;
        }
    }
}
