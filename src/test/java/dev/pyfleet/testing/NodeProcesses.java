package dev.pyfleet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The processes a real node runs for one Pod, read from the host: the Pod's cgroup (the node's cgroup root, then
 * kubepods/.../pod&lt;uid&gt;) lists them, /proc tells their command line, user and environment. Independent of the
 * API server and of anything the image contains.
 */
public final class NodeProcesses {

    /** One process: its parent, arguments, real user id and environment. */
    public record Process(int pid, int parent, List<String> command, int uid, Map<String, String> environment) {

        public boolean runs(String program) {
            return command.stream().anyMatch(arg -> arg.equals(program) || arg.endsWith("/" + program));
        }
    }

    private NodeProcesses() {
    }

    /** Every process in the Pod with this uid on real node {@code node} of the control plane. */
    public static List<Process> ofPod(ControlPlane cluster, int node, String podUid) {
        String slot = read(cluster.stateDir().resolve("real-nodes/slot")).strip();
        Path nodeRoot = Path.of("/sys/fs/cgroup/pids/pyfleet-s" + slot + "-n" + node);
        String podDir = "pod" + podUid;
        List<Process> processes = new ArrayList<>();
        try (Stream<Path> tree = Files.walk(nodeRoot)) {
            for (Path procs : tree.filter(p -> p.getFileName().toString().equals("cgroup.procs"))
                    .filter(p -> p.toString().contains("/" + podDir + "/")).toList()) {
                for (String pid : read(procs).split("\\s+")) {
                    if (!pid.isBlank()) {
                        describe(Integer.parseInt(pid)).ifPresent(processes::add);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return processes;
    }

    private static java.util.Optional<Process> describe(int pid) {
        Path proc = Path.of("/proc", Integer.toString(pid));
        try {
            List<String> command = split(Files.readAllBytes(proc.resolve("cmdline")));
            List<String> status = Files.readAllLines(proc.resolve("status"));
            int uid = field(status, "Uid:");
            int parent = field(status, "PPid:");
            Map<String, String> environment = new LinkedHashMap<>();
            for (String entry : split(Files.readAllBytes(proc.resolve("environ")))) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    environment.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
            return java.util.Optional.of(new Process(pid, parent, command, uid, environment));
        } catch (IOException gone) {
            return java.util.Optional.empty();
        }
    }

    private static int field(List<String> status, String name) {
        return status.stream().filter(l -> l.startsWith(name)).map(l -> Integer.parseInt(l.split("\\s+")[1]))
                .findFirst().orElse(-1);
    }

    private static List<String> split(byte[] nulSeparated) {
        return Arrays.stream(new String(nulSeparated, StandardCharsets.UTF_8).split("\0"))
                .filter(s -> !s.isEmpty()).toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
