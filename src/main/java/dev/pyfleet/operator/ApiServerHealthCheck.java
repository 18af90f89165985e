package dev.pyfleet.operator;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.fabric8.kubernetes.client.KubernetesClient;

/** Ready only while the API server answers: an operator that cannot see the cluster should not take traffic. */
@Readiness
@ApplicationScoped
public class ApiServerHealthCheck implements HealthCheck {

    private final KubernetesClient client;

    ApiServerHealthCheck(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("kubernetes-api-server");
        try {
            var version = client.getKubernetesVersion();
            return response.up().withData("version", version.getGitVersion()).build();
        } catch (RuntimeException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
