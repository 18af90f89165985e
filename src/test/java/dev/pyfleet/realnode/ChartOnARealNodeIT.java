package dev.pyfleet.realnode;

import static dev.pyfleet.testing.PythonApps.conditionIs;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;

import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.PythonApps;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * PyFleet installed as a user installs it: {@code helm install} of helm/pyfleet, with its default values, onto a bare
 * cluster (no CRDs, no scheduler of PyFleet's) whose one real node has the operator image built from the project's
 * Dockerfile and the kube-scheduler image the chart names. The operator Pods run that image with in-cluster
 * configuration and the chart's RBAC, become Ready, and one of them holds the Lease; pyfleet-scheduler runs as a Pod
 * with the chart's configuration and calls the extender through the operator's Service; the samples applied
 * afterwards are placed by it and answer HTTP.
 */
class ChartOnARealNodeIT {

    static final String SYSTEM = "pyfleet-system";
    static final String APPS = "examples";
    static final Path CHART = ControlPlane.repoPath("helm/pyfleet");

    @Test
    void theChartRunsPyFleetInClusterAndItsSchedulerPlacesTheSamplesThatThenServe() throws Exception {
        // The operator image comes from the Dockerfile (Maven runs in its build stage): minutes cold, nothing warm.
        CommandResult images = CommandResult.run(List.of("bash", "hack/images.sh", "chart"), ControlPlane.repoPath(""),
                Map.of());
        assertThat(images.exitCode()).as(images.output()).isZero();

        try (ControlPlane cluster = ControlPlane.bareWithRealNode("chart-real");
                KubernetesClient client = cluster.newClient()) {
            cluster.importImages(List.of("operator", "kube-scheduler"));
            for (String ns : List.of(SYSTEM, APPS)) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                        .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build())
                        .create();
            }
            // The real node has this machine's 2 CPUs: the chart's default 200m per operator replica and the
            // samples' requests (1750m) would not fit together, so the operator asks for less.
            Release release = new Helm(CHART).install().withName("pyfleet").withNamespace(SYSTEM)
                    .withKubeConfig(cluster.kubeconfig()).set("resources.requests.cpu", "50m").call();
            assertThat(release.getStatus()).isEqualTo("deployed");

            awaitAvailable(client, cluster, "pyfleet-operator", 2);
            awaitAvailable(client, cluster, "pyfleet-scheduler", 1);
            List<Pod> operators = pods(client, "pyfleet-operator");
            assertThat(operators).hasSize(2).allSatisfy(pod -> {
                assertThat(pod.getSpec().getNodeName()).isEqualTo("real-node-0");
                assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("pyfleet-operator");
                assertThat(pod.getSpec().getContainers().get(0).getImage())
                        .isEqualTo("ghcr.io/pyfleet/pyfleet-operator:0.1.0");
                // In-cluster configuration: the ServiceAccount token and the kubernetes Service, no kubeconfig.
                assertThat(pod.getSpec().getContainers().get(0).getEnv())
                        .noneMatch(env -> env.getName().equals("KUBECONFIG"));
            });
            // The image the node already had ran; nothing was pulled from a registry.
            assertThat(pulled(client, operators.get(0))).contains("already present on machine");
            Pod scheduler = pods(client, "pyfleet-scheduler").get(0);
            assertThat(scheduler.getSpec().getContainers().get(0).getImage())
                    .isEqualTo("registry.k8s.io/kube-scheduler:v1.34.4");
            assertThat(pulled(client, scheduler)).contains("already present on machine");

            // One replica leads: the Lease names one of the operator Pods.
            List<String> operatorNames = operators.stream().map(p -> p.getMetadata().getName()).toList();
            Awaitility.await("an operator Pod holds the Lease").atMost(Duration.ofSeconds(60)).until(() -> {
                Lease lease = client.leases().inNamespace(SYSTEM).withName("pyfleet-operator").get();
                return lease != null && operatorNames.contains(lease.getSpec().getHolderIdentity());
            });

            for (String sample : List.of("hello-wsgi.yaml", "hello-asgi.yaml")) {
                List<HasMetadata> items = client.load(Files.newInputStream(
                        ControlPlane.repoPath("deploy/samples/" + sample))).items();
                items.forEach(item -> client.resource(item).inNamespace(APPS).create());
            }
            PythonApps.await(client, APPS, "hello-wsgi", conditionIs("Ready", "True"), 300);
            PythonApps.await(client, APPS, "hello-asgi", conditionIs("Ready", "True"), 300);
            for (String app : List.of("hello-wsgi", "hello-asgi")) {
                for (Pod pod : PythonApps.pods(client, APPS, app)) {
                    assertThat(pod.getSpec().getSchedulerName()).isEqualTo("pyfleet-scheduler");
                    assertThat(scheduledBy(client, pod)).as("who placed %s", pod.getMetadata().getName())
                            .isEqualTo("pyfleet-scheduler");
                }
            }
            // pyfleet-scheduler asked the extender (ignorable: it would have placed the Pods without it too), and
            // always the same replica (the Service's ClientIP affinity), whose assumed Pods then count.
            Map<String, Long> calls = new java.util.TreeMap<>();
            operatorNames.forEach(pod -> calls.put(pod, extenderFilterCalls(client, List.of(pod))));
            assertThat(calls.values().stream().mapToLong(Long::longValue).sum())
                    .as("filter calls the operator Pods answered: %s", calls)
                    .isGreaterThanOrEqualTo(PythonApps.pods(client, APPS, "hello-wsgi").size()
                            + PythonApps.pods(client, APPS, "hello-asgi").size());
            assertThat(calls.values()).as("filter calls per operator Pod").filteredOn(n -> n > 0).hasSize(1);

            assertThat(cluster.getThroughService(client, APPS, "hello-wsgi", "/")).isEqualTo("Hello, World!\n");
            assertThat(cluster.getThroughService(client, APPS, "hello-asgi", "/"))
                    .isEqualTo("hello-asgi relays: Hello, World!\n");
        }
    }

    private static void awaitAvailable(KubernetesClient client, ControlPlane cluster, String name, int replicas) {
        try {
            client.apps().deployments().inNamespace(SYSTEM).withName(name).waitUntilCondition(
                    d -> d != null && d.getStatus() != null && d.getStatus().getAvailableReplicas() != null
                            && d.getStatus().getAvailableReplicas() == replicas,
                    5, java.util.concurrent.TimeUnit.MINUTES);
        } catch (RuntimeException e) {
            Deployment d = client.apps().deployments().inNamespace(SYSTEM).withName(name).get();
            StringBuilder why = new StringBuilder(name + " never had " + replicas + " available: " + d.getStatus());
            for (Pod pod : pods(client, name)) {
                why.append("\n").append(pod.getMetadata().getName()).append(" ").append(pod.getStatus());
                why.append("\n").append(cluster.kubectl("logs", "-n", SYSTEM, pod.getMetadata().getName(), "--tail=40")
                        .output());
            }
            throw new AssertionError(why.toString(), e);
        }
    }

    private static List<Pod> pods(KubernetesClient client, String deployment) {
        return client.pods().inNamespace(SYSTEM).withLabel("app.kubernetes.io/name", deployment).list().getItems()
                .stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static List<Event> eventsOf(KubernetesClient client, Pod pod) {
        return client.v1().events().inNamespace(pod.getMetadata().getNamespace()).list().getItems().stream()
                .filter(e -> pod.getMetadata().getUid().equals(e.getInvolvedObject().getUid())).toList();
    }

    /** The message of the Pod's Pulled event (the kubelet writes one even when the image was already there). */
    private static String pulled(KubernetesClient client, Pod pod) {
        return eventsOf(client, pod).stream().filter(e -> "Pulled".equals(e.getReason())).map(Event::getMessage)
                .findFirst().orElse("no Pulled event");
    }

    /** The scheduler that bound the Pod, from its Scheduled event. */
    private static String scheduledBy(KubernetesClient client, Pod pod) {
        return eventsOf(client, pod).stream().filter(e -> "Scheduled".equals(e.getReason()))
                .map(e -> e.getReportingComponent() != null && !e.getReportingComponent().isEmpty()
                        ? e.getReportingComponent()
                        : e.getSource().getComponent())
                .findFirst().orElse("no Scheduled event");
    }

    /** Filter requests the extender answered, summed over the operator Pods (read through the API server's proxy). */
    private static long extenderFilterCalls(KubernetesClient client, List<String> operatorPods) {
        Pattern count = Pattern.compile("^pyfleet_extender_request_seconds_count\\{[^}]*verb=\"filter\"[^}]*} (\\S+)$",
                Pattern.MULTILINE);
        long total = 0;
        for (String pod : operatorPods) {
            String metrics = client.raw("/api/v1/namespaces/" + SYSTEM + "/pods/" + pod + ":9000/proxy/q/metrics");
            Matcher m = count.matcher(metrics == null ? "" : metrics);
            while (m.find()) {
                total += (long) Double.parseDouble(m.group(1));
            }
        }
        return total;
    }
}
