package dev.pyfleet.extender;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.pyfleet.api.v1alpha1.Rebalance;
import dev.pyfleet.api.v1alpha1.RebalanceStatus;
import dev.pyfleet.placement.RankedNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Where a rebalance under way wants an evicted Pod's replacement to land, read from the Rebalances' status: a move
 * in flight names the Pod's app and its planned node, and a rebalance moves one Pod of an app at a time, so the
 * app's next Pod to be scheduled is the replacement. The extender puts that node first when it ranks it. Read from
 * the API server rather than handed over in memory, so that every replica's extender, and one restarted mid-apply,
 * steers the same way.
 */
@ApplicationScoped
public class PlannedMoves {

    private static final Logger LOG = Logger.getLogger(PlannedMoves.class);

    private final KubernetesClient client;
    private volatile Map<String, String> targets = Map.of();
    private SharedIndexInformer<Rebalance> informer;

    PlannedMoves(KubernetesClient client) {
        this.client = client;
    }

    public synchronized void start() {
        if (informer != null) {
            return;
        }
        try {
            informer = client.resources(Rebalance.class).runnableInformer(0);
            informer.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Rebalance rebalance) {
                    refresh();
                }

                @Override
                public void onUpdate(Rebalance before, Rebalance rebalance) {
                    refresh();
                }

                @Override
                public void onDelete(Rebalance rebalance, boolean finalStateUnknown) {
                    refresh();
                }
            });
            // Synced before the controllers start: a replacement Pod made right after a restart must already be
            // steered by the moves in flight.
            informer.run();
        } catch (RuntimeException e) {
            LOG.warnf("rebalances cannot be watched (%s): evicted Pods are placed as any other", e.getMessage());
        }
    }

    public synchronized void stop() {
        if (informer != null) {
            informer.stop();
        }
    }

    /** The node a rebalance under way plans for the next Pod of the app ({@code namespace/name}), if any. */
    Optional<String> nodeFor(String app) {
        return app == null ? Optional.empty() : Optional.ofNullable(targets.get(app));
    }

    private void refresh() {
        targets = targets(informer.getStore().list());
    }

    /** App or pool ({@code namespace/name}) to planned node, for every move in flight (a Pod, or a VM). */
    static Map<String, String> targets(Collection<Rebalance> rebalances) {
        Map<String, String> targets = new HashMap<>();
        for (Rebalance rebalance : rebalances) {
            RebalanceStatus status = rebalance.getStatus();
            if (status == null || status.plan() == null || status.plan().moves() == null) {
                continue;
            }
            status.plan().moves().stream().filter(m -> "InFlight".equals(m.state()))
                    .forEach(m -> targets.put(m.app(), m.to()));
        }
        return Map.copyOf(targets);
    }

    /** The ranking with {@code node} first, if it is ranked at all; the others keep their order. */
    static List<RankedNode> first(List<RankedNode> ranking, String node) {
        Optional<RankedNode> planned = ranking.stream().filter(r -> r.node().equals(node)).findFirst();
        if (planned.isEmpty() || ranking.get(0) == planned.get()) {
            return ranking;
        }
        List<RankedNode> reordered = new java.util.ArrayList<>(ranking.size());
        reordered.add(planned.get());
        ranking.stream().filter(r -> r != planned.get()).forEach(reordered::add);
        return reordered;
    }
}
