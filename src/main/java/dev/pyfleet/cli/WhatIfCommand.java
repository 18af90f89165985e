package dev.pyfleet.cli;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.extender.NodeSnapshots;
import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.Resources;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * {@code pyfleet what-if}: where each replica of a PythonApp would land on a live cluster, and why every other node
 * was refused. It only reads (nodes, pods, and node usage where metrics.k8s.io serves it); it changes nothing.
 */
final class WhatIfCommand {

    static final String USAGE = """
            usage: what-if --app APP.yaml [--kubeconfig FILE] [--namespace NS] [--scheduler NAME]
              Prints where each replica of the PythonApp in APP.yaml would be placed, and why other nodes would
              not take it. Reads the cluster of the kubeconfig (default: $KUBECONFIG, then ~/.kube/config).""";

    private WhatIfCommand() {
    }

    static int run(List<String> args) throws Exception {
        Path file = null;
        Path kubeconfig = null;
        String namespace = null;
        String scheduler = "pyfleet-scheduler";
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--app" -> file = Path.of(Cli.value(args, ++i, "--app"));
                case "--kubeconfig" -> kubeconfig = Path.of(Cli.value(args, ++i, "--kubeconfig"));
                case "--namespace", "-n" -> namespace = Cli.value(args, ++i, "--namespace");
                case "--scheduler" -> scheduler = Cli.value(args, ++i, "--scheduler");
                default -> throw new Cli.UsageException("unknown argument " + args.get(i));
            }
        }
        if (file == null) {
            throw new Cli.UsageException("--app is required");
        }
        PythonApp app = readApp(file, namespace);
        try (KubernetesClient client = client(kubeconfig)) {
            System.out.print(WhatIf.placeReplicas(app, scheduler, cluster(client)));
        }
        return 0;
    }

    private static PythonApp readApp(Path file, String namespace) throws Exception {
        PythonApp app;
        try (InputStream in = Files.newInputStream(file)) {
            app = Serialization.unmarshal(in, PythonApp.class);
        }
        if (app == null || app.getSpec() == null || app.getMetadata() == null) {
            throw new IllegalArgumentException(file + " holds no PythonApp with metadata and spec");
        }
        if (namespace != null) {
            app.getMetadata().setNamespace(namespace);
        } else if (app.getMetadata().getNamespace() == null) {
            app.getMetadata().setNamespace("default");
        }
        return app;
    }

    private static KubernetesClient client(Path kubeconfig) throws Exception {
        Config config = kubeconfig == null ? Config.autoConfigure(null)
                : Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Every node with the pods bound to it, and measured usage where it is served. */
    private static List<NodeSnapshot> cluster(KubernetesClient client) {
        Map<String, List<Pod>> podsByNode = new HashMap<>();
        for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
            if (pod.getSpec().getNodeName() != null) {
                podsByNode.computeIfAbsent(pod.getSpec().getNodeName(), n -> new ArrayList<>()).add(pod);
            }
        }
        Map<String, Resources> usage = new HashMap<>();
        try {
            client.top().nodes().metrics().getItems()
                    .forEach(m -> usage.put(m.getMetadata().getName(), NodeSnapshots.usage(m)));
        } catch (RuntimeException e) {
            // metrics.k8s.io is optional; LoadAware then ranks by requests.
        }
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (Node node : client.nodes().list().getItems()) {
            String name = node.getMetadata().getName();
            nodes.add(NodeSnapshots.of(node, podsByNode.getOrDefault(name, List.of()), List.of(),
                    Optional.ofNullable(usage.get(name))));
        }
        return nodes;
    }
}
