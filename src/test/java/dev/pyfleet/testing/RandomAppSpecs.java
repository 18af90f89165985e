package dev.pyfleet.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Random PythonApp specs inside the schema: every field optional or not, values at and between their bounds,
 * integers and percentages, all process types, both runtimes (a VM pool that may not exist), dependencies on apps
 * that may not exist. A spec is a plain map, so the same one can be checked by the API server and by the pure code.
 */
public final class RandomAppSpecs {

    private final Random random;
    private final boolean shortTimes;

    public RandomAppSpecs(Random random) {
        this(random, false);
    }

    private RandomAppSpecs(Random random, boolean shortTimes) {
        this.random = random;
        this.shortTimes = shortTimes;
    }

    /**
     * Specs a test on a live cluster can wait out: every spec has a rollout with a progress deadline of at most 30 s
     * and a minReadySeconds of at most 3 s, still drawn at random.
     */
    public static RandomAppSpecs withShortTimes(Random random) {
        return new RandomAppSpecs(random, true);
    }

    public Map<String, Object> next(String name) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("image", pick("ghcr.io/acme/shop:1.0.0", "busybox", "registry.local:5000/team/app@sha256:"
                + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "x".repeat(512)));
        boolean onPool = random.nextInt(5) == 0;
        if (onPool || maybe()) {
            spec.put("python", pick("3.10", "3.11", "3.12", "3.13", "3.9"));
        }
        spec.put("process", process());
        maybePut(spec, "port", () -> pick(1, 80, 8000, 65535));
        maybePut(spec, "replicas", () -> random.nextInt(6));
        maybePut(spec, "resources", this::resources);
        maybePut(spec, "env", () -> List.of(Map.of("name", "MODE", "value", pick("", "prod", "ü ∂ ☃")),
                Map.of("name", "POD", "valueFrom", Map.of("fieldRef", Map.of("fieldPath", "metadata.name")))));
        maybePut(spec, "healthCheck", () -> optional(Map.of("path", pick("/", "/healthz", "/a/b?x=1")),
                "initialDelaySeconds", pick(0, 5, 3600), "periodSeconds", pick(1, 10, 3600),
                "timeoutSeconds", pick(1, 600), "failureThreshold", pick(1, 3, 100)));
        maybePut(spec, "service", () -> optional(Map.of(), "enabled", random.nextBoolean(),
                "type", pick("ClusterIP", "NodePort", "LoadBalancer"), "port", pick(1, 80, 65535)));
        if (onPool) {
            spec.put("runtime", Map.of("type", "VMPool", "poolRef", Map.of("name", "no-such-pool")));
        } else {
            maybePut(spec, "runtime", () -> Map.of("type", "Pods"));
        }
        maybePut(spec, "placement", () -> optional(Map.of(),
                "strategy", pick("Balanced", "BinPack", "Spread", "LoadAware"), "maxPerNode", pick(0, 1, 1000),
                "nodeSelector", Map.of("kubernetes.io/os", "linux"),
                "tolerations", List.of(Map.of("key", "dedicated", "operator", "Exists", "effect", "NoSchedule"))));
        if (shortTimes) {
            spec.put("rollout", rollout());
        } else {
            maybePut(spec, "rollout", this::rollout);
        }
        maybePut(spec, "disruptionBudget", () -> random.nextBoolean()
                ? Map.of("minAvailable", pick(0, 1, "50%", "100%"))
                : Map.of("maxUnavailable", pick(1, 2, "25%", "0%")));
        maybePut(spec, "dependsOn", () -> List.of(pick("missing-app", "other-" + name)));
        return spec;
    }

    private Map<String, Object> process() {
        String type = pick("wsgi", "asgi", "command");
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("type", type);
        if (type.equals("command")) {
            process.put("command", pick(List.of("python", "-m", "shop"), List.of("gunicorn"),
                    List.of("sh", "-c", "exec python app.py --name 'a b'")));
        } else {
            process.put("module", pick("app:app", "shop.wsgi:application", "main", "pkg.mod:create_app()"));
        }
        maybePut(process, "workers", () -> pick(0, 1, 16, 64));
        return process;
    }

    /** Requests, and limits no lower than them (the schema refuses a request above its limit). */
    private Map<String, Object> resources() {
        Map<String, Object> requests = optional(Map.of(), "cpu", pick("1m", "100m", "2", "0.5", 1),
                "memory", pick("1Mi", "64Mi", "128Mi", "1Gi", "100G"));
        Map<String, Object> resources = new LinkedHashMap<>();
        resources.put("requests", requests);
        if (maybe()) {
            String memory = pick("256Mi", "2Gi", "200G");
            Object requested = requests.get("memory");
            if (requested == null || Quantity.getAmountInBytes(new Quantity(memory))
                    .compareTo(Quantity.getAmountInBytes(new Quantity((String) requested))) >= 0) {
                resources.put("limits", Map.of("memory", memory));
            }
        }
        return resources;
    }

    /** maxSurge (default 25%) and maxUnavailable (default 0) are never both zero, set or defaulted. */
    private Map<String, Object> rollout() {
        Map<String, Object> rollout = optional(Map.of(), "maxSurge", pick(0, 1, 3, "0%", "25%", "100%", "999%"),
                "maxUnavailable", pick(0, 1, 2, "0%", "50%", "100%"),
                "minReadySeconds", shortTimes ? pick(0, 1, 3) : pick(0, 1, 3600));
        if (shortTimes) {
            rollout.put("progressDeadlineSeconds", pick(1, 10, 30));
        } else if (maybe()) {
            rollout.put("progressDeadlineSeconds", pick(1, 30, 600, 86400));
        }
        Object surge = rollout.getOrDefault("maxSurge", "25%");
        Object unavailable = rollout.getOrDefault("maxUnavailable", 0);
        if ((surge.equals(0) || surge.equals("0%")) && (unavailable.equals(0) || unavailable.equals("0%"))) {
            rollout.put("maxUnavailable", 1);
        }
        return rollout;
    }

    /** The base plus each of the key/value pairs with probability one half. */
    private Map<String, Object> optional(Map<String, Object> base, Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            if (maybe()) {
                map.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return map;
    }

    private void maybePut(Map<String, Object> map, String key, java.util.function.Supplier<Object> value) {
        if (maybe()) {
            map.put(key, value.get());
        }
    }

    private boolean maybe() {
        return random.nextBoolean();
    }

    @SafeVarargs
    private <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }

    /** A list of n specs' worth of names: fuzz-0, fuzz-1, ... */
    public static List<String> names(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("fuzz-" + i);
        }
        return names;
    }
}
