package dev.pyfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.http.StandardHttpRequest;

class ClientRateLimitTest {

    static final String API = "https://127.0.0.1:6443";
    static final long MS = 1_000_000L;

    long now = 5_000 * MS;
    final List<Long> pauses = new ArrayList<>();
    /** 10 requests per second (one every 100 ms), 3 at once. */
    final ClientRateLimit limit = new ClientRateLimit(10, 3, () -> now, pauses::add);

    @Test
    void aBurstGoesAtOnceThenRequestsWaitTheirTurnAtTheRate() {
        for (int i = 0; i < 3; i++) {
            send("POST", "/api/v1/namespaces/demo/pods");
        }
        assertThat(pauses).isEmpty();
        send("POST", "/api/v1/namespaces/demo/pods");
        send("PATCH", "/apis/pyfleet.dev/v1alpha1/namespaces/demo/pythonapps/shop/status");
        // Nobody sent the fourth and fifth yet, as far as the bucket knows: they wait 100 and 200 ms.
        assertThat(pauses).containsExactly(100 * MS, 200 * MS);
    }

    @Test
    void aQuietSpellRefillsTheBucketUpToTheBurstAndNoFurther() {
        for (int i = 0; i < 3; i++) {
            send("PATCH", "/api/v1/namespaces/demo/pods/shop-" + i);
        }
        now += 150 * MS; // one and a half tokens back
        send("PATCH", "/api/v1/namespaces/demo/pods/shop-0");
        send("PATCH", "/api/v1/namespaces/demo/pods/shop-1");
        assertThat(pauses).containsExactly(50 * MS);

        pauses.clear();
        now += 60_000 * MS; // a minute of quiet buys three requests, not six hundred
        for (int i = 0; i < 4; i++) {
            send("PATCH", "/api/v1/namespaces/demo/pods/shop-" + i);
        }
        assertThat(pauses).containsExactly(100 * MS);
    }

    @Test
    void aCallerThatCannotWaitStillSpendsItsTokenSoTheNextOnePaysForIt() {
        ClientRateLimit limit = new ClientRateLimit(10, 1, () -> now, nanos -> {
        });
        assertThat(limit.reserve()).isZero();
        assertThat(limit.reserve()).isEqualTo(100 * MS); // went anyway, on an event loop
        assertThat(limit.reserve()).isEqualTo(200 * MS);
    }

    @Test
    void watchesTheLeaderLeaseAndTheExtendersReadOfOnePodNeverWait() {
        for (int i = 0; i < 3; i++) {
            send("POST", "/api/v1/namespaces/demo/pods");
        }
        send("GET", "/api/v1/namespaces/demo/pods?watch=true&resourceVersion=12");
        send("GET", "/api/v1/pods?labelSelector=app&watch=true");
        send("PUT", "/apis/coordination.k8s.io/v1/namespaces/pyfleet-system/leases/pyfleet-operator");
        send("GET", "/api/v1/namespaces/demo/pods/web-7f9c-0");
        assertThat(pauses).isEmpty();
        // A list is not a watch, and a write to one Pod is no read: they wait like any request.
        send("GET", "/api/v1/pods?labelSelector=watch%3Dtrue");
        send("DELETE", "/api/v1/namespaces/demo/pods/web-7f9c-0");
        send("GET", "/api/v1/namespaces/demo/pods/web-7f9c-0/log");
        assertThat(pauses).containsExactly(100 * MS, 200 * MS, 300 * MS);
    }

    @Test
    void settingsOfZeroMeanNoLimitAndABurstDefaultsToTwiceTheRate() {
        assertThat(LeaderElectionProducer.rateLimit(apiServer(0, 0))).isEmpty();
        ClientRateLimit limit = LeaderElectionProducer.rateLimit(apiServer(2.5, 0)).orElseThrow();
        int immediate = 0;
        while (limit.reserve() == 0) {
            immediate++;
        }
        assertThat(immediate).isEqualTo(5);
        assertThatThrownBy(() -> LeaderElectionProducer.rateLimit(apiServer(-1, 0)))
                .hasMessageContaining("pyfleet.api-server.qps (-1.0)").hasMessageContaining("0 (no limit) or above");
        assertThatThrownBy(() -> LeaderElectionProducer.rateLimit(apiServer(5, -2)))
                .hasMessageContaining("pyfleet.api-server.burst (-2)");
    }

    private void send(String method, String path) {
        limit.before(null, new StandardHttpRequest(Map.of(), URI.create(API + path), method, null), null);
    }

    private static OperatorSettings.ApiServer apiServer(double qps, int burst) {
        return new OperatorSettings.ApiServer() {
            @Override
            public java.time.Duration startupTimeout() {
                return java.time.Duration.ofSeconds(30);
            }

            @Override
            public double qps() {
                return qps;
            }

            @Override
            public int burst() {
                return burst;
            }
        };
    }
}
