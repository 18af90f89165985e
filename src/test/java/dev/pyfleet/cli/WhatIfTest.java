package dev.pyfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.extender.NodeSnapshots;
import dev.pyfleet.placement.NodeSnapshot;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The what-if report: each replica placed in turn, seeing the ones before it, and every refusal explained. */
class WhatIfTest {

    static PythonApp app(String placement, int replicas) {
        return Serialization.unmarshal(new ByteArrayInputStream("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: PythonApp
                metadata: {name: shop, namespace: demo}
                spec:
                  image: ghcr.io/acme/shop:1
                  process: {type: wsgi, module: "shop:app"}
                  replicas: %d
                  resources: {requests: {cpu: "2", memory: 1Gi}}
                  placement: %s
                """.formatted(replicas, placement).getBytes(StandardCharsets.UTF_8)), PythonApp.class);
    }

    static NodeSnapshot node(String name, String cpu, Taint... taints) {
        Node node = new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withTaints(taints).endSpec()
                .withNewStatus().addToAllocatable(Map.of("cpu", new Quantity(cpu), "memory", new Quantity("16Gi"),
                        "pods", new Quantity("110"))).endStatus().build();
        return NodeSnapshots.of(node, List.of(), List.of(), java.util.Optional.empty());
    }

    @Test
    void spreadPutsEachReplicaOnAnotherNodeAndExplainsEveryRefusal() {
        List<NodeSnapshot> cluster = new ArrayList<>(List.of(node("a", "8"), node("b", "8"), node("small", "1"),
                node("tainted", "8", new Taint("NoSchedule", "dedicated", null, "gpu"))));
        String report = WhatIf.placeReplicas(app("{strategy: Spread}", 2), "pyfleet-scheduler", cluster);
        assertThat(report).contains("demo/shop: 2 replica(s) on 4 node(s), nothing changed in the cluster")
                .contains("refused by 1 node(s), InsufficientCpu:\n    small: insufficient cpu: needs 2000m, "
                        + "1000m free of 1000m")
                .contains("refused by 1 node(s), Taint:\n    tainted: untolerated taint dedicated=gpu:NoSchedule");
        String first = report.substring(report.indexOf("replica 0"), report.indexOf("replica 1"));
        String second = report.substring(report.indexOf("replica 1"));
        String firstNode = first.contains("): a —") ? "a" : "b";
        assertThat(first).containsPattern("\\): [ab] — 0 of the app's pods here");
        assertThat(second).as("the second replica sees the first and goes to the other node")
                .contains("): " + ("a".equals(firstNode) ? "b" : "a") + " — 0 of the app's pods here")
                .contains("next best: " + firstNode + " — 1 of the app's pods here");
    }

    @Test
    void aReplicaThatFitsNowhereSaysItWouldStayPending() {
        String report = WhatIf.placeReplicas(app("{strategy: BinPack}", 1), "pyfleet-scheduler",
                List.of(node("small", "1")));
        assertThat(report).contains("replica 0 (2000m cpu, 1024Mi, BinPack): fits on no node; it would stay Pending")
                .contains("small: insufficient cpu");
    }

    @Test
    void anAppOnAVmPoolIsSentToItsPool() {
        PythonApp onPool = app("{strategy: Spread}", 1);
        String yaml = Serialization.asYaml(onPool).replace("spec:\n", "spec:\n  runtime: {type: VMPool, poolRef: "
                + "{name: vms}}\n  python: \"3.12\"\n");
        String report = WhatIf.placeReplicas(Serialization.unmarshal(yaml, PythonApp.class), "pyfleet-scheduler",
                List.of(node("a", "8")));
        assertThat(report).contains("runs on the VMs of its pool");
    }
}
