package dev.pyfleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU seconds the processes of a local cluster have used, read from /proc, so that a bench can say what one of its
 * runs cost each process (the operator, each scheduler, the API server, etcd, KWOK, the bench's own client) and not
 * only how long it took. Linux only; elsewhere the readings are empty.
 */
public final class ProcessCpu {

    /** USER_HZ, which /proc/PID/stat counts in; 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100.0;
    /**
     * The cluster's processes by the name /proc/PID/stat gives them: the executable's name cut to 15 characters
     * (the kernel's TASK_COMM_LEN), so kube-controller-manager is "kube-controller" there.
     */
    private static final Map<String, String> CLUSTER = java.util.stream.Stream.of("etcd", "kube-apiserver",
            "kube-controller-manager", "kube-scheduler", "kwok")
            .collect(java.util.stream.Collectors.toMap(ProcessCpu::comm, name -> name));

    private final Map<String, Double> seconds;

    private ProcessCpu(Map<String, Double> seconds) {
        this.seconds = seconds;
    }

    /** The CPU seconds used so far by the cluster's processes, the operator (by pid) and this JVM. */
    public static ProcessCpu read(long operatorPid) {
        Map<String, Double> seconds = new TreeMap<>();
        long self = ProcessHandle.current().pid();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path dir : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                long pid = Long.parseLong(dir.getFileName().toString());
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String name = pid == operatorPid ? "operator" : pid == self ? "bench client"
                            : CLUSTER.containsKey(comm) ? label(CLUSTER.get(comm), dir) : null;
                    if (name != null) {
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        double used = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
                        seconds.merge(name, used, Double::sum);
                    }
                } catch (IOException | RuntimeException gone) {
                    // The process ended between the listing and the read: it used nothing in this window.
                }
            }
        } catch (IOException e) {
            return new ProcessCpu(Map.of());
        }
        return new ProcessCpu(seconds);
    }

    static String comm(String executable) {
        return executable.length() <= 15 ? executable : executable.substring(0, 15);
    }

    /** kube-scheduler runs twice: told apart by the configuration each was started with. */
    private static String label(String comm, Path dir) throws IOException {
        if (!comm.equals("kube-scheduler")) {
            return comm;
        }
        String cmdline = Files.readString(dir.resolve("cmdline")).replace('\0', ' ');
        return cmdline.contains("pyfleet-scheduler") ? "pyfleet-scheduler" : "default-scheduler";
    }

    /** "name 1.2 s, …" for what each process used since {@code earlier}, largest first. */
    public String since(ProcessCpu earlier) {
        return seconds.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - earlier.seconds.getOrDefault(e.getKey(), 0.0)))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> "%s %.1f s".formatted(e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
    }
}
