package dev.pyfleet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A memory cgroup (v1 or v2) with a hard limit, as a container runtime makes for a Pod's memory limit: the JVM inside
 * sizes itself from it, and the kernel kills the process that goes over it. Needs root; closing it removes it.
 */
public final class MemoryCgroup implements AutoCloseable {

    private final Path dir;
    private final boolean v2;

    private MemoryCgroup(Path dir, boolean v2) {
        this.dir = dir;
        this.v2 = v2;
    }

    /** A new cgroup named after this JVM, limited to the given bytes. */
    public static MemoryCgroup create(String name, long limitBytes) {
        Path v1Root = Path.of("/sys/fs/cgroup/memory");
        boolean v2 = !Files.isDirectory(v1Root);
        Path dir = (v2 ? Path.of("/sys/fs/cgroup") : v1Root).resolve(name + "-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"), Long.toString(limitBytes));
            if (!v2) {
                // No swap: over the limit means killed, as on a node without swap.
                Path swap = dir.resolve("memory.memsw.limit_in_bytes");
                if (Files.exists(swap)) {
                    Files.writeString(swap, Long.toString(limitBytes));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the memory cgroup " + dir + " (root and a memory cgroup "
                    + "hierarchy are needed)", e);
        }
        return new MemoryCgroup(dir, v2);
    }

    /** A launcher for {@link OperatorProcess}: the shell joins the cgroup, then execs the java command line. */
    public List<String> launcher() {
        return List.of("sh", "-c", "echo $$ > " + dir.resolve("cgroup.procs") + " && exec \"$@\"", "in-cgroup");
    }

    /** The most memory the cgroup has held at once (page cache included), or -1 where the kernel does not say. */
    public long peakBytes() {
        return readLong(v2 ? "memory.peak" : "memory.max_usage_in_bytes");
    }

    /** How many processes the kernel killed for going over the limit. */
    public long oomKills() {
        String file = v2 ? "memory.events" : "memory.oom_control";
        try {
            return Files.readAllLines(dir.resolve(file)).stream().filter(l -> l.startsWith("oom_kill "))
                    .mapToLong(l -> Long.parseLong(l.substring("oom_kill ".length()).trim())).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long readLong(String file) {
        try {
            Path path = dir.resolve(file);
            return Files.exists(path) ? Long.parseLong(Files.readString(path).trim()) : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            for (int attempt = 0; attempt < 50 && Files.exists(dir); attempt++) {
                try {
                    Files.delete(dir);
                } catch (IOException busy) {
                    // a process is still leaving it
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
