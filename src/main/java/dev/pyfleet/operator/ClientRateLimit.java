package dev.pyfleet.operator;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;

/**
 * A client-side limit on the operator's requests to the API server: a token bucket of {@code burst} tokens refilled
 * at {@code qps} per second, as kube-controller-manager and other client-go programs limit theirs.
 *
 * <p>Three kinds of request pass without a token: watches, which stay open rather than repeat; the leader Lease,
 * whose renewal must never queue behind the reconcilers' writes (a renewal that waits past the renew deadline ends
 * the leader's term); and a read of one Pod by name, which the extender makes in a scheduling cycle when the Pod
 * cache does not hold the Pod yet: kube-scheduler waits for that answer and gives up on the extender after its
 * timeout (5 s), and a reconcile burst could queue it longer than that. Nothing else reads single Pods often. A request made on an event-loop thread, which must never block, takes its token and goes at
 * once; the bucket goes into debt, and the next caller that can wait pays for it, so the rate still holds.
 */
public final class ClientRateLimit implements Interceptor {

    private static final String LEASES = "/apis/coordination.k8s.io/";
    private static final java.util.regex.Pattern ONE_POD = java.util.regex.Pattern
            .compile(".*/api/v1/namespaces/[^/]+/pods/[^/]+");

    private final double tokensPerNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private final LongConsumer pause;

    private double tokens;
    private long refilledAt;

    public ClientRateLimit(double qps, int burst) {
        this(qps, burst, System::nanoTime, ClientRateLimit::pauseUnlessOnEventLoop);
    }

    /** @param pause waits the given nanoseconds, or returns at once where the calling thread must not block */
    ClientRateLimit(double qps, int burst, LongSupplier nanoClock, LongConsumer pause) {
        if (!(qps > 0) || burst < 1) {
            throw new IllegalArgumentException("a client rate limit needs qps > 0 and burst >= 1, not qps " + qps
                    + " and burst " + burst);
        }
        this.tokensPerNano = qps / TimeUnit.SECONDS.toNanos(1);
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.pause = pause;
        this.tokens = burst;
        this.refilledAt = nanoClock.getAsLong();
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        if (exempt(request.method(), request.uri())) {
            return;
        }
        long wait = reserve();
        if (wait > 0) {
            pause.accept(wait);
        }
    }

    /** Takes one token and returns how long to wait, in nanoseconds, until it would have been there. */
    synchronized long reserve() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - refilledAt) * tokensPerNano);
        refilledAt = now;
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / tokensPerNano);
    }

    static boolean exempt(String method, URI uri) {
        String query = uri.getRawQuery();
        boolean watch = query != null && (query.startsWith("watch=true") || query.contains("&watch=true"));
        return watch || uri.getPath().contains(LEASES)
                || "GET".equals(method) && ONE_POD.matcher(uri.getPath()).matches();
    }

    private static void pauseUnlessOnEventLoop(long nanos) {
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            return;
        }
        long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }
}
