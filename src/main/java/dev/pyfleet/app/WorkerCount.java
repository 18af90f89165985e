package dev.pyfleet.app;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * How many gunicorn/uvicorn workers an app gets when {@code process.workers} is 0. Computed from the container's
 * declared resources, not from cgroups, so it is the same on cgroup v1, v2 and on a VM:
 * {@code 2 x CPU + 1} (CPU: the limit, else the request, else 1 core), lowered so that every worker has at least
 * 128Mi of the memory limit (else request), and kept between 1 and 16.
 */
public final class WorkerCount {

    static final int MAX_AUTO_WORKERS = 16;
    static final long MEMORY_PER_WORKER = 128L * 1024 * 1024;

    private WorkerCount() {
    }

    public static int of(Integer requested, ResourceRequirements resources) {
        if (requested != null && requested > 0) {
            return requested;
        }
        double cores = amount(resources, "cpu").map(BigDecimal::doubleValue).orElse(1.0);
        int byCpu = (int) Math.floor(2 * cores + 1);
        int byMemory = amount(resources, "memory")
                .map(bytes -> (int) Math.min(Integer.MAX_VALUE, bytes.longValue() / MEMORY_PER_WORKER))
                .orElse(Integer.MAX_VALUE);
        return Math.max(1, Math.min(MAX_AUTO_WORKERS, Math.min(byCpu, byMemory)));
    }

    /** The limit if set, else the request, in base units (cores, bytes). */
    private static Optional<BigDecimal> amount(ResourceRequirements resources, String name) {
        if (resources == null) {
            return Optional.empty();
        }
        return first(resources.getLimits(), name).or(() -> first(resources.getRequests(), name))
                .map(Quantity::getAmountInBytes);
    }

    private static Optional<Quantity> first(Map<String, Quantity> quantities, String name) {
        return Optional.ofNullable(quantities).map(q -> q.get(name));
    }
}
