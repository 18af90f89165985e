package dev.pyfleet.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The requests kube-apiserver has served, by verb and resource, from its own counter (apiserver_request_total):
 * read before and after a run, the difference is the run's request census, what every client of the run asked for.
 */
public final class ApiRequests {

    private static final Pattern SAMPLE = Pattern.compile("^apiserver_request_total\\{([^}]*)} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final Map<String, Double> counts;

    private ApiRequests(Map<String, Double> counts) {
        this.counts = counts;
    }

    public static ApiRequests read(KubernetesClient client) {
        Map<String, Double> counts = new HashMap<>();
        for (String line : client.raw("/metrics").lines().toList()) {
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            Matcher label = LABEL.matcher(sample.group(1));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            String resource = labels.getOrDefault("resource", "")
                    + (labels.getOrDefault("subresource", "").isEmpty() ? "" : "/" + labels.get("subresource"));
            counts.merge(labels.getOrDefault("verb", "?") + " " + resource, Double.parseDouble(sample.group(2)),
                    Double::sum);
        }
        return new ApiRequests(counts);
    }

    /** "N in all: VERB resource n, …" for the requests since {@code earlier}, the largest first, those above 1%. */
    public String since(ApiRequests earlier) {
        Map<String, Long> delta = counts.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> Math.round(e.getValue() - earlier.counts.getOrDefault(e.getKey(), 0.0))));
        long total = delta.values().stream().mapToLong(Long::longValue).sum();
        return total + " in all: " + delta.entrySet().stream().filter(e -> e.getValue() * 100 > total)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
