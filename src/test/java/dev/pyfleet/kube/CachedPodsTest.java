package dev.pyfleet.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The Pod cache holds thousands of Pods that repeat the same namespaces, labels, owners, nodes and quantities: the
 * projection keeps one String per repeated value, however many Pods decoded it, in compact read-only maps, and keeps
 * the values themselves.
 */
class CachedPodsTest {

    static final KubernetesSerialization JSON = new KubernetesSerialization();

    static Pod replica(int ordinal) {
        // Each call decodes anew, as the informer does for every event: equal values, distinct String objects.
        return JSON.unmarshal("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: shop-5d8c-%d
                  namespace: demo
                  uid: uid-%d
                  resourceVersion: "4%d"
                  labels: {app.kubernetes.io/managed-by: pyfleet, pyfleet.dev/app: shop, pyfleet.dev/revision: 5d8c}
                  annotations: {pyfleet.dev/placement-strategy: Spread}
                  ownerReferences: [{apiVersion: pyfleet.dev/v1alpha1, kind: PythonApp, name: shop, uid: app-uid,
                                     controller: true}]
                spec:
                  nodeName: node-1
                  nodeSelector: {disk: ssd}
                  tolerations: [{key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute,
                                 tolerationSeconds: 300}]
                  containers:
                  - {name: app, image: shop:1, resources: {requests: {cpu: 500m, memory: 512Mi}, limits: {memory: 1Gi}}}
                status:
                  phase: Running
                  conditions: [{type: Ready, status: "True", lastTransitionTime: "2026-12-01T09:00:30Z"}]
                """.formatted(ordinal, ordinal, ordinal), Pod.class);
    }

    @Test
    void valuesThatReplicasRepeatAreHeldOnce() {
        Pod first = CachedPods.of(replica(0));
        Pod second = CachedPods.of(replica(1));

        assertThat(second.getMetadata().getNamespace()).isSameAs(first.getMetadata().getNamespace());
        assertThat(second.getMetadata().getLabels().get(Labels.APP))
                .isSameAs(first.getMetadata().getLabels().get(Labels.APP));
        assertThat(second.getMetadata().getOwnerReferences().get(0).getUid())
                .isSameAs(first.getMetadata().getOwnerReferences().get(0).getUid());
        assertThat(second.getSpec().getNodeName()).isSameAs(first.getSpec().getNodeName());
        assertThat(second.getSpec().getTolerations().get(0).getKey())
                .isSameAs(first.getSpec().getTolerations().get(0).getKey());
        assertThat(second.getSpec().getContainers().get(0).getResources().getRequests().get("memory").getFormat())
                .isSameAs(first.getSpec().getContainers().get(0).getResources().getRequests().get("memory")
                        .getFormat());
        assertThat(second.getStatus().getPhase()).isSameAs(first.getStatus().getPhase());
    }

    @Test
    void mapsAreKeptCompactAndReadOnly() {
        Pod kept = CachedPods.of(replica(3));

        assertThatThrownBy(() -> kept.getMetadata().getLabels().put("team", "a"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> kept.getMetadata().getAnnotations().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> kept.getSpec().getNodeSelector().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> kept.getSpec().getContainers().get(0).getResources().getRequests().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void whatIsSharedIsStillWhatThePodSaid() {
        Pod whole = replica(2);
        Pod kept = CachedPods.of(whole);

        assertThat(kept.getMetadata().getLabels()).isEqualTo(whole.getMetadata().getLabels());
        assertThat(kept.getMetadata().getAnnotations()).isEqualTo(whole.getMetadata().getAnnotations());
        assertThat(kept.getMetadata().getOwnerReferences()).isEqualTo(whole.getMetadata().getOwnerReferences());
        assertThat(kept.getSpec().getNodeSelector()).isEqualTo(whole.getSpec().getNodeSelector());
        assertThat(kept.getSpec().getTolerations()).isEqualTo(whole.getSpec().getTolerations());
        assertThat(kept.getSpec().getContainers().get(0).getResources())
                .isEqualTo(whole.getSpec().getContainers().get(0).getResources());
        assertThat(kept.getStatus().getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-12-01T09:00:30Z");
        });
        assertThat(kept.getMetadata().getName()).isEqualTo("shop-5d8c-2");
    }

    @Test
    void aPoolVmsLauncherKeepsItsReadyConditionAndOtherPodsNone() {
        Pod launcher = replica(0);
        launcher.getMetadata().setLabels(Labels.ofPool("vms"));
        Pod other = replica(1);
        other.getMetadata().setLabels(java.util.Map.of("app", "other"));

        assertThat(CachedPods.of(launcher).getStatus().getConditions()).as("a rebalance reads it")
                .singleElement().satisfies(c -> assertThat(c.getType()).isEqualTo("Ready"));
        assertThat(CachedPods.of(launcher).getStatus().getContainerStatuses()).isNullOrEmpty();
        assertThat(CachedPods.of(other).getStatus().getConditions()).isNullOrEmpty();
        assertThat(CachedPods.of(other).getStatus().getPhase()).isEqualTo("Running");
    }

    /** An app's Pod the scheduler finds no node for keeps why, read from the cache into the app's status. */
    @Test
    void anAppsPodKeepsWhyItCannotBeScheduledAndOtherPodsDoNot() {
        Pod pending = replica(3);
        pending.getSpec().setNodeName(null);
        pending.getStatus().setPhase("Pending");
        pending.getStatus().setConditions(List.of(new PodConditionBuilder().withType("PodScheduled")
                .withStatus("False").withReason("Unschedulable").withMessage("0/3 nodes are available: pod has "
                        + "unbound immediate PersistentVolumeClaims.").build(), new PodConditionBuilder()
                .withType("Initialized").withStatus("True").build()));
        assertThat(CachedPods.of(pending).getStatus().getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("PodScheduled");
            assertThat(c.getMessage()).contains("unbound immediate PersistentVolumeClaims");
        });
        Pod launcher = replica(4);
        launcher.getMetadata().setLabels(Labels.ofPool("vms"));
        launcher.getStatus().setConditions(pending.getStatus().getConditions());
        assertThat(CachedPods.of(launcher).getStatus().getConditions()).as("only an app's Pods need it")
                .isNullOrEmpty();
        assertThat(CachedPods.of(replica(5)).getStatus().getConditions()).singleElement()
                .satisfies(c -> assertThat(c.getReason()).as("a Ready condition keeps no reason").isNull());
    }
}
