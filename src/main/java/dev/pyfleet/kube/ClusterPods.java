package dev.pyfleet.kube;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * PyFleet's one cache of the cluster's Pods, as readers other than its owner see it. The PythonApp controller's Pod
 * event source is the cache (every Pod of the cluster, as {@link CachedPods} keeps it); the extender follows each
 * change it stores, to keep per-node totals, and looks Pods up in it by name. Each Pod is thus listed, watched,
 * decoded and held once. The SDK starts event sources on every replica, leader or not, so a standby's extender is
 * served too.
 */
@ApplicationScoped
public class ClusterPods {

    private static final Logger LOG = Logger.getLogger(ClusterPods.class);

    private final List<ResourceEventHandler<Pod>> followers = new CopyOnWriteArrayList<>();
    private volatile InformerEventSource<Pod, ?> cache;

    /** {@code follower} is told of every Pod the cache stores, changes or drops, after the cache has it. */
    public void follow(ResourceEventHandler<Pod> follower) {
        followers.add(follower);
    }

    /**
     * The cache holds every Pod of the cluster: its first list is in. Until then it knows none, and what is decided
     * on it (a node's load, a plan) would be decided on an empty cluster.
     */
    public boolean synced() {
        InformerEventSource<Pod, ?> source = cache;
        return source != null && source.isRunning();
    }

    /** The Pod as the cache has it (a projection, see {@link CachedPods}), or empty before it is {@link #synced}. */
    public Optional<Pod> get(String namespace, String name) {
        InformerEventSource<Pod, ?> source = cache;
        return source == null || !source.isRunning() ? Optional.empty() : source.get(new ResourceID(name, namespace));
    }

    /**
     * Every Pod the cache holds that {@code keep} accepts (projections, see {@link CachedPods}); none before it is
     * {@link #synced}.
     */
    public List<Pod> list(java.util.function.Predicate<Pod> keep) {
        InformerEventSource<Pod, ?> source = cache;
        return source == null || !source.isRunning() ? List.of() : source.list(keep).toList();
    }

    /**
     * The event source that is the cache, for the controller that owns it: every namespace, every Pod, stored as
     * {@link CachedPods} keeps it. The configuration decides which Pods wake which primaries.
     */
    public <P extends HasMetadata> InformerEventSource<Pod, P> eventSource(
            InformerEventSourceConfiguration.Builder<Pod> configuration, EventSourceContext<P> context) {
        var source = new Followed<P>(configuration.withWatchAllNamespaces()
                .withFollowControllerNamespacesChanges(false)
                .withItemStore(new PrunedItemStore<>(CachedPods::of)).build(), context);
        cache = source;
        return source;
    }

    /** The SDK's informer event source, telling the followers of each event once the SDK has handled it. */
    private final class Followed<P extends HasMetadata> extends InformerEventSource<Pod, P> {

        Followed(InformerEventSourceConfiguration<Pod> configuration, EventSourceContext<P> context) {
            super(configuration, context);
        }

        @Override
        public void onAdd(Pod pod) {
            super.onAdd(pod);
            tell(follower -> follower.onAdd(pod), pod);
        }

        @Override
        public void onUpdate(Pod before, Pod pod) {
            super.onUpdate(before, pod);
            tell(follower -> follower.onUpdate(before, pod), pod);
        }

        @Override
        public void onDelete(Pod pod, boolean finalStateUnknown) {
            super.onDelete(pod, finalStateUnknown);
            tell(follower -> follower.onDelete(pod, finalStateUnknown), pod);
        }

        /** A follower's failure is its own: the controller's events still flow. */
        private void tell(Consumer<ResourceEventHandler<Pod>> event, Pod pod) {
            for (ResourceEventHandler<Pod> follower : followers) {
                try {
                    event.accept(follower);
                } catch (RuntimeException e) {
                    LOG.warnf(e, "a follower of the Pod cache failed on %s/%s", pod.getMetadata().getNamespace(),
                            pod.getMetadata().getName());
                }
            }
        }
    }
}
