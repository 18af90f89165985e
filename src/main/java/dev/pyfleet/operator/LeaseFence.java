package dev.pyfleet.operator;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;

/**
 * Refuses every write to the API server unless this replica renewed its Lease less than the renew deadline ago.
 *
 * <p>Leader election alone does not stop a leader that was paused (a long GC, a frozen VM, SIGSTOP) past its Lease:
 * when it resumes, its reconcile threads carry on from where they stopped, before its elector notices that a standby
 * has taken over and ends the process. Those writes would race the new leader's. The fence sits in the HTTP client
 * every controller writes through, so it needs no cooperation from them. The standby takes over once the Lease has
 * not been renewed for the lease duration by its own clock; the fence shuts at the renew deadline, which is shorter,
 * and the difference absorbs clock skew and a request's time on the wire.
 *
 * <p>A renewal counts from the moment this replica started reading the Lease, which is no later than the renew time
 * it then writes into it. Elapsed time is the larger of the monotonic and the wall clock's, so a suspended machine
 * whose monotonic clock stood still is fenced too. Reads, watches, the Lease itself and access reviews (questions,
 * not changes) always pass.
 */
public final class LeaseFence implements Interceptor {

    private static final Logger LOG = Logger.getLogger(LeaseFence.class);
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String LEASES = "/apis/coordination.k8s.io/";
    private static final List<String> QUESTIONS = List.of("/apis/authorization.k8s.io/",
            "/apis/authentication.k8s.io/");

    private final long renewDeadlineNanos;
    private final LongSupplier monotonicNanos;
    private final LongSupplier wallMillis;
    private final AtomicBoolean reportedClosed = new AtomicBoolean();

    /** When this replica began its latest read of the Lease, and when its latest write of it succeeded from. */
    private volatile Moment readStarted;
    private volatile Moment renewed;

    public LeaseFence(Duration renewDeadline) {
        this(renewDeadline, System::nanoTime, System::currentTimeMillis);
    }

    LeaseFence(Duration renewDeadline, LongSupplier monotonicNanos, LongSupplier wallMillis) {
        this.renewDeadlineNanos = renewDeadline.toNanos();
        this.monotonicNanos = monotonicNanos;
        this.wallMillis = wallMillis;
    }

    /** Whether a write sent now may reach the API server. */
    public boolean open() {
        Moment last = renewed;
        return last != null && elapsedSince(last) < renewDeadlineNanos;
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String method = request.method();
        URI uri = request.uri();
        if (isLease(uri)) {
            if ("GET".equals(method)) {
                readStarted = now();
            }
            return;
        }
        if (!WRITES.contains(method) || isQuestion(uri) || open()) {
            return;
        }
        Moment last = renewed;
        String message = last == null
                ? "write refused: this replica has not acquired the leader Lease"
                : "write refused: this replica last renewed the leader Lease %d ms ago, past its renew deadline of %d ms; another replica may lead now, and this one will exit"
                        .formatted(elapsedSince(last) / 1_000_000, renewDeadlineNanos / 1_000_000);
        if (last != null && reportedClosed.compareAndSet(false, true)) {
            LOG.warn(message);
        }
        throw new KubernetesClientException(message + " (" + method + " " + uri.getPath() + ")");
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        if (isLease(request.uri()) && WRITES.contains(request.method()) && response.isSuccessful()) {
            Moment read = readStarted;
            renewed = read != null ? read : now();
            reportedClosed.set(false);
        }
    }

    private static boolean isLease(URI uri) {
        return uri.getPath().startsWith(LEASES);
    }

    private static boolean isQuestion(URI uri) {
        return QUESTIONS.stream().anyMatch(uri.getPath()::startsWith);
    }

    private Moment now() {
        return new Moment(monotonicNanos.getAsLong(), wallMillis.getAsLong());
    }

    private long elapsedSince(Moment then) {
        long monotonic = monotonicNanos.getAsLong() - then.monotonicNanos();
        long wall = (wallMillis.getAsLong() - then.wallMillis()) * 1_000_000;
        return Math.max(monotonic, wall);
    }

    /** A moment on both clocks. */
    private record Moment(long monotonicNanos, long wallMillis) {
    }
}
