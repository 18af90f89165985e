package dev.pyfleet.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pyfleet.placement.PodRequest;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * A Pod the extender placed counts on its node until it is seen bound, deleted or too old, whether or not the Pod
 * cache held it when it was placed; a Pod nobody has, or one that cannot be placed, never counts.
 */
class AssumedPodsTest {

    final Map<String, Pod> cache = new HashMap<>();
    final Map<String, Pod> apiServer = new HashMap<>();
    int apiServerReads;
    Instant now = Instant.parse("2026-12-06T12:00:00Z");
    final AssumedPods assumed = new AssumedPods((ns, name) -> Optional.ofNullable(cache.get(ns + "/" + name)),
            (ns, name) -> {
                apiServerReads++;
                return Optional.ofNullable(apiServer.get(ns + "/" + name));
            }, new Clock() {
                @Override
                public Instant instant() {
                    return now;
                }

                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }
            });

    static PodBuilder pod(String name, String uid, String cpu) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("shop").withUid(uid)
                .addToLabels("app.kubernetes.io/managed-by", "pyfleet").addToLabels("pyfleet.dev/app", "web")
                .endMetadata().withNewSpec().addNewContainer().withName("app").withNewResources()
                .addToRequests("cpu", new Quantity(cpu)).endResources().endContainer().endSpec();
    }

    static void put(Map<String, Pod> where, Pod pod) {
        where.put(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), pod);
    }

    /** What the scheduler sends: the Pod as it sees it, possibly made up or at another size. */
    static PodRequest sent(Pod pod) {
        return PodRequests.of(pod);
    }

    long cpuOn(String node) {
        return assumed.byNode().getOrDefault(node, List.of()).stream().mapToLong(p -> p.request().cpuMilli()).sum();
    }

    @Test
    void aPendingPodTheCacheHoldsCountsOnItsNodeUntilSeenBound() {
        Pod pending = pod("web-0", "u0", "500m").build();
        put(cache, pending);
        assumed.assume("u0", sent(pending), "n1");
        assertThat(cpuOn("n1")).isEqualTo(500);
        assertThat(apiServerReads).isZero();

        assumed.seen(pending);
        assertThat(cpuOn("n1")).as("still pending").isEqualTo(500);
        assumed.seen(pod("web-0", "u0", "500m").editSpec().withNodeName("n1").endSpec().build());
        assertThat(cpuOn("n1")).as("bound: counted as bound from now on").isZero();
    }

    /** The scheduler watches on its own and can place a Pod before the Pod cache has it. */
    @Test
    void aPodTheCacheDoesNotHoldYetIsReadFromTheApiServerAndCounted() {
        Pod pending = pod("web-0", "u0", "500m").build();
        put(apiServer, pending);
        assumed.assume("u0", sent(pending), "n1");
        assertThat(cpuOn("n1")).isEqualTo(500);
        assertThat(apiServerReads).isEqualTo(1);
    }

    /** PyFleet's Pod names are reused: the cache can still hold the one deleted before. */
    @Test
    void aPodWhoseNameTheCacheHoldsForAnEarlierPodIsReadFromTheApiServer() {
        put(cache, pod("web-0", "old", "100m").build());
        Pod pending = pod("web-0", "new", "2").build();
        put(apiServer, pending);
        assumed.assume("new", sent(pending), "n1");
        assertThat(cpuOn("n1")).isEqualTo(2000);
    }

    @Test
    void aMadeUpPodNeverCounts() {
        Pod madeUp = pod("ghost", "u9", "64").build();
        assumed.assume("u9", sent(madeUp), "n1");
        put(apiServer, pod("ghost", "other-uid", "64").build());
        assumed.assume("u9", sent(madeUp), "n1");
        assumed.assume(null, sent(madeUp), "n1");
        assertThat(assumed.byNode()).isEmpty();
    }

    /** Only the size the API server has counts, whatever size the request claims. */
    @Test
    void theSizeCountedIsThePodsOwnNotTheSendersClaim() {
        put(cache, pod("web-0", "u0", "250m").build());
        assumed.assume("u0", sent(pod("web-0", "u0", "32").build()), "n1");
        assertThat(cpuOn("n1")).isEqualTo(250);
    }

    @Test
    void aBoundDeletingOrForeignPodIsNotAssumed() {
        put(cache, pod("bound", "u1", "1").editSpec().withNodeName("n2").endSpec().build());
        put(cache, pod("going", "u2", "1").editMetadata().withDeletionTimestamp("2026-12-06T11:59:00Z").endMetadata()
                .build());
        put(cache, pod("foreign", "u3", "1").editMetadata().withLabels(Map.of()).endMetadata().build());
        assumed.assume("u1", sent(cache.get("shop/bound")), "n1");
        assumed.assume("u2", sent(cache.get("shop/going")), "n1");
        assumed.assume("u3", sent(cache.get("shop/foreign")), "n1");
        assertThat(assumed.byNode()).isEmpty();
    }

    @Test
    void anAssumedPodIsForgottenWhenDeletedOrAfterItsTime() {
        Pod a = pod("web-0", "u0", "100m").build();
        Pod b = pod("web-1", "u1", "200m").build();
        put(cache, a);
        put(cache, b);
        assumed.assume("u0", sent(a), "n1");
        assumed.assume("u1", sent(b), "n1");
        assumed.deleted(a);
        assertThat(cpuOn("n1")).isEqualTo(200);

        now = now.plus(AssumedPods.ASSUME_FOR);
        assertThat(cpuOn("n1")).as("at the limit").isEqualTo(200);
        now = now.plus(Duration.ofMillis(1));
        assertThat(assumed.byNode()).isEmpty();
    }
}
