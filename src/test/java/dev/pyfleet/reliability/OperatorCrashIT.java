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
 * The operator is killed with SIGKILL at random moments while apps roll out, round after round. Nothing it did
 * half-way may show: no app ever has more Pods than replicas + maxSurge at any state the API server went through,
 * and once an operator is left running, every app is Ready with exactly its replicas and nothing is orphaned.
 */
class OperatorCrashIT {

    static final int APPS = Chaos.pick(20, 100);
    static final int ROUNDS = Chaos.pick(3, 10);

    @Test
    void killedAtRandomMomentsWhileAppsConvergeItNeverOvershootsAndLosesNothing() throws Exception {
        Random random = Chaos.random("OperatorCrashIT");
        // 4 nodes of 250 Pods: room for 100 apps x (3 replicas + 1 surge) with the long form.
        try (ControlPlane cluster = ControlPlane.dedicated("crash", Map.of(), "--nodes", "4", "--pods", "250");
                KubernetesClient client = cluster.newClient()) {
            String ns = "crash";
            TestNamespace.create(client, ns);
            try (PodCensus census = new PodCensus(client, ns)) {
                List<String> apps = Fleet.createApps(client, ns, APPS, "0");
                for (int round = 1; round <= ROUNDS; round++) {
                    OperatorProcess operator = new OperatorProcess(cluster.kubeconfig());
                    try {
                        operator.awaitReady(Duration.ofSeconds(90));
                        // A new revision for about half of the apps, so a crash can land in the middle of a rollout.
                        for (String app : apps) {
                            if (random.nextBoolean()) {
                                Fleet.setImageTag(client, ns, app, Integer.toString(round));
                            }
                        }
                        Thread.sleep(random.nextInt(4000));
                    } finally {
                        operator.kill();
                    }
                    System.out.printf("[chaos] round %d: killed the operator; %d apps not Ready yet%n", round,
                            Fleet.notReady(client, ns).size());
                }
                try (OperatorProcess operator = new OperatorProcess(cluster.kubeconfig())) {
                    operator.awaitReady(Duration.ofSeconds(90));
                    Fleet.awaitAllReady(client, ns, Duration.ofSeconds(Chaos.pick(180, 600)));
                    Fleet.assertConvergedAndNothingOrphaned(client, ns);
                }
                assertThat(census.peaks()).as("most Pods each app had at once").hasSize(APPS)
                        .allSatisfy((app, peak) -> assertThat(peak).as(app).isLessThanOrEqualTo(Fleet.ROLLOUT_BOUND))
                        .as("rollouts used their surge while the census watched").containsValue(Fleet.ROLLOUT_BOUND);
            }
        }
    }
}
