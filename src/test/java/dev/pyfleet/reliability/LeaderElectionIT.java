package dev.pyfleet.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Two operator replicas with leader election, as the chart runs them. Only the Lease holder writes; the standby
 * answers the scheduler extender all along; when the leader is killed the standby takes over within the Lease's
 * duration plus a retry, and the API server's audit log shows the two never wrote in between each other. A leader
 * that is alive but paused past its Lease writes nothing once the standby holds it, and exits when it resumes.
 */
class LeaderElectionIT {

    static final Duration LEASE = Duration.ofSeconds(6);
    static final Duration RETRY = Duration.ofSeconds(1);
    /** The elector waits retryPeriod plus up to 1.2 x retryPeriod of jitter between attempts. */
    static final Duration MAX_ATTEMPT_GAP = RETRY.plus(RETRY.multipliedBy(12).dividedBy(10));
    static final int APPS = Chaos.pick(10, 50);

    @Test
    void standbyTakesOverWithinLeaseAndRetryAndTheirWritesNeverInterleave() throws Exception {
        try (ControlPlane cluster = ControlPlane.dedicated("leader", Map.of(), "--audit");
                KubernetesClient client = cluster.newClient()) {
            TestNamespace.create(client, "pyfleet-system");
            TestNamespace.create(client, "demo");
            try (OperatorProcess a = new OperatorProcess(cluster.kubeconfig(), OperatorProcess.freePort(),
                    replica("a"))) {
                awaitHolder(client, "a");
                // The standby starts while the leader brings the fleet up.
                try (OperatorProcess b = new OperatorProcess(cluster.kubeconfig(), OperatorProcess.freePort(),
                        replica("b"))) {
                    List<String> apps = Fleet.createApps(client, "demo", APPS, "1");
                    Fleet.awaitAllReady(client, "demo", Duration.ofSeconds(120));
                    b.awaitReady(Duration.ofSeconds(90));
                    assertThat(holder(client)).isEqualTo("a");
                    assertStandbyExtenderSeesTheCluster(b);
                    // The fleet's gauges come from the leader alone, so sums over replicas count each app once.
                    assertThat(metrics(a))
                            .contains("pyfleet_replicas_desired{kind=\"PythonApp\"} " + 3 * APPS + ".0");
                    assertThat(metrics(b)).doesNotContain("pyfleet_replicas_desired")
                            .contains("pyfleet_extender_request_seconds");

                    // Kill the leader in the middle of a rollout of every app.
                    apps.forEach(app -> Fleet.setImageTag(client, "demo", app, "2"));
                    Thread.sleep(500);
                    a.kill();
                    Instant killed = Instant.now();
                    Awaitility.await("replica b takes the Lease over").atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(100)).until(() -> "b".equals(holder(client)));
                    Instant acquired = lease(client).getSpec().getAcquireTime().toInstant();
                    Duration takeover = Duration.between(killed, acquired);
                    System.out.printf("[chaos] takeover %d ms after the kill (lease %s, retry %s)%n",
                            takeover.toMillis(), LEASE, RETRY);
                    // The killed leader renewed at most a retry before it died; its Lease then runs out, and the
                    // standby tries again within one jittered retry gap. 500 ms of slack for a loaded machine.
                    assertThat(takeover).isLessThanOrEqualTo(LEASE.plus(MAX_ATTEMPT_GAP).plusMillis(500));

                    Fleet.awaitAllReady(client, "demo", Duration.ofSeconds(120));
                    Fleet.assertConvergedAndNothingOrphaned(client, "demo");
                    assertStandbyExtenderSeesTheCluster(b);
                    assertThat(metrics(b)).as("the new leader's gauges")
                            .contains("pyfleet_replicas_desired{kind=\"PythonApp\"} " + 3 * APPS + ".0");

                    List<Write> writes = writes(cluster, client);
                    List<Write> byA = writes.stream().filter(w -> w.user().equals("pyfleet-a")).toList();
                    List<Write> byB = writes.stream().filter(w -> w.user().equals("pyfleet-b")).toList();
                    assertThat(byA).as("writes by the first leader").isNotEmpty();
                    assertThat(byB).as("writes by the second leader").isNotEmpty();
                    Instant lastOfA = byA.stream().map(Write::done).max(Instant::compareTo).orElseThrow();
                    Instant firstOfB = byB.stream().map(Write::received).min(Instant::compareTo).orElseThrow();
                    assertThat(firstOfB).as("the standby's first write (%s) comes after the leader's last (%s)",
                            byB.get(0), byA.get(byA.size() - 1)).isAfter(lastOfA);
                    assertThat(firstOfB).as("the standby wrote nothing before it held the Lease")
                            .isAfterOrEqualTo(acquired.minusMillis(1));
                }
            }
        }
    }

    @Test
    void aLeaderPausedPastItsLeaseWritesNothingOnceTheStandbyLeadsAndThenExits() throws Exception {
        try (ControlPlane cluster = ControlPlane.dedicated("leader-paused", Map.of(), "--audit");
                KubernetesClient client = cluster.newClient()) {
            TestNamespace.create(client, "pyfleet-system");
            TestNamespace.create(client, "demo");
            try (OperatorProcess a = new OperatorProcess(cluster.kubeconfig(), OperatorProcess.freePort(),
                    replica("a"))) {
                awaitHolder(client, "a");
                try (OperatorProcess b = new OperatorProcess(cluster.kubeconfig(), OperatorProcess.freePort(),
                        replica("b"))) {
                    List<String> apps = Fleet.createApps(client, "demo", APPS, "1");
                    Fleet.awaitAllReady(client, "demo", Duration.ofSeconds(120));
                    b.awaitReady(Duration.ofSeconds(90));
                    // Pause a leader with nothing in flight, so every write it makes after resuming is one it chose
                    // to make then.
                    Awaitility.await("replica a has written nothing for two seconds").atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(500)).until(() -> quietSince(cluster, client, "pyfleet-a")
                                    .isBefore(Instant.now().minusSeconds(2)));
                    a.pause();
                    try {
                        // Work for whoever leads: the paused replica's informers see it too once it resumes.
                        apps.forEach(app -> Fleet.setImageTag(client, "demo", app, "2"));
                        Awaitility.await("replica b takes the Lease over").atMost(Duration.ofSeconds(60))
                                .pollInterval(Duration.ofMillis(100)).until(() -> "b".equals(holder(client)));
                    } finally {
                        a.resume();
                    }
                    Instant acquired = lease(client).getSpec().getAcquireTime().toInstant();
                    assertThat(a.awaitExit(Duration.ofSeconds(30))).as("the paused leader exits once it resumes")
                            .isTrue();
                    // Else the elector ended the process before any reconcile tried to write, and this run
                    // showed nothing about the fence.
                    assertThat(a.log()).as("the resumed leader tried to write and was refused")
                            .contains("write refused: this replica last renewed the leader Lease");

                    Fleet.awaitAllReady(client, "demo", Duration.ofSeconds(120));
                    Fleet.assertConvergedAndNothingOrphaned(client, "demo");
                    List<Write> late = writes(cluster, client).stream()
                            .filter(w -> w.user().equals("pyfleet-a") && !w.received().isBefore(acquired)).toList();
                    assertThat(late).as("writes by the paused leader after replica b acquired the Lease at %s",
                            acquired).isEmpty();
                    assertThat(writes(cluster, client)).as("the new leader did the rollout")
                            .anyMatch(w -> w.user().equals("pyfleet-b") && w.resource().equals("pods"));
                }
            }
        }
    }

    /** Waits until the given replica holds the Lease; the first replica takes it while it starts. */
    private static void awaitHolder(KubernetesClient client, String identity) {
        Awaitility.await("replica " + identity + " holds the Lease").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200)).until(() -> identity.equals(holder(client)));
    }

    /** When the user's last write ended, by the audit log; the epoch if it wrote nothing. */
    private static Instant quietSince(ControlPlane cluster, KubernetesClient client, String user) throws Exception {
        return writes(cluster, client).stream().filter(w -> w.user().equals(user)).map(Write::done)
                .max(Instant::compareTo).orElse(Instant.EPOCH);
    }

    /** A replica as the chart configures it, acting as its own user so the audit log tells the two apart. */
    private static List<String> replica(String identity) {
        return List.of("-Dpyfleet.leader-election.enabled=true",
                "-Dpyfleet.leader-election.lease-namespace=pyfleet-system",
                "-Dpyfleet.leader-election.identity=" + identity,
                "-Dpyfleet.leader-election.lease-duration=" + LEASE,
                "-Dpyfleet.leader-election.renew-deadline=" + LEASE.minusSeconds(2),
                "-Dpyfleet.leader-election.retry-period=" + RETRY,
                "-Dkubernetes.impersonate.username=pyfleet-" + identity,
                "-Dkubernetes.impersonate.group=system:masters,system:authenticated");
    }

    private static Lease lease(KubernetesClient client) {
        return client.leases().inNamespace("pyfleet-system").withName("pyfleet-operator").get();
    }

    private static String holder(KubernetesClient client) {
        Lease lease = lease(client);
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    /**
     * The standby's extender answers for a PyFleet Pod from its own view of the nodes: a small Pod fits both, one
     * larger than any node fits neither and is told why. A Pod that is not PyFleet's would pass untouched and show
     * nothing.
     */
    private static void assertStandbyExtenderSeesTheCluster(OperatorProcess replica) throws Exception {
        HttpResponse<String> fits = filter(replica, "100m");
        assertThat(fits.statusCode()).isEqualTo(200);
        assertThat(fits.body()).contains("\"NodeNames\":[\"kwok-node-0\",\"kwok-node-1\"]");
        HttpResponse<String> tooLarge = filter(replica, "1000");
        assertThat(tooLarge.statusCode()).isEqualTo(200);
        assertThat(tooLarge.body()).contains("\"kwok-node-0\":\"insufficient cpu")
                .contains("\"kwok-node-1\":\"insufficient cpu");
    }

    private static String metrics(OperatorProcess replica) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + replica.managementPort() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static HttpResponse<String> filter(OperatorProcess replica, String cpu) throws Exception {
        String args = """
                {"Pod": {"metadata": {"name": "probe-0", "namespace": "demo",
                                      "labels": {"app.kubernetes.io/managed-by": "pyfleet", "pyfleet.dev/app": "probe"}},
                         "spec": {"containers": [{"name": "app", "image": "python:3.12-slim",
                                                  "resources": {"requests": {"cpu": "%s", "memory": "64Mi"}}}]}},
                 "NodeNames": ["kwok-node-0", "kwok-node-1"]}""".formatted(cpu);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + replica.port() + "/scheduler/filter"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(args)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A change to anything but the Lease, as the audit log recorded it. */
    record Write(String user, String verb, String resource, String name, Instant received, Instant done) {
    }

    @SuppressWarnings("unchecked")
    private static List<Write> writes(ControlPlane cluster, KubernetesClient client) throws Exception {
        List<Write> writes = new ArrayList<>();
        for (String line : Files.readAllLines(cluster.auditLog())) {
            Map<String, Object> event = client.getKubernetesSerialization().unmarshal(line, Map.class);
            Map<String, Object> impersonated = (Map<String, Object>) event.get("impersonatedUser");
            Map<String, Object> object = (Map<String, Object>) event.getOrDefault("objectRef", Map.of());
            // Access reviews are questions asked with a POST, not changes.
            String resource = (String) object.getOrDefault("resource", "");
            if (impersonated == null || resource.equals("leases") || resource.endsWith("reviews")) {
                continue;
            }
            writes.add(new Write((String) impersonated.get("username"), (String) event.get("verb"),
                    object.get("resource") + (object.containsKey("subresource") ? "/" + object.get("subresource") : ""),
                    (String) object.get("name"), Instant.parse((String) event.get("requestReceivedTimestamp")),
                    Instant.parse((String) event.get("stageTimestamp"))));
        }
        writes.sort(java.util.Comparator.comparing(Write::received));
        return writes;
    }
}
