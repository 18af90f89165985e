package dev.pyfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
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
    static final String LEASE = API + "/apis/coordination.k8s.io/v1/namespaces/pyfleet-system/leases/pyfleet-operator";
    static final String POD = API + "/api/v1/namespaces/demo/pods/shop-0";

    long monotonicNanos = 1_000_000_000L;
    long wallMillis = 1_700_000_000_000L;
    final LeaseFence fence = new LeaseFence(Duration.ofSeconds(10), () -> monotonicNanos, () -> wallMillis);

    @Test
    void noWriteBeforeTheLeaseIsFirstAcquired() {
        assertThat(fence.open()).isFalse();
        assertThatThrownBy(() -> send("PATCH", POD)).isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("has not acquired the leader Lease").hasMessageContaining("PATCH");
    }

    @Test
    void writesPassUntilTheRenewDeadlineCountedFromTheReadThatRenewed() {
        renew(200);
        assertThatCode(() -> send("POST", POD)).doesNotThrowAnyException();

        advanceMillis(9_999);
        assertThat(fence.open()).isTrue();
        advanceMillis(1);
        assertThat(fence.open()).as("closed exactly at the deadline").isFalse();
        assertThatThrownBy(() -> send("DELETE", POD)).hasMessageContaining("10000 ms ago")
                .hasMessageContaining("renew deadline of 10000 ms");

        renew(200);
        assertThat(fence.open()).as("a renewal reopens it").isTrue();
    }

    @Test
    void theDeadlineCountsFromTheStartOfTheReadNotFromTheSuccessfulWrite() {
        send("GET", LEASE);
        advanceMillis(3_000);
        send("PUT", LEASE);
        receive("PUT", LEASE, 200);
        advanceMillis(7_000);
        assertThat(fence.open()).isFalse();
    }

    @Test
    void aFailedRenewalLeavesTheDeadlineWhereTheLastGoodOneSetIt() {
        renew(200);
        advanceMillis(5_000);
        renew(409);
        advanceMillis(5_000);
        assertThat(fence.open()).isFalse();
    }

    @Test
    void aPauseOnlyTheWallClockSawClosesItToo() {
        renew(200);
        wallMillis += 60_000;
        assertThat(fence.open()).isFalse();
    }

    @Test
    void readsTheLeaseItselfAndAccessReviewsAlwaysPass() {
        for (String method : List.of("GET", "PUT", "POST")) {
            assertThatCode(() -> send(method, LEASE)).doesNotThrowAnyException();
        }
        assertThatCode(() -> send("GET", POD)).doesNotThrowAnyException();
        assertThatCode(() -> send("POST", API + "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> send("PUT", API + "/apis/pyfleet.dev/v1alpha1/namespaces/demo/pythonapps/shop"))
                .isInstanceOf(KubernetesClientException.class);
    }

    private void renew(int status) {
        send("GET", LEASE);
        send("PUT", LEASE);
        receive("PUT", LEASE, status);
    }

    private void advanceMillis(long millis) {
        monotonicNanos += millis * 1_000_000;
        wallMillis += millis;
    }

    private void send(String method, String uri) {
        fence.before(null, request(method, uri), null);
    }

    private void receive(String method, String uri, int status) {
        HttpRequest request = request(method, uri);
        fence.after(request, new HttpResponse<Void>() {
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
        }, null);
    }

    private static HttpRequest request(String method, String uri) {
        return new StandardHttpRequest(Map.of(), URI.create(uri), method, method.equals("GET") ? null : "{}");
    }
}
