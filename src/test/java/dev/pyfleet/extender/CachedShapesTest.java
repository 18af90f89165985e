package dev.pyfleet.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pyfleet.kube.CachedPods;
import dev.pyfleet.kube.PrunedItemStore;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The extender's caches keep a projection of every Pod and Node: placement reads the same from it as from the whole
 * object, and what it drops (environment, volumes, statuses, images) is gone from the cache, not from the object
 * the informer's handlers see.
 */
class CachedShapesTest {

    static final KubernetesSerialization YAML = new KubernetesSerialization();

    static final Pod LAUNCHER = YAML.unmarshal("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: virt-launcher-vms-0-abcde
              namespace: demo
              uid: 1111
              resourceVersion: "42"
              labels: {app.kubernetes.io/managed-by: pyfleet, pyfleet.dev/pool: vms, kubevirt.io: virt-launcher}
              annotations: {pyfleet.dev/guest-cpu: "2", pyfleet.dev/guest-memory: 4Gi,
                            pyfleet.dev/placement-strategy: BinPack, kubectl.kubernetes.io/last-applied: "{}"}
              ownerReferences: [{apiVersion: kubevirt.io/v1, kind: VirtualMachineInstance, name: vms-0, uid: u,
                                 controller: true}]
              managedFields: [{manager: virt-controller, operation: Update}]
            spec:
              nodeName: node-1
              tolerations: [{key: dedicated, operator: Equal, value: vms, effect: NoSchedule}]
              nodeSelector: {kubevirt.io/schedulable: "true"}
              overhead: {cpu: 100m, memory: 200Mi}
              initContainers:
              - {name: init, image: x, resources: {requests: {cpu: "3", memory: 1Gi}}}
              containers:
              - name: compute
                image: quay.io/kubevirt/virt-launcher:v1
                env: [{name: A, value: "1"}, {name: B, value: "2"}]
                volumeMounts: [{name: disk, mountPath: /var/run/kubevirt}]
                resources: {requests: {cpu: 100m, memory: 300Mi}, limits: {memory: 1Gi}}
              volumes: [{name: disk, emptyDir: {}}]
            status:
              phase: Running
              podIP: 10.244.1.7
              conditions: [{type: PodScheduled, status: "True"}, {type: Ready, status: "True"}]
              containerStatuses: [{name: compute, ready: true, restartCount: 0, image: x, imageID: y}]
            """, Pod.class);

    static final Node NODE = YAML.unmarshal("""
            apiVersion: v1
            kind: Node
            metadata:
              name: node-1
              uid: 2222
              resourceVersion: "7"
              labels: {topology.kubernetes.io/zone: a}
              managedFields: [{manager: kubelet, operation: Update}]
            spec:
              unschedulable: true
              taints: [{key: dedicated, value: vms, effect: NoSchedule}]
            status:
              allocatable: {cpu: "16", memory: 64Gi, pods: "110", nvidia.com/gpu: "2", ephemeral-storage: 100Gi}
              capacity: {cpu: "16", memory: 64Gi}
              images: [{names: [quay.io/kubevirt/virt-launcher:v1], sizeBytes: 400000000}]
              conditions: [{type: Ready, status: "True"}]
            """, Node.class);

    @Test
    void placementReadsTheSameFromAProjectedPodAsFromTheWholeOne() {
        Pod kept = CachedPods.of(LAUNCHER);
        assertThat(PodRequests.isPyFleets(kept)).isEqualTo(PodRequests.isPyFleets(LAUNCHER)).isTrue();
        assertThat(PodRequests.isLauncherOfAPoolVm(kept)).isTrue();
        assertThat(PodRequests.of(kept)).isEqualTo(PodRequests.of(LAUNCHER));
        assertThat(NodeTotals.Share.of(kept)).isEqualTo(NodeTotals.Share.of(LAUNCHER));
        assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(kept.getMetadata().getUid()).isEqualTo("1111");
    }

    @Test
    void placementReadsTheSameFromAProjectedNodeAsFromTheWholeOne() {
        Node kept = CachedShapes.node(NODE);
        assertThat(NodeSnapshots.of(kept, List.<Pod>of(), List.of(), Optional.empty()))
                .isEqualTo(NodeSnapshots.of(NODE, List.<Pod>of(), List.of(), Optional.empty()));
        assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("7");
        assertThat(NodeSnapshots.of(kept, List.<Pod>of(), List.of(), Optional.empty()).allocatable().ephemeralBytes())
                .as("the node's local disk for Pods").isEqualTo(100L << 30);
    }

    @Test
    void whatPlacementDoesNotReadIsDroppedFromTheCacheOnly() {
        PrunedItemStore<Pod> pods = new PrunedItemStore<>(CachedPods::of);
        pods.put("demo/virt-launcher-vms-0-abcde", LAUNCHER);
        Pod cached = pods.get("demo/virt-launcher-vms-0-abcde");
        assertThat(cached.getSpec().getVolumes()).isEmpty();
        assertThat(cached.getSpec().getContainers().get(0).getEnv()).isEmpty();
        assertThat(cached.getStatus().getContainerStatuses()).as("a launcher is not an app's Pod").isEmpty();
        assertThat(cached.getStatus().getConditions()).as("only Ready, which a rebalance reads").singleElement()
                .satisfies(c -> assertThat(c.getType()).isEqualTo("Ready"));
        assertThat(cached.getMetadata().getManagedFields()).isEmpty();
        assertThat(LAUNCHER.getSpec().getVolumes()).as("the informer's own object").hasSize(1);
        assertThat(YAML.asJson(cached).length()).isLessThan(YAML.asJson(LAUNCHER).length());

        PrunedItemStore<Node> nodes = new PrunedItemStore<>(CachedShapes::node);
        nodes.put("node-1", NODE);
        assertThat(nodes.get("node-1").getStatus().getImages()).isEmpty();
        assertThat(nodes.get("node-1").getStatus().getConditions()).isEmpty();
    }
}
