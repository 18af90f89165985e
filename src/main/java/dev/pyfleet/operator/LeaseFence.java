package dev.pyfleet.operator;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;

/**
 * Refuses every write to the API server unless this replica renewed its Lease less than the renew deadline ago, and
 * ends the process the first time it has to refuse one.
 *
 * <p>Leader election alone does not stop a leader that was paused (a long GC, a frozen VM, SIGSTOP) past its Lease:
 * when it resumes, its reconcile threads carry on from where they stopped, before its elector notices that a standby
 * has taken over and ends the process. Those writes would race the new leader's. The fence sits in the HTTP client
 * every controller writes through, so it needs no cooperation from them. The standby takes over once the Lease's
 * renew time is a lease duration old by its own clock; the fence shuts at the renew deadline, which is shorter, and
 * the difference absorbs clock skew and a request's time on the wire.
 *
 * <p>A renewal counts from the renew time written into the Lease (wall clock) and from the start of the read that
 * preceded it (monotonic clock), whichever says more time has passed, so a suspended machine whose monotonic clock
 * stood still is fenced too. Reads, watches, this Lease itself and access reviews (questions, not changes) always
 * pass.
 *
 * <p>The fence is best effort in one respect no client-side check can close: a write that passed it an instant
 * before the process was paused still goes out when it resumes. A refused write fails at once when it is a first
 * attempt; one refused on a retry would never complete, which is why the first refusal also ends the process (as
 * losing the Lease does anyway), rather than leave such a thread behind.
 */
public final class LeaseFence implements Interceptor {

    private static final Logger LOG = Logger.getLogger(LeaseFence.class);
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String LEASES = "/apis/coordination.k8s.io/";
    private static final List<String> QUESTIONS = List.of("/apis/authorization.k8s.io/",
            "/apis/authentication.k8s.io/");
    private static final Pattern RENEW_TIME = Pattern.compile("\"renewTime\"\\s*:\\s*\"([^\"]+)\"");

    private final String leaseName;
    private final long renewDeadlineNanos;
    private final Runnable onShut;
    private final LongSupplier monotonicNanos;
    private final LongSupplier wallMillis;
    private final AtomicBoolean shut = new AtomicBoolean();

    /** When this replica began its latest read of the Lease, and the renewal its latest successful write made. */
    private volatile Moment readStarted;
    private volatile Moment renewed;

    /** @param onShut run once, the first time a write is refused after this replica had led: ends the process */
    public LeaseFence(String leaseName, Duration renewDeadline, Runnable onShut) {
        this(leaseName, renewDeadline, onShut, System::nanoTime, System::currentTimeMillis);
    }

    LeaseFence(String leaseName, Duration renewDeadline, Runnable onShut, LongSupplier monotonicNanos,
            LongSupplier wallMillis) {
        this.leaseName = leaseName;
        this.renewDeadlineNanos = renewDeadline.toNanos();
        this.onShut = onShut;
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
                : "write refused: this replica last renewed the leader Lease %d ms ago, past its renew deadline of %d ms; another replica may lead now, and this one exits"
                        .formatted(elapsedSince(last) / 1_000_000, renewDeadlineNanos / 1_000_000);
        if (last != null && shut.compareAndSet(false, true)) {
            LOG.error(message);
            onShut.run();
        }
        throw new KubernetesClientException(message + " (" + method + " " + uri.getPath() + ")");
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        Moment read = readStarted;
        if (read == null || !isLease(request.uri()) || !WRITES.contains(request.method())
                || !response.isSuccessful()) {
            return;
        }
        long wall = renewTime(request).map(t -> Math.min(t, read.wallMillis())).orElse(read.wallMillis());
        renewed = new Moment(read.monotonicNanos(), wall);
    }

    /** This replica's Lease, or the collection it is created in. */
    private boolean isLease(URI uri) {
        String path = uri.getPath();
        return path.contains(LEASES) && (path.endsWith("/leases/" + leaseName) || path.endsWith("/leases"));
    }

    private static boolean isQuestion(URI uri) {
        return QUESTIONS.stream().anyMatch(uri.getPath()::contains);
    }

    /** The renew time (epoch millis) the request writes into the Lease, when its body can be read. */
    private static Optional<Long> renewTime(HttpRequest request) {
        String body = request.bodyString();
        if (body == null && request instanceof StandardHttpRequest standard
                && standard.body() instanceof StandardHttpRequest.ByteArrayBodyContent bytes) {
            body = new String(bytes.getContent(), StandardCharsets.UTF_8);
        }
        Matcher matcher = body == null ? null : RENEW_TIME.matcher(body);
        if (matcher == null || !matcher.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(java.time.Instant.parse(matcher.group(1)).toEpochMilli());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
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
