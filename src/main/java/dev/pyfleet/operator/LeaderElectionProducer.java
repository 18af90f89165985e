package dev.pyfleet.operator;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.pyfleet.kube.Leadership;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import io.fabric8.kubernetes.client.utils.Utils;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/**
 * Leader election as the SDK runs it, plus what it lacks: with {@code pyfleet.leader-election.enabled} the SDK gets
 * a Lease configuration and every controller writes through a client fenced by {@link LeaseFence}. Without it there
 * is no Lease and no fence, so a single local operator needs neither.
 */
public class LeaderElectionProducer {

    /** How long a replica that lost its Lease may take to shut down before it is halted. */
    static final Duration LOST_LEASE_SHUTDOWN = Duration.ofSeconds(10);

    /** Without a Lease this replica leads from the start; with one, from the moment it acquires it. */
    @Produces
    @Singleton
    Leadership leadership(OperatorSettings settings) {
        return new Leadership(!settings.leaderElection().enabled());
    }

    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(OperatorSettings settings, Leadership leadership) {
        OperatorSettings.LeaderElection election = settings.leaderElection();
        if (!election.enabled()) {
            return null;
        }
        if (election.renewDeadline().compareTo(election.leaseDuration()) >= 0) {
            throw new IllegalArgumentException("pyfleet.leader-election.renew-deadline (%s) must be shorter than the lease-duration (%s): the difference is what keeps a paused leader's writes out of its successor's term"
                    .formatted(election.renewDeadline(), election.leaseDuration()));
        }
        return new LeaderElectionConfiguration(election.leaseName(), election.leaseNamespace().orElse(null),
                election.leaseDuration(), election.renewDeadline(), election.retryPeriod(),
                election.identity().orElse(null), new LeaderCallbacks(leadership::started, () -> {
                }, leader -> {
                }), true);
    }

    /** Replaces the extension's default client; built the same way, with the fence added when a Lease is used. */
    @Produces
    @Singleton
    KubernetesClient kubernetesClient(KubernetesSerialization serialization, Config config,
            OperatorSettings settings) {
        KubernetesClientBuilder builder = new KubernetesClientBuilder().withKubernetesSerialization(serialization)
                .withConfig(config);
        // Interceptors run in the order added: a write waits for its token first and meets the fence after, as
        // close to the wire as it can.
        rateLimit(settings.apiServer()).ifPresent(limit -> builder.withHttpClientBuilderConsumer(
                http -> http.addOrReplaceInterceptor("rate-limit", limit)));
        if (noTokenToRefresh(config)) {
            // The client's token refresher, given a Config without a token, rereads and reparses the kubeconfig
            // on every request once the first minute is past (it only notes the time of a refresh that found a
            // token): a fifth of the operator's CPU under load, and nothing gained where client certificates,
            // which the client never reloads, are the credentials.
            builder.withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor(TokenRefreshInterceptor.NAME,
                    new Interceptor() {
                    }));
        }
        if (settings.leaderElection().enabled()) {
            LeaseFence fence = new LeaseFence(settings.leaderElection().leaseName(),
                    settings.leaderElection().renewDeadline(), LeaderElectionProducer::exitOnLostLease);
            builder.withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor("lease-fence", fence));
        }
        return builder.build();
    }

    /** Credentials without a token of any kind: client certificates, or none at all. */
    static boolean noTokenToRefresh(Config config) {
        return Utils.isNullOrEmpty(config.getOauthToken()) && Utils.isNullOrEmpty(config.getAutoOAuthToken())
                && config.getOauthTokenProvider() == null && config.getAuthProvider() == null
                && Utils.isNullOrEmpty(config.getUsername()) && Utils.isNullOrEmpty(config.getPassword());
    }

    static Optional<ClientRateLimit> rateLimit(OperatorSettings.ApiServer apiServer) {
        double qps = apiServer.qps();
        int burst = apiServer.burst();
        if (qps < 0 || burst < 0 || Double.isNaN(qps) || Double.isInfinite(qps)) {
            throw new IllegalArgumentException(
                    "pyfleet.api-server.qps (%s) and pyfleet.api-server.burst (%d) must be 0 (no limit) or above"
                            .formatted(qps, burst));
        }
        if (qps == 0) {
            return Optional.empty();
        }
        return Optional.of(new ClientRateLimit(qps, burst > 0 ? burst : (int) Math.max(1, Math.ceil(2 * qps))));
    }

    /**
     * As the SDK does when it stops leading: end the process, from a thread of its own so no caller waits on it. The
     * shutdown hooks get {@link #LOST_LEASE_SHUTDOWN} to stop the controllers; a replica that is no longer the leader
     * is then halted, whatever a hook is still waiting for.
     */
    private static void exitOnLostLease() {
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(LOST_LEASE_SHUTDOWN.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(1);
        }, "lease-lost-halt");
        halt.setDaemon(true);
        halt.start();
        new Thread(() -> System.exit(1), "lease-lost-exit").start();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
