package dev.pyfleet.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pyfleet.api.v1alpha1.PythonApp;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

class LeanDecodingTest {

    static final KubernetesSerialization LEAN = new KubernetesSerialization(LeanDecoding.forClient(new ObjectMapper()),
            true);
    /** The client as it reads without PyFleet's changes. */
    static final KubernetesSerialization STOCK = new KubernetesSerialization();

    static {
        LEAN.registerKubernetesResource(PythonApp.class);
        STOCK.registerKubernetesResource(PythonApp.class);
    }

    static final String MANAGED = """
            "managedFields": [{"manager": "kube-scheduler", "operation": "Update", "apiVersion": "v1",
              "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:conditions": {".": {}}}}}]""";

    static String pod(String kind) {
        return """
                {"apiVersion": "v1", "kind": "%s", "metadata": {"name": "shop-0", "namespace": "shop",
                  "labels": {"pyfleet.dev/app": "shop"}, "resourceVersion": "42", %s},
                 "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "shop:1",
                  "resources": {"requests": {"cpu": "100m"}}}]},
                 "status": {"phase": "Running"}}""".formatted(kind, MANAGED);
    }

    @Test
    void podsAndNodesAreReadWithoutManagedFieldsAndAllElse() {
        Pod pod = LEAN.unmarshal(pod("Pod"), Pod.class);
        assertThat(pod.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(pod.getMetadata().getName()).isEqualTo("shop-0");
        assertThat(pod.getMetadata().getLabels()).containsEntry("pyfleet.dev/app", "shop");
        assertThat(pod.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(pod.getSpec().getNodeName()).isEqualTo("node-1");
        assertThat(pod.getSpec().getContainers().get(0).getResources().getRequests().get("cpu").toString())
                .isEqualTo("100m");
        assertThat(pod.getStatus().getPhase()).isEqualTo("Running");

        Node node = LEAN.unmarshal("""
                {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1", %s},
                 "status": {"allocatable": {"cpu": "32"}}}""".formatted(MANAGED), Node.class);
        assertThat(node.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(node.getStatus().getAllocatable().get("cpu").toString()).isEqualTo("32");
    }

    /** The informers read watch events, whose object is typed by its kind: the same holds there. */
    @Test
    void watchEventsAndUntypedReadsDropThemToo() {
        WatchEvent event = LEAN.unmarshal("{\"type\": \"MODIFIED\", \"object\": " + pod("Pod") + "}",
                WatchEvent.class);
        assertThat(event.getObject()).isInstanceOf(Pod.class);
        assertThat(((Pod) event.getObject()).getMetadata().getManagedFields()).isNullOrEmpty();
        HasMetadata untyped = LEAN.unmarshal(pod("Pod"));
        assertThat(untyped).isInstanceOf(Pod.class);
        assertThat(untyped.getMetadata().getManagedFields()).isNullOrEmpty();
    }

    /** Kinds PyFleet may server-side apply keep them: the SDK's apply matching reads them. */
    @Test
    void otherKindsKeepTheirManagedFields() {
        ConfigMap map = LEAN.unmarshal("""
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", %s}}"""
                .formatted(MANAGED), ConfigMap.class);
        assertThat(map.getMetadata().getManagedFields()).extracting(f -> f.getManager())
                .isEqualTo(List.of("kube-scheduler"));
    }

    /** A Pod written by the operator is written whole. */
    @Test
    void writingAPodIsUnchanged() {
        Pod pod = LEAN.unmarshal(pod("Pod"), Pod.class);
        assertThat(LEAN.asJson(pod)).isEqualTo(new KubernetesSerialization().asJson(pod)).contains("\"nodeName\"",
                "\"pyfleet.dev/app\"", "\"100m\"");
    }

    /**
     * A watch event's object comes out as the client's own reader makes it, whatever its shape: the usual one (kind
     * and apiVersion first, built-in or custom), those fields later or missing, a kind nobody registered, a Status.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"y\"}},\"spec\":{\"nodeName\":\"n\"},\"status\":{\"phase\":\"Running\"}}",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"k\":\"v\"},\"extra\":[1,{\"a\":null}]}",
        "{\"apiVersion\":\"pyfleet.dev/v1alpha1\",\"kind\":\"PythonApp\",\"metadata\":{\"name\":\"shop\",\"generation\":3},\"spec\":{\"image\":\"shop:1\",\"replicas\":2},\"status\":{\"readyReplicas\":1}}",
        "{\"metadata\":{\"name\":\"late\"},\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"data\":{\"k\":\"v\"}}",
        "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"between\"},\"apiVersion\":\"v1\"}",
        "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"no-version\"}}",
        "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},\"spec\":{\"size\":3}}",
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version\",\"reason\":\"Expired\",\"code\":410}",
        "{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}",
        "{}"
    })
    void aWatchedObjectIsReadAsTheClientReadsIt(String object) {
        String event = "{\"type\":\"ADDED\",\"object\":" + object + "}";
        Object lean = LEAN.unmarshal(event, WatchEvent.class).getObject();
        Object stock = STOCK.unmarshal(event, WatchEvent.class).getObject();
        assertThat(lean).isNotNull().hasSameClassAs(stock);
        assertThat(LEAN.asJson(lean)).isEqualTo(STOCK.asJson(stock));
        if (object.contains("Widget")) {
            assertThat(lean).isInstanceOf(GenericKubernetesResource.class);
        }
    }
}
