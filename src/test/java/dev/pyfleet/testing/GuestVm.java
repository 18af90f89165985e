package dev.pyfleet.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real guest booted the way virt-launcher would boot a pool's VM: the guest disk {@code hack/guest-image.sh}
 * builds (an overlay of it, so the cached disk is never written), a NoCloud seed of the user-data the VM names, and
 * QEMU with a software CPU. Its network is QEMU's user network with {@code restrict=on}: the guest reaches nothing
 * beyond the VM, and only the given guest ports are forwarded, each to a port of its own on 127.0.0.1.
 */
public final class GuestVm implements AutoCloseable {

    private final Process qemu;
    private final Path disk;
    private final Path console;
    private final Map<Integer, Integer> forwarded;

    private GuestVm(Process qemu, Path disk, Path console, Map<Integer, Integer> forwarded) {
        this.qemu = qemu;
        this.disk = disk;
        this.console = console;
        this.forwarded = forwarded;
    }

    /** The guest disk, built (or found cached) by {@code hack/guest-image.sh}; its output when that fails. */
    public static Path guestImage() {
        CommandResult built = CommandResult.run(List.of("bash", "hack/guest-image.sh"), ControlPlane.repoPath(""),
                Map.of());
        if (built.exitCode() != 0) {
            throw new IllegalStateException("hack/guest-image.sh failed:\n" + built.output());
        }
        String[] lines = built.output().strip().split("\n");
        return Path.of(lines[lines.length - 1].strip());
    }

    /**
     * Boots a guest named {@code name} with cloud-init instance id {@code instanceId} (KubeVirt's is
     * {@code <vm>.<namespace>}), {@code memoryMiB} of memory and {@code cpus} virtual CPUs.
     */
    public static GuestVm boot(Path image, Path workDir, String name, String instanceId, String userData,
            int memoryMiB, int cpus, List<Integer> guestPorts) throws IOException {
        Files.createDirectories(workDir);
        Path seed = workDir.resolve("seed");
        Files.createDirectories(seed);
        Files.writeString(seed.resolve("user-data"), userData);
        Files.writeString(seed.resolve("meta-data"), "instance-id: " + instanceId + "\nlocal-hostname: " + name
                + "\n");
        run(List.of("genisoimage", "-quiet", "-output", workDir.resolve("seed.iso").toString(), "-volid", "cidata",
                "-joliet", "-rock", seed.resolve("user-data").toString(), seed.resolve("meta-data").toString()));
        Path disk = workDir.resolve("disk.qcow2");
        run(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b",
                image.resolve("root.qcow2").toString(), disk.toString()));
        Map<Integer, Integer> forwarded = new LinkedHashMap<>();
        StringBuilder nic = new StringBuilder("user,model=virtio-net-pci,restrict=on");
        for (int guestPort : guestPorts) {
            int hostPort = OperatorProcess.freePort();
            forwarded.put(guestPort, hostPort);
            nic.append(",hostfwd=tcp:127.0.0.1:").append(hostPort).append("-:").append(guestPort);
        }
        Path console = workDir.resolve("console.log");
        List<String> command = new ArrayList<>(List.of("qemu-system-x86_64", "-accel", "tcg",
                "-m", String.valueOf(memoryMiB), "-smp", String.valueOf(cpus), "-display", "none",
                "-monitor", "none", "-serial", "file:" + console, "-no-reboot",
                "-kernel", image.resolve("vmlinuz").toString(), "-initrd", image.resolve("initrd.img").toString(),
                "-append", "root=/dev/vda rw console=ttyS0",
                "-drive", "file=" + disk + ",if=virtio",
                "-drive", "file=" + workDir.resolve("seed.iso") + ",if=virtio,format=raw,readonly=on",
                "-nic", nic.toString()));
        Process qemu = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("qemu.log").toFile()).start();
        return new GuestVm(qemu, disk, console, forwarded);
    }

    /** The port on 127.0.0.1 that reaches the guest's {@code guestPort}. */
    public int hostPort(int guestPort) {
        Integer port = forwarded.get(guestPort);
        if (port == null) {
            throw new IllegalArgumentException("guest port " + guestPort + " is not forwarded: " + forwarded.keySet());
        }
        return port;
    }

    public boolean isRunning() {
        return qemu.isAlive();
    }

    /** What the guest wrote to its serial console so far (kernel, systemd, cloud-init). */
    public String console() {
        try {
            return Files.exists(console) ? Files.readString(console, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(console unreadable: " + e.getMessage() + ")";
        }
    }

    /** The console's last lines, for a failure message. */
    public String consoleTail(int lines) {
        List<String> all = console().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Stops QEMU and deletes the guest's disk (tens of MiB); its console and QEMU's log stay for a look. */
    @Override
    public void close() throws InterruptedException, IOException {
        qemu.destroy();
        if (!qemu.waitFor(10, TimeUnit.SECONDS)) {
            qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(disk);
    }

    private static void run(List<String> command) throws IOException {
        CommandResult result = CommandResult.run(command, Path.of("."), Map.of());
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + result.output());
        }
    }
}
