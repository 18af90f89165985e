package dev.pyfleet.pythonapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pyfleet.kube.CachedPods;
import dev.pyfleet.kube.PrunedItemStore;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The controller's Pod cache keeps a projection of each of an app's Pods: rollout planning and the status read the
 * same from it as from the whole Pod, the owner mapping still finds the app, and the rest is gone from the cache.
 */
class PodStateTest {

    static final KubernetesSerialization YAML = new KubernetesSerialization();

    static final Pod OOM_KILLED = YAML.unmarshal("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: shop-5d8c-1
              namespace: demo
              uid: "1111"
              resourceVersion: "42"
              creationTimestamp: "2026-12-01T10:00:00Z"
              labels: {app.kubernetes.io/managed-by: pyfleet, pyfleet.dev/app: shop, pyfleet.dev/revision: 5d8c}
              annotations: {pyfleet.dev/placement-strategy: Balanced}
              ownerReferences: [{apiVersion: pyfleet.dev/v1alpha1, kind: PythonApp, name: shop, uid: app-uid,
                                 controller: true}]
              managedFields: [{manager: kubelet, operation: Update}]
            spec:
              nodeName: node-1
              containers:
              - name: app
                image: shop:1
                env: [{name: A, value: "1"}]
                resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 64Mi}}
                readinessProbe: {httpGet: {path: /healthz, port: 8000}}
              volumes: [{name: tmp, emptyDir: {}}]
            status:
              phase: Running
              podIP: 10.244.1.7
              conditions:
              - {type: PodScheduled, status: "True", lastTransitionTime: "2026-12-01T10:00:01Z"}
              - {type: Ready, status: "False", lastTransitionTime: "2026-12-01T10:01:00Z"}
              containerStatuses:
              - name: app
                ready: false
                restartCount: 4
                image: shop:1
                imageID: sha256:abc
                state: {waiting: {reason: CrashLoopBackOff, message: back-off 40s}}
                lastState: {terminated: {exitCode: 137, reason: OOMKilled}}
            """, Pod.class);

    static final Pod READY_AND_GOING = YAML.unmarshal("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: shop-5d8c-0
              namespace: demo
              resourceVersion: "43"
              creationTimestamp: "2026-12-01T09:00:00Z"
              deletionTimestamp: "2026-12-01T11:00:00Z"
              labels: {app.kubernetes.io/managed-by: pyfleet, pyfleet.dev/app: shop, pyfleet.dev/revision: 5d8c}
            spec:
              containers: [{name: app, image: shop:1}]
            status:
              phase: Running
              conditions: [{type: Ready, status: "True", lastTransitionTime: "2026-12-01T09:00:30Z"}]
              containerStatuses: [{name: app, ready: true, restartCount: 0, state: {running: {}}}]
            """, Pod.class);

    static final Pod NEW = YAML.unmarshal("""
            apiVersion: v1
            kind: Pod
            metadata: {name: shop-5d8c-2, namespace: demo, resourceVersion: "44"}
            """, Pod.class);

    static final Pod UNSCHEDULABLE = YAML.unmarshal("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: shop-5d8c-3
              namespace: demo
              resourceVersion: "45"
              labels: {app.kubernetes.io/managed-by: pyfleet, pyfleet.dev/app: shop, pyfleet.dev/revision: 5d8c,
                       pyfleet.dev/slot: "3"}
            spec:
              containers: [{name: app, image: shop:1}]
              volumes: [{name: replica, persistentVolumeClaim: {claimName: shop-replica-3}}]
            status:
              phase: Pending
              conditions:
              - {type: PodScheduled, status: "False", reason: Unschedulable, lastTransitionTime: "2026-12-01T10:00:01Z",
                 message: "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. "}
            """, Pod.class);

    @Test
    void planningAndStatusReadTheSameFromTheCachedPodAsFromTheWholeOne() {
        assertThat(PodState.of(CachedPods.of(UNSCHEDULABLE))).extracting(PodState::slot, PodState::unschedulable)
                .containsExactly(3, "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.");
        assertThat(PodState.of(OOM_KILLED).unschedulable()).as("scheduled").isNull();
        for (Pod pod : List.of(OOM_KILLED, READY_AND_GOING, NEW, UNSCHEDULABLE)) {
            assertThat(PodState.of(CachedPods.of(pod))).as(pod.getMetadata().getName())
                    .isEqualTo(PodState.of(pod));
        }
        assertThat(PodState.of(CachedPods.of(OOM_KILLED)).trouble().message())
                .as("the OOM kill still names the memory limit").contains("64Mi");
        assertThat(PodState.of(CachedPods.of(READY_AND_GOING))).extracting(PodState::ready, PodState::terminating)
                .containsExactly(true, true);
    }

    @Test
    void theCachedPodStillNamesItsAppAndVersion() {
        Pod kept = CachedPods.of(OOM_KILLED);
        assertThat(kept.getMetadata().getOwnerReferences()).isEqualTo(OOM_KILLED.getMetadata().getOwnerReferences());
        assertThat(kept.getMetadata().getLabels()).isEqualTo(OOM_KILLED.getMetadata().getLabels());
        assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(kept.getMetadata().getUid()).isEqualTo("1111");
    }

    @Test
    void whatNeitherTheControllerNorPlacementReadsIsDroppedFromTheCacheOnly() {
        PrunedItemStore<Pod> store = new PrunedItemStore<>(CachedPods::of);
        store.put("demo/shop-5d8c-1", OOM_KILLED);
        Pod cached = store.get("demo/shop-5d8c-1");
        assertThat(cached.getSpec().getVolumes()).isEmpty();
        assertThat(cached.getSpec().getContainers().get(0).getEnv()).isEmpty();
        assertThat(cached.getSpec().getContainers().get(0).getReadinessProbe()).isNull();
        assertThat(cached.getStatus().getConditions()).extracting(c -> c.getType()).containsExactly("Ready");
        assertThat(cached.getStatus().getPodIP()).isNull();
        assertThat(cached.getMetadata().getManagedFields()).isEmpty();
        assertThat(OOM_KILLED.getSpec().getVolumes()).as("the informer's own object").hasSize(1);
        assertThat(YAML.asJson(cached).length()).isLessThan(YAML.asJson(OOM_KILLED).length());
    }
}
