package dev.pyfleet.pythonapp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.pyfleet.bench.BenchReport;
import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.ImageJvm;
import dev.pyfleet.testing.MemoryCgroup;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The operator's memory at 0, 1,000 and 5,000 apps as the chart runs it: the image's JVM flags (read from the
 * Dockerfile) inside a memory cgroup limited to the chart's default memory limit (read from values.yaml), so the JVM
 * sizes itself as in a container and the kernel kills it if it goes over. Native memory tracking and a class
 * histogram at each step say where the memory goes.
 */
class OperatorMemoryBench {

    static final int APPS = 1000;
    static final int MORE_APPS = 4000;
    static final Duration TRIM_WAIT = Duration.ofSeconds(12);

    @Test
    void memoryWithTheChartDefaults() throws Exception {
        Path repo = Path.of(System.getProperty("pyfleet.repo", ".")).toAbsolutePath();
        List<String> jvmFlags = ImageJvm.flags(repo);
        Quantity limit = chartMemoryLimit(repo);
        long limitBytes = Quantity.getAmountInBytes(limit).longValueExact();
        List<String> options = new ArrayList<>(List.of("-Dpyfleet.scheduler.enabled=false",
                "-XX:NativeMemoryTracking=summary"));
        options.addAll(jvmFlags);
        StringBuilder raw = new StringBuilder("JVM flags: " + jvmFlags + "; environment " + ImageJvm.environment(repo)
                + "; memory limit " + limit + "\n");
        try (ControlPlane cluster = ControlPlane.dedicated("memory", Map.of(), "--nodes", "50", "--pods", "250",
                "--cpu", "64", "--memory", "256Gi");
                KubernetesClient client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                        new io.fabric8.kubernetes.client.ConfigBuilder(cluster.config()).withRequestTimeout(120_000)
                                .build()).build();
                MemoryCgroup cgroup = MemoryCgroup.create("pyfleet-bench-memory", limitBytes);
                OperatorProcess operator = new OperatorProcess(cluster.kubeconfig(), OperatorProcess.freePort(),
                        launcher(ImageJvm.environment(repo), cgroup), options)) {
            operator.awaitReady(Duration.ofSeconds(90));
            Thread.sleep(5000);
            Memory idle = measure(operator, cgroup, "no apps", raw);
            TestNamespace.create(client, "apps");
            TestNamespace.create(client, "more-apps");
            double thousandTook = FleetScaleBench.timeUntilAppsReady(client, "apps", APPS, 3).seconds();
            Memory thousand = measure(operator, cgroup, "1,000 apps", raw);
            double moreTook = FleetScaleBench.timeUntilAppsReady(client, "more-apps", MORE_APPS, 1).seconds();
            Memory fiveThousand = measure(operator, cgroup, "5,000 apps", raw);
            if (!operator.isAlive() || cgroup.oomKills() > 0) {
                throw new IllegalStateException("the operator did not survive its memory limit (OOM kills: "
                        + cgroup.oomKills() + "):\n" + operator.log());
            }
            raw.append("1,000 apps x 3 Ready in %.1f s; 4,000 more x 1 Ready in %.1f s; cgroup peak %d MiB; OOM kills %d%n"
                    .formatted(thousandTook, moreTook, cgroup.peakBytes() / 1048576, cgroup.oomKills()));

            BenchReport.write("operator-memory", "(e) Operator memory with the chart's defaults", "make bench",
                    """
                    | apps in the cluster | heap used after full GC | heap committed | RSS | of which Java heap / class metadata / code / threads / GC / other native |
                    |---|---:|---:|---:|---|
                    | no apps | %s |
                    | 1,000 apps (3,000 Pods) | %s |
                    | 5,000 apps (1,000 x 3 + 4,000 x 1 = 7,000 Pods) | %s |

                    The operator ran from the packaged jar with the image's JVM flags (`%s`, and %s, from the Dockerfile)
                    inside a memory cgroup limited to the chart's default limit (%s, from values.yaml), so the JVM
                    sized its heap from the limit as it does in the container; it was not killed (OOM kills: %d, the
                    cgroup's peak, page cache included: %d MiB). One local control plane with 50 KWOK nodes; 1,000 apps
                    of 3 replicas (Ready in %.1f s), then 4,000 more of 1 replica (Ready in %.1f s), Pods through
                    the default scheduler (pyfleet.scheduler.enabled=false). Heap used is read after `jcmd GC.run`
                    (the live set), the RSS %d s later (after one periodic trim of the C heap); the split of the RSS
                    is native memory tracking's committed memory (the bench adds `-XX:NativeMemoryTracking=summary`,
                    which costs a few MiB itself); the raw output has, per step, the RSS split into anonymous and
                    file-backed pages (/proc/PID/smaps_rollup) and the top of the class histogram.
                    """.formatted(idle, thousand, fiveThousand, String.join(" ", jvmFlags),
                    String.join(" ", ImageJvm.environment(repo)), limit,
                    cgroup.oomKills(), cgroup.peakBytes() / 1048576, thousandTook, moreTook,
                    TRIM_WAIT.toSeconds()), raw.toString());
        }
    }

    private static List<String> launcher(List<String> environment, MemoryCgroup cgroup) {
        List<String> launcher = new ArrayList<>();
        if (!environment.isEmpty()) {
            launcher.add("env");
            launcher.addAll(environment);
        }
        launcher.addAll(cgroup.launcher());
        return launcher;
    }

    static Quantity chartMemoryLimit(Path repo) throws Exception {
        JsonNode values = new YAMLMapper().readTree(repo.resolve("helm/pyfleet/values.yaml").toFile());
        return new Quantity(values.path("resources").path("limits").path("memory").asText());
    }

    record Memory(long heapUsed, long heapCommitted, long rss, String split) {
        @Override
        public String toString() {
            return "%d MiB | %d MiB | %d MiB | %s".formatted(heapUsed >> 20, heapCommitted >> 20, rss >> 20, split);
        }
    }

    private static Memory measure(OperatorProcess operator, MemoryCgroup cgroup, String step, StringBuilder raw)
            throws Exception {
        String gc = jcmd(operator, "GC.run");
        // Long enough for the image's periodic trim of the C heap (TrimNativeHeapInterval) to have run once after
        // the collection: what a steady operator holds, not what the last burst left in malloc's free lists.
        Thread.sleep(TRIM_WAIT.toMillis());
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + operator.managementPort() + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        long heapUsed = (long) sum(metrics, "jvm_memory_used_bytes{", "area=\"heap\"");
        long heapCommitted = (long) sum(metrics, "jvm_memory_committed_bytes{", "area=\"heap\"");
        long rss = 1024 * Files.readAllLines(Path.of("/proc/" + operator.pid() + "/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).map(l -> l.replaceAll("[^0-9]", "")).mapToLong(Long::parseLong)
                .findFirst().orElseThrow();
        String nmt = jcmd(operator, "VM.native_memory", "summary");
        String mapped = residentByKind(operator.pid());
        String histogram = jcmd(operator, "GC.class_histogram");
        raw.append("== ").append(step).append(": heap used ").append(heapUsed >> 20).append(" MiB, committed ")
                .append(heapCommitted >> 20).append(" MiB, RSS ").append(rss >> 20).append(" MiB, cgroup peak ")
                .append(cgroup.peakBytes() >> 20).append(" MiB; resident: ").append(mapped).append("\n")
                .append(gc.isBlank() ? "" : "")
                .append(nmt.strip()).append("\n-- top of the class histogram\n")
                .append(String.join("\n", histogram.lines().limit(28).toList())).append("\n\n");
        return new Memory(heapUsed, heapCommitted, rss, split(nmt));
    }

    /**
     * The RSS by where it lives (/proc/PID/smaps_rollup): anonymous memory (the heap, and what the JVM and the C
     * library allocate) and file-backed pages (the JVM's own libraries, the class-data archive, the jars).
     */
    static String residentByKind(long pid) throws Exception {
        Map<String, Long> kb = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3 && parts[2].equals("kB")) {
                kb.put(parts[0].replace(":", ""), Long.parseLong(parts[1]));
            }
        }
        long rss = kb.getOrDefault("Rss", 0L);
        long anonymous = kb.getOrDefault("Anonymous", 0L);
        return "anonymous %d MiB, file-backed %d MiB".formatted(anonymous >> 10, (rss - anonymous) >> 10);
    }

    /** "heap / class / code / thread / GC / rest" in MiB from NMT's committed column. */
    static String split(String nmt) {
        long total = committed(nmt, "Total");
        long heap = committed(nmt, "Java Heap");
        long klass = committed(nmt, "Class");
        long code = committed(nmt, "Code");
        long thread = committed(nmt, "Thread");
        long gc = committed(nmt, "GC");
        long rest = total - heap - klass - code - thread - gc;
        return "%d / %d / %d / %d / %d / %d MiB".formatted(heap >> 10, klass >> 10, code >> 10, thread >> 10,
                gc >> 10, rest >> 10);
    }

    /** Committed KB of one NMT category, e.g. "-  Java Heap (reserved=..KB, committed=..KB)". */
    private static long committed(String nmt, String category) {
        Matcher m = Pattern.compile("(?m)^(?:-\\s*)?" + Pattern.quote(category)
                + "(?: \\(reserved=\\d+KB, committed=(\\d+)KB\\)|: reserved=\\d+KB, committed=(\\d+)KB)").matcher(nmt);
        if (!m.find()) {
            throw new IllegalStateException("no " + category + " in the native memory summary:\n" + nmt);
        }
        return Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
    }

    private static double sum(String metrics, String prefix, String label) {
        return metrics.lines().filter(l -> l.startsWith(prefix) && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static String jcmd(OperatorProcess operator, String... command) {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        List<String> line = new ArrayList<>(List.of(jcmd.toString(), Long.toString(operator.pid())));
        line.addAll(List.of(command));
        CommandResult result = CommandResult.run(line, Path.of("."), Map.of());
        if (result.exitCode() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + result.output());
        }
        return result.output();
    }
}
