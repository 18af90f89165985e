package dev.pyfleet.extender;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.pyfleet.kube.ClusterPods;
import dev.pyfleet.kube.PrunedItemStore;
import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PodRequest;
import dev.pyfleet.placement.Resources;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The extender's own view of the cluster (it is nodeCacheCapable): nodes from an informer, pods from the operator's
 * one Pod cache ({@link ClusterPods}), measured usage
 * from metrics.k8s.io when it is served, and pods the extender placed that are not yet seen bound ("assumed"), so
 * that a burst of pods cannot fill a node twice over.
 */
@ApplicationScoped
public class ClusterView implements NodeSource {

    static final Duration ASSUME_FOR = Duration.ofSeconds(30);
    static final Duration USAGE_EVERY = Duration.ofSeconds(15);
    private static final Logger LOG = Logger.getLogger(ClusterView.class);

    private final KubernetesClient client;
    private final ClusterPods clusterPods;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Assumed> assumed = new ConcurrentHashMap<>();
    private final NodeTotals bound = new NodeTotals();
    private final Map<String, NodeSnapshots.Shape> shapes = new ConcurrentHashMap<>();
    private volatile Map<String, Resources> usage = Map.of();
    private SharedIndexInformer<Node> nodes;
    private ScheduledExecutorService usagePoller;

    /** A pod placed on a node by this extender and not yet seen bound there. */
    record Assumed(String node, PodRequest pod, Instant until) {
    }

    ClusterView(KubernetesClient client, ClusterPods clusterPods) {
        this.client = client;
        this.clusterPods = clusterPods;
    }

    public synchronized void start() {
        if (nodes != null) {
            return;
        }
        // Every Node of the cluster is cached here: only the fields placement reads (CachedShapes).
        nodes = client.nodes().runnableInformer(0).itemStore(new PrunedItemStore<>(CachedShapes::node));
        // Each node's allocatable is parsed once per change of the node, not once per request.
        nodes.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                shapes.put(node.getMetadata().getName(), NodeSnapshots.Shape.of(node));
            }

            @Override
            public void onUpdate(Node before, Node node) {
                shapes.put(node.getMetadata().getName(), NodeSnapshots.Shape.of(node));
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                shapes.remove(node.getMetadata().getName());
            }
        });
        nodes.run();
        // Pods come from the operator's one Pod cache, which the PythonApp controller's event source fills.
        clusterPods.follow(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                bound.put(pod);
                forgetIfBound(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod pod) {
                bound.put(pod);
                forgetIfBound(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                bound.remove(pod);
                assumed.remove(pod.getMetadata().getUid());
            }
        });
        usagePoller = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "node-usage"));
        usagePoller.scheduleWithFixedDelay(this::pollUsage, 0, USAGE_EVERY.toSeconds(), TimeUnit.SECONDS);
    }

    public synchronized void stop() {
        if (usagePoller != null) {
            usagePoller.shutdownNow();
        }
        if (nodes != null) {
            nodes.stop();
        }
    }

    /** Snapshots of the named nodes that exist; bound and assumed pods count towards what they have requested. */
    @Override
    public List<NodeSnapshot> snapshot(Collection<String> names) {
        Instant now = clock.instant();
        assumed.values().removeIf(a -> a.until().isBefore(now));
        Map<String, List<PodRequest>> assumedByNode = new HashMap<>();
        assumed.values().forEach(a -> assumedByNode.computeIfAbsent(a.node(), n -> new ArrayList<>()).add(a.pod()));
        List<NodeSnapshot> snapshots = new ArrayList<>(names.size());
        for (String name : names) {
            NodeSnapshots.Shape node = shapes.get(name);
            if (node != null) {
                snapshots.add(NodeSnapshots.of(node, bound.of(name), assumedByNode.getOrDefault(name, List.of()),
                        Optional.ofNullable(usage.get(name))));
            }
        }
        return snapshots;
    }

    /**
     * Counts the pod on the node until the pod is seen bound (anywhere) or {@link #ASSUME_FOR} passes; only a pod
     * this view's informer holds, PyFleet's, still pending and not going away, with the uid given, and at its size
     * as the informer has it. Whoever can reach the extender may send any pod: a made-up one changes nothing here,
     * and there are never more assumed pods than pending PyFleet pods.
     */
    @Override
    public void assume(String podUid, PodRequest pod, String node) {
        Pod known = clusterPods.get(pod.namespace(), pod.name()).orElse(null);
        if (podUid == null || known == null || !podUid.equals(known.getMetadata().getUid())
                || known.getSpec().getNodeName() != null || known.getMetadata().getDeletionTimestamp() != null
                || !PodRequests.isPyFleets(known) || !shapes.containsKey(node)) {
            return;
        }
        assumed.put(podUid, new Assumed(node, PodRequests.of(known), clock.instant().plus(ASSUME_FOR)));
    }

    private void forgetIfBound(Pod pod) {
        if (pod.getSpec().getNodeName() != null) {
            assumed.remove(pod.getMetadata().getUid());
        }
    }

    /** metrics.k8s.io is optional: where it is not served, LoadAware falls back to requests. */
    private void pollUsage() {
        try {
            Map<String, Resources> measured = new HashMap<>();
            client.top().nodes().metrics().getItems()
                    .forEach(m -> measured.put(m.getMetadata().getName(), NodeSnapshots.usage(m)));
            usage = Map.copyOf(measured);
        } catch (RuntimeException e) {
            if (!usage.isEmpty()) {
                LOG.infof("node usage from metrics.k8s.io is no longer available (%s); using requests",
                        e.getMessage());
            }
            usage = Map.of();
        }
    }
}
