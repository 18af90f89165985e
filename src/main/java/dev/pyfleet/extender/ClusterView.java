package dev.pyfleet.extender;

import java.time.Clock;
import java.time.Duration;
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
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The extender's own view of the cluster (it is nodeCacheCapable): nodes from an informer, pods from the operator's
 * one Pod cache ({@link ClusterPods}), measured usage
 * from metrics.k8s.io when it is served, and pods the extender placed that are not yet seen bound
 * ({@link AssumedPods}), so that a burst of pods cannot fill a node twice over.
 */
@ApplicationScoped
public class ClusterView implements NodeSource {

    static final Duration USAGE_EVERY = Duration.ofSeconds(15);
    private static final Logger LOG = Logger.getLogger(ClusterView.class);

    private final KubernetesClient client;
    private final ClusterPods clusterPods;
    private final AssumedPods assumed;
    private final PlannedMoves planned;
    private final NodeTotals bound = new NodeTotals();
    private final Map<String, NodeSnapshots.Shape> shapes = new ConcurrentHashMap<>();
    private volatile Map<String, Resources> usage = Map.of();
    private SharedIndexInformer<Node> nodes;
    private ScheduledExecutorService usagePoller;

    ClusterView(KubernetesClient client, ClusterPods clusterPods, PlannedMoves planned) {
        this.client = client;
        this.clusterPods = clusterPods;
        this.planned = planned;
        this.assumed = new AssumedPods(clusterPods::get, this::read, Clock.systemUTC());
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
                assumed.seen(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod pod) {
                bound.put(pod);
                assumed.seen(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                bound.remove(pod);
                assumed.deleted(pod);
            }
        });
        planned.start();
        usagePoller = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "node-usage"));
        usagePoller.scheduleWithFixedDelay(this::pollUsage, 0, USAGE_EVERY.toSeconds(), TimeUnit.SECONDS);
    }

    public synchronized void stop() {
        planned.stop();
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
        Map<String, List<PodRequest>> assumedByNode = assumed.byNode();
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

    @Override
    public boolean synced() {
        return clusterPods.synced();
    }

    /** Every node this view knows, as {@link #snapshot} gives them. */
    public List<NodeSnapshot> snapshotAll() {
        return snapshot(List.copyOf(shapes.keySet()));
    }

    @Override
    public Optional<String> plannedNode(String app) {
        return planned.nodeFor(app);
    }

    /** Counts the pod on the node as {@link AssumedPods} allows, if the node is one this view knows. */
    @Override
    public void assume(String podUid, PodRequest pod, String node) {
        if (shapes.containsKey(node)) {
            assumed.assume(podUid, pod, node);
        }
    }

    /** A Pod read from the API server, for one the Pod cache does not hold yet; empty if it cannot be read. */
    private Optional<Pod> read(String namespace, String name) {
        try {
            return Optional.ofNullable(client.pods().inNamespace(namespace).withName(name).get());
        } catch (KubernetesClientException e) {
            LOG.debugf("pod %s/%s could not be read to assume it: %s", namespace, name, e.getMessage());
            return Optional.empty();
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
