package dev.pyfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;

class LeaseFenceTest {

    static final String API = "https://127.0.0.1:6443";
    static final String LEASES = API + "/apis/coordination.k8s.io/v1/namespaces/pyfleet-system/leases";
    static final String LEASE = LEASES + "/pyfleet-operator";
    static final String POD = API + "/api/v1/namespaces/demo/pods/shop-0";

    long monotonicNanos = 1_000_000_000L;
    long wallMillis = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    int exits;
    final LeaseFence fence = new LeaseFence("pyfleet-operator", Duration.ofSeconds(10), () -> exits++,
            () -> monotonicNanos, () -> wallMillis);

    @Test
    void noWriteBeforeTheLeaseIsFirstAcquiredAndAStandbyDoesNotExitForIt() {
        assertThat(fence.open()).isFalse();
        assertThatThrownBy(() -> send("PATCH", POD)).isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("has not acquired the leader Lease").hasMessageContaining("PATCH");
        assertThat(exits).isZero();
    }

    @Test
    void writesPassUntilTheRenewDeadlineAndTheFirstRefusalEndsTheProcessOnce() {
        renew(200);
        assertThatCode(() -> send("POST", POD)).doesNotThrowAnyException();

        advanceMillis(9_999);
        assertThat(fence.open()).isTrue();
        advanceMillis(1);
        assertThat(fence.open()).as("closed exactly at the deadline").isFalse();
        assertThatThrownBy(() -> send("DELETE", POD)).hasMessageContaining("10000 ms ago")
                .hasMessageContaining("renew deadline of 10000 ms");
        assertThatThrownBy(() -> send("PUT", POD)).isInstanceOf(KubernetesClientException.class);
        assertThat(exits).isEqualTo(1);

        renew(200);
        assertThat(fence.open()).as("a renewal reopens it").isTrue();
    }

    @Test
    void theDeadlineCountsFromTheRenewTimeWrittenIntoTheLeaseWhenThatIsEarlierThanTheRead() {
        String renewTime = Instant.ofEpochMilli(wallMillis).toString();
        advanceMillis(3_000); // e.g. the elector's read was retried: the renew time it writes is older
        send("GET", LEASE);
        receive("PATCH", LEASE, "{\"spec\":{\"renewTime\":\"" + renewTime + "\"}}", 200);
        advanceMillis(7_000);
        assertThat(fence.open()).isFalse();
    }

    @Test
    void theDeadlineCountsFromTheReadWhenTheWriteTakesLonger() {
        send("GET", LEASE);
        advanceMillis(3_000);
        receive("PATCH", LEASE, "{\"spec\":{\"renewTime\":\"" + Instant.ofEpochMilli(wallMillis) + "\"}}", 200);
        advanceMillis(7_000);
        assertThat(fence.open()).isFalse();
    }

    @Test
    void aFailedRenewalOrAWriteWithoutARecordedReadLeavesTheDeadlineWhereItWas() {
        renew(200);
        advanceMillis(5_000);
        renew(409);
        advanceMillis(5_000);
        assertThat(fence.open()).isFalse();

        LeaseFence fresh = new LeaseFence("pyfleet-operator", Duration.ofSeconds(10), () -> exits++,
                () -> monotonicNanos, () -> wallMillis);
        fresh.after(request("PATCH", LEASE, "{}"), response(request("PATCH", LEASE, "{}"), 200), null);
        assertThat(fresh.open()).as("no read seen: no renewal counted").isFalse();
    }

    @Test
    void aPauseOnlyOneClockSawClosesItToo() {
        renew(200);
        wallMillis += 60_000;
        assertThat(fence.open()).as("wall clock jumped").isFalse();
        wallMillis -= 60_000;
        monotonicNanos += 60_000_000_000L;
        assertThat(fence.open()).as("monotonic clock ran").isFalse();
    }

    @Test
    void creatingTheLeaseCountsAsARenewal() {
        send("GET", LEASE);
        receive("POST", LEASES, "{\"spec\":{\"renewTime\":\"" + Instant.ofEpochMilli(wallMillis) + "\"}}", 201);
        assertThat(fence.open()).isTrue();
    }

    @Test
    void thisLeaseAndAccessReviewsAlwaysPassButOtherLeasesAndObjectsAreFenced() {
        for (String method : List.of("GET", "PUT", "PATCH", "POST", "DELETE")) {
            assertThatCode(() -> send(method, LEASE)).doesNotThrowAnyException();
        }
        assertThatCode(() -> send("GET", POD)).doesNotThrowAnyException();
        assertThatCode(() -> send("POST", API + "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"))
                .doesNotThrowAnyException();
        assertThatCode(() -> send("POST", API + "/apis/authentication.k8s.io/v1/selfsubjectreviews"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> send("PUT", API + "/apis/pyfleet.dev/v1alpha1/namespaces/demo/pythonapps/shop"))
                .isInstanceOf(KubernetesClientException.class);
        assertThatThrownBy(() -> send("PATCH", LEASES + "/someone-elses")).isInstanceOf(
                KubernetesClientException.class);
    }

    @Test
    void anApiServerBehindAPathPrefixIsRecognised() {
        String proxied = "https://proxy.example/k8s/clusters/c-1/apis/coordination.k8s.io/v1/namespaces/ns/leases/"
                + "pyfleet-operator";
        send("GET", proxied);
        receive("PATCH", proxied, "{}", 200);
        assertThat(fence.open()).isTrue();
    }

    private void renew(int status) {
        send("GET", LEASE);
        receive("PATCH", LEASE, "{\"spec\":{\"renewTime\":\"" + Instant.ofEpochMilli(wallMillis) + "\"}}", status);
    }

    private void advanceMillis(long millis) {
        monotonicNanos += millis * 1_000_000;
        wallMillis += millis;
    }

    private void send(String method, String uri) {
        fence.before(null, request(method, uri, method.equals("GET") ? null : "{}"), null);
    }

    private void receive(String method, String uri, String body, int status) {
        HttpRequest request = request(method, uri, body);
        fence.after(request, response(request, status), null);
    }

    private static HttpResponse<Void> response(HttpRequest request, int status) {
        return new HttpResponse<>() {
            @Override
            public int code() {
                return status;
            }

            @Override
            public Void body() {
                return null;
            }

            @Override
            public HttpRequest request() {
                return request;
            }

            @Override
            public Optional<HttpResponse<?>> previousResponse() {
                return Optional.empty();
            }

            @Override
            public List<String> headers(String key) {
                return List.of();
            }

            @Override
            public Map<String, List<String>> headers() {
                return Map.of();
            }
        };
    }

    private static HttpRequest request(String method, String uri, String body) {
        return new StandardHttpRequest(Map.of(), URI.create(uri), method, body);
    }
}
