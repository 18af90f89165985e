package dev.pyfleet.operator;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.pyfleet.extender.ClusterView;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Starts the controllers only once the API server answers. The SDK's own start is switched off
 * ({@code quarkus.operator-sdk.start-operator=false}) because against an unreachable server it retries inside the
 * informers for minutes; here the process exits at once with one line that says what is wrong.
 */
@ApplicationScoped
public class OperatorLifecycle {

    /** Exit status when no API server can be reached, distinct from Quarkus' generic startup failure. */
    public static final int EXIT_API_SERVER_UNREACHABLE = 3;

    private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);

    private final KubernetesClient client;
    private final Operator operator;
    private final ClusterView clusterView;
    private final Duration apiServerTimeout;
    private volatile boolean started;

    OperatorLifecycle(KubernetesClient client, Operator operator, OperatorSettings settings,
            ClusterView clusterView) {
        this.client = client;
        this.operator = operator;
        this.clusterView = clusterView;
        this.apiServerTimeout = settings.apiServer().startupTimeout();
    }

    void onStart(@Observes StartupEvent event) {
        VersionInfo version;
        try {
            version = new ApiServerProbe(client.getConfiguration()).awaitVersion(apiServerTimeout);
        } catch (ApiServerUnreachableException e) {
            LOG.error("PyFleet cannot start: " + e.getMessage());
            Quarkus.asyncExit(EXIT_API_SERVER_UNREACHABLE);
            return;
        }
        LOG.infof("Connected to Kubernetes %s at %s", version.getGitVersion(), client.getConfiguration().getMasterUrl());
        clusterView.start();
        operator.start();
        started = true;
    }

    void onStop(@Observes ShutdownEvent event) {
        if (started) {
            operator.stop();
            clusterView.stop();
        }
    }
}
