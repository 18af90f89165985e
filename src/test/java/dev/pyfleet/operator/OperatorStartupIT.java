package dev.pyfleet.operator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import dev.pyfleet.testing.ControlPlaneResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The packaged operator, started as its own process against the real control plane. */
@QuarkusIntegrationTest
@WithTestResource(ControlPlaneResource.class)
class OperatorStartupIT {

    /** Health and metrics are served on the management interface, not beside the extender. */
    final String management = ControlPlaneResource.managementUrl();

    @Test
    void livenessIsUp() {
        given().get(management + "q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessReportsTheConnectedApiServer() {
        given().get(management + "q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("kubernetes-api-server"))
                .body("checks.find { it.name == 'kubernetes-api-server' }.data.version", startsWith("v1.34."));
    }

    @Test
    void healthAndMetricsAreNotServedBesideTheExtender() {
        given().get("/q/health/ready").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
    }

    @Test
    void prometheusMetricsAreServed() {
        given().get(management + "q/metrics").then().statusCode(200)
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }
}
