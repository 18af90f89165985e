package dev.pyfleet.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * kube-apiserver and etcd are killed and started again while apps converge: the same operator process reconnects
 * its watches, sees what changed while it was cut off, and brings every app to Ready with nothing orphaned.
 */
class ApiServerRestartIT {

    static final int APPS = Chaos.pick(15, 60);
    static final int ROUNDS = Chaos.pick(1, 5);

    @Test
    void operatorReconnectsAfterApiServerAndEtcdRestartsAndConverges() throws Exception {
        Random random = Chaos.random("ApiServerRestartIT");
        try (ControlPlane cluster = ControlPlane.dedicated("apiserver", Map.of(), "--nodes", "4", "--pods", "250");
                KubernetesClient client = cluster.newClient();
                OperatorProcess operator = new OperatorProcess(cluster.kubeconfig())) {
            String ns = "restart";
            TestNamespace.create(client, ns);
            operator.awaitReady(Duration.ofSeconds(90));
            try (PodCensus census = new PodCensus(client, ns)) {
                List<String> apps = Fleet.createApps(client, ns, APPS, "0");
                for (int round = 1; round <= ROUNDS; round++) {
                    for (String component : List.of("kube-apiserver", "etcd")) {
                        Thread.sleep(random.nextInt(3000));
                        cluster.crash(component);
                        // Changes made while the operator's watches are still reconnecting.
                        for (String app : apps) {
                            if (random.nextInt(3) == 0) {
                                Fleet.setImageTag(client, ns, app, component + "-" + round);
                            }
                        }
                    }
                }
                // KWOK plays the kubelets, and unlike a kubelet it never resyncs: a Pod deletion (or status write)
                // whose request died with the API server (a reset connection, a 500 while etcd was away) is dropped
                // for good, and that Pod stays Terminating, holding its app's surge. A restart makes it list every
                // Pod again, as a restarted kubelet would.
                cluster.crash("kwok");
                Fleet.awaitAllReady(client, ns, Duration.ofSeconds(Chaos.pick(180, 600)), operator);
                Fleet.assertConvergedAndNothingOrphaned(client, ns);
                // The census's watch breaks with the API server: states while it was down are not observed, only
                // those before and after. It must still have seen every app, and surges in use.
                assertThat(census.peaks()).as("most Pods each app had at once, outside the outages").hasSize(APPS)
                        .allSatisfy((app, peak) -> assertThat(peak).as(app).isLessThanOrEqualTo(Fleet.ROLLOUT_BOUND))
                        .as("rollouts used their surge while the census watched").containsValue(Fleet.ROLLOUT_BOUND);
            }
            assertThat(operator.isAlive()).as("the same operator process, not a restarted one").isTrue();
        }
    }
}
