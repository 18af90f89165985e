package dev.pyfleet.vmpool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.VMPoolSpec;
import dev.pyfleet.app.EffectivePoolSpec;
import dev.pyfleet.app.EffectiveSpec;
import dev.pyfleet.app.ProcessCommand;
import dev.pyfleet.kube.TemplateRevision;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * The #cloud-config a pool's VMs boot with: it installs the requested Python with uv into /opt/pyfleet/venv, the
 * pool's packages into it, and a systemd unit per PythonApp on the pool that runs the app as it would run in a Pod
 * (gunicorn, uvicorn or its command, on its port, as an unprivileged user). A user's own #cloud-config is merged in:
 * its lists run after ours, its other keys are taken as they are.
 */
public final class CloudInitUserData {

    static final String UV_VERSION = "0.9.5";
    static final String VENV = "/opt/pyfleet/venv";
    static final String HOMES = "/var/lib/pyfleet";
    /** Where a pool whose Python comes from its image finds the wheels of its packages. */
    static final String WHEELS = "/opt/pyfleet/wheels";
    /** Members may write to the pool's data disks. */
    static final String DISK_GROUP = "pyfleet-disks";
    /** Written last at first boot: the setup this disk has had, see {@link #rerunOnAKeptDisk}. */
    static final String SETUP_MARKER = HOMES + "/setup-revision";
    /** The per-instance cloud-init modules PyFleet's setup is made of (semaphores under /var/lib/cloud/instance). */
    private static final List<String> SETUP_MODULES = List.of("package_update_upgrade_install", "write_files",
            "mounts", "runcmd", "scripts_user");
    private static final List<String> MERGED_LISTS = List.of("packages", "write_files", "runcmd", "bootcmd",
            "mounts");
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .stringQuotingChecker(new Yaml11Quoting()).build());

    private CloudInitUserData() {
    }

    /** The systemd unit name of an app, e.g. {@code pyfleet-shop.service}. */
    public static String unitName(PythonApp app) {
        return "pyfleet-" + app.getMetadata().getName() + ".service";
    }

    /**
     * The app's own user on the VM: {@code pf-<app>}, or for a name too long for a Linux user name (32 characters)
     * its first 20 characters and a hash of the whole name, e.g. {@code pf-a-very-long-app-name-1a2b3c4d}.
     */
    static String userName(PythonApp app) {
        String name = app.getMetadata().getName();
        if (name.length() <= 29) {
            return "pf-" + name;
        }
        String hash = Integer.toHexString(name.hashCode() | 0x10000000);
        return "pf-" + name.substring(0, 20) + "-" + hash;
    }

    static String home(PythonApp app) {
        return HOMES + "/" + app.getMetadata().getName();
    }

    static String environmentPath(PythonApp app) {
        return "/etc/pyfleet/" + app.getMetadata().getName() + ".env";
    }

    public static String render(VMPoolSpec.VMTemplate vm, List<PythonApp> apps) {
        requireAPortEach(apps);
        Map<String, Object> config = new LinkedHashMap<>();
        if (source(vm.python()) == VMPoolSpec.PythonSpec.Source.Download) {
            // Only a pool that downloads asks the image's package mirror for anything.
            config.put("package_update", true);
            config.put("packages", new ArrayList<>(List.of("ca-certificates", "curl", "python3", "python3-venv")));
        }
        List<Map<String, Object>> files = new ArrayList<>();
        files.add(file("/opt/pyfleet/install-python.sh", "0755", installScript(vm.python())));
        // One user per app: apps sharing a VM cannot read each other's files, environment or process memory. Made
        // by the first boot commands, before any file is written, so that a file the pool's cloud-init writes under
        // an app's home cannot make that home root's (and so not the app's), and a file may name the app's user as
        // its owner. Boot commands run at every boot: a user that exists is left as it is.
        List<Object> bootcmd = new ArrayList<>();
        bootcmd.add(List.of("mkdir", "-p", HOMES));
        for (PythonApp app : apps) {
            bootcmd.add(List.of("sh", "-c", "id -u " + userName(app) + " >/dev/null 2>&1 || useradd --system "
                    + "--create-home --home-dir " + home(app) + " --shell /usr/sbin/nologin " + userName(app)));
        }
        config.put("bootcmd", bootcmd);
        List<Object> runcmd = new ArrayList<>();
        List<VMPoolSpec.DataDisk> disks = vm.dataDisks() == null ? List.of() : vm.dataDisks();
        if (!disks.isEmpty()) {
            dataDisks(config, runcmd, disks, apps);
        }
        runcmd.add(List.of("/opt/pyfleet/install-python.sh"));
        for (PythonApp app : apps) {
            files.add(file("/etc/systemd/system/" + unitName(app), "0644", unit(app, vm)));
            String environment = environmentFile(app);
            if (!environment.isEmpty()) {
                // Read by systemd (as root) before it drops to the app's user; nobody else may read the values.
                files.add(file(environmentPath(app), "0600", environment));
            }
        }
        files.add(file(GuestReadiness.SCRIPT, "0644", GuestReadiness.SCRIPT_SOURCE));
        files.add(file("/etc/systemd/system/" + GuestReadiness.UNIT, "0644", GuestReadiness.unit(apps)));
        boolean keptRootDisk = keptRootDisk(vm);
        if (keptRootDisk) {
            runcmd.add(List.of("sh", "-c", removeOtherApps(apps)));
        }
        runcmd.add(List.of("systemctl", "daemon-reload"));
        List<String> units = new ArrayList<>(apps.stream().map(CloudInitUserData::unitName).toList());
        units.add(GuestReadiness.UNIT);
        for (String unit : units) {
            runcmd.add(List.of("systemctl", "enable", "--now", unit));
            if (keptRootDisk) {
                runcmd.add(List.of("systemctl", "restart", unit));
            }
        }
        config.put("write_files", files);
        config.put("runcmd", runcmd);
        mergeUserConfig(config, vm.cloudInit());
        if (keptRootDisk) {
            rerunOnAKeptDisk(config);
        }
        try {
            return "#cloud-config\n" + YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render cloud-init user-data", e);
        }
    }

    /** Apps on one VM share its ports: two on the same one would leave one of them never answering. */
    private static void requireAPortEach(List<PythonApp> apps) {
        Map<Integer, String> byPort = new java.util.TreeMap<>();
        apps.stream().sorted(java.util.Comparator.comparing(app -> app.getMetadata().getName())).forEach(app -> {
            int port = new EffectiveSpec(app.getSpec()).port();
            String other = byPort.putIfAbsent(port, app.getMetadata().getName());
            if (other != null) {
                throw new InvalidCloudInitException("apps " + other + " and " + app.getMetadata().getName()
                        + " both listen on port " + port + ", and on the pool's VMs each app needs a port of its "
                        + "own: the VMs are left as they are until one of them changes");
            }
        });
    }

    private static boolean keptRootDisk(VMPoolSpec.VMTemplate vm) {
        return vm.rootDisk() != null && vm.rootDisk().onRollout() == VMPoolSpec.RootDisk.OnRollout.Keep;
    }

    /**
     * On a kept root disk, the units of apps no longer on the pool (and their env files) from an earlier setup: each
     * is stopped, disabled and removed, so a removed app does not start again at the next boot nor hold its port.
     */
    static String removeOtherApps(List<PythonApp> apps) {
        String keep = apps.stream().map(CloudInitUserData::unitName).collect(Collectors.joining("|"));
        return "for unit in /etc/systemd/system/pyfleet-*.service; do [ -e \"$unit\" ] || continue; "
                + "name=$(basename \"$unit\" .service); case \"$name.service\" in "
                + (keep.isEmpty() ? "" : keep + ") ;; ")
                + "*) systemctl disable --now \"$name.service\"; "
                + "rm -f \"$unit\" \"/etc/pyfleet/${name#pyfleet-}.env\";; "
                + "esac; done";
    }

    /** The guest's path of a data disk: KubeVirt gives it the disk's name as its serial. */
    static String devicePath(VMPoolSpec.DataDisk disk) {
        return "/dev/disk/by-id/virtio-" + disk.name();
    }

    /**
     * Each data disk formatted ext4 where it has no filesystem yet, and mounted at its path, writable by the apps'
     * users through one group (setgid, so their files stay in it). The format is a boot command of ours, not
     * cloud-init's fs_setup: that one makes a filesystem on a whole disk without looking for an existing one, and a
     * data disk outlives many first boots (each new root disk, each containerDisk restart). blkid's exit status 2
     * means it found no signature at all; anything else (a filesystem, an ambiguous probe, an error) leaves the disk
     * as it is.
     */
    private static void dataDisks(Map<String, Object> config, List<Object> runcmd, List<VMPoolSpec.DataDisk> disks,
            List<PythonApp> apps) {
        List<Object> bootcmd = new ArrayList<>();
        List<Object> mounts = new ArrayList<>();
        runcmd.add(List.of("groupadd", "--force", "--system", DISK_GROUP));
        for (PythonApp app : apps) {
            runcmd.add(List.of("usermod", "--append", "--groups", DISK_GROUP, userName(app)));
        }
        for (VMPoolSpec.DataDisk disk : disks) {
            String device = devicePath(disk);
            bootcmd.add(List.of("sh", "-c", "udevadm settle; [ -b " + device + " ] || exit 0; blkid -p " + device
                    + " >/dev/null 2>&1; [ $? -ne 2 ] || mkfs.ext4 -q " + device));
            // No dump and pass fields: cloud-init's defaults (0, 2). The writer would print them as numbers, and
            // cloud-init's schema wants strings; likewise the mode is symbolic (2770: setgid, group writes).
            mounts.add(List.of(device, disk.mountPath(), "ext4", "defaults,nofail"));
            runcmd.add(List.of("chgrp", DISK_GROUP, disk.mountPath()));
            runcmd.add(List.of("chmod", "u=rwx,g=rwxs,o=", disk.mountPath()));
        }
        @SuppressWarnings("unchecked")
        List<Object> boot = (List<Object>) config.computeIfAbsent("bootcmd", key -> new ArrayList<>());
        boot.addAll(bootcmd);
        config.put("mounts", mounts);
    }

    /**
     * On a root disk kept through a rollout, the new VM has the old one's name and so cloud-init's instance id
     * ({@code <vm>.<namespace>}): per-instance modules would not run, and the new user-data would be ignored. The
     * first boot command, which runs on every boot, compares the setup the disk has had with this user-data's and,
     * when they differ, clears the semaphores of the modules the setup is made of, so they run again; the last
     * command records the setup. Everything the setup does may run twice.
     */
    private static void rerunOnAKeptDisk(Map<String, Object> config) {
        String setup = TemplateRevision.of(config);
        String semaphores = SETUP_MODULES.stream().map(module -> "/var/lib/cloud/instance/sem/config_" + module)
                .collect(Collectors.joining(" "));
        List<Object> bootcmd = new ArrayList<>();
        bootcmd.add(List.of("sh", "-c", "[ \"$(cat " + SETUP_MARKER + " 2>/dev/null)\" = " + setup + " ] || rm -f "
                + semaphores));
        @SuppressWarnings("unchecked")
        List<Object> theirs = (List<Object>) config.getOrDefault("bootcmd", List.of());
        bootcmd.addAll(theirs);
        config.put("bootcmd", bootcmd);
        @SuppressWarnings("unchecked")
        List<Object> runcmd = (List<Object>) config.get("runcmd");
        runcmd.add(List.of("sh", "-c", "echo " + setup + " > " + SETUP_MARKER));
    }

    static VMPoolSpec.PythonSpec.Source source(VMPoolSpec.PythonSpec python) {
        return python.source() == null ? VMPoolSpec.PythonSpec.Source.Download : python.source();
    }

    /** Installs the pool's Python into {@link #VENV}, from where {@code python.source} says, and nowhere else. */
    static String installScript(VMPoolSpec.PythonSpec python) {
        return switch (source(python)) {
            case Download -> downloadScript(python);
            case Index -> imagePythonScript(python, "the image's python3 and packages from " + python.indexUrl(),
                    "--index-url '" + python.indexUrl() + "'", false);
            case Image -> imagePythonScript(python, "the image's python3 and wheels from " + WHEELS + " (offline)",
                    "--no-index --find-links " + WHEELS, true);
        };
    }

    private static String downloadScript(VMPoolSpec.PythonSpec python) {
        StringBuilder script = new StringBuilder("""
                #!/bin/sh
                # Installs Python %1$s and the pool's packages into %2$s (written by PyFleet).
                set -eu
                python3 -m venv /opt/pyfleet/bootstrap
                /opt/pyfleet/bootstrap/bin/pip install --no-cache-dir uv==%3$s
                export UV_PYTHON_INSTALL_DIR=/opt/pyfleet/python
                /opt/pyfleet/bootstrap/bin/uv python install %1$s
                /opt/pyfleet/bootstrap/bin/uv venv --python %1$s %2$s
                """.formatted(python.version(), VENV, UV_VERSION));
        if (python.packages() != null && !python.packages().isEmpty()) {
            script.append("/opt/pyfleet/bootstrap/bin/uv pip install --python ").append(VENV).append("/bin/python");
            packages(script, python);
        }
        return script.toString();
    }

    /**
     * A virtualenv of the image's own python3, which must be the asked version (said on the console and in
     * cloud-init's log when it is not, and the apps do not start), and pip installing the packages from where
     * {@code from} says.
     */
    private static String imagePythonScript(VMPoolSpec.PythonSpec python, String what, String from,
            boolean sitePackages) {
        String[] version = python.version().split("\\.");
        StringBuilder script = new StringBuilder("""
                #!/bin/sh
                # Makes %1$s from %2$s (written by PyFleet).
                set -eu
                fail() { echo "pyfleet: $*" | tee /dev/console >&2; exit 1; }
                python3 -c 'import sys; sys.exit(sys.version_info[:2] != (%3$s, %4$s))' \\
                  || fail "the pool asks for Python %5$s; the image's python3 is $(python3 -V 2>&1)"
                python3 -c 'import ensurepip, venv' 2>/dev/null \\
                  || fail "the image's python3 cannot make a virtualenv with pip (Debian: python3-venv)"
                python3 -m venv%6$s %1$s
                """.formatted(VENV, what, version[0], version[1], python.version(),
                sitePackages ? " --system-site-packages" : ""));
        if (python.packages() != null && !python.packages().isEmpty()) {
            script.append(VENV).append("/bin/pip install --no-cache-dir --disable-pip-version-check ")
                    .append(from);
            packages(script, python);
        }
        return script.toString();
    }

    private static void packages(StringBuilder script, VMPoolSpec.PythonSpec python) {
        // The schema allows no quote in a requirement, so single quotes keep <, > and ! away from the shell.
        python.packages().forEach(p -> script.append(" '").append(p).append('\''));
        script.append('\n');
    }

    static String unit(PythonApp app, VMPoolSpec.VMTemplate vm) {
        EffectiveSpec spec = new EffectiveSpec(app.getSpec());
        int port = spec.port();
        var guest = new ResourceRequirements(null, Map.of("cpu",
                new Quantity(String.valueOf(EffectivePoolSpec.cpu(vm))), "memory", new Quantity(vm.memory())), null);
        int workers = spec.workersWithin(guest);
        List<String> command = new ArrayList<>(ProcessCommand.of(app.getSpec(), port, workers));
        if (!command.isEmpty() && !command.get(0).startsWith("/")) {
            command.set(0, VENV + "/bin/" + command.get(0));
        }
        StringBuilder unit = new StringBuilder();
        unit.append("[Unit]\n")
                .append("Description=").append(oneLine("PyFleet app " + app.getMetadata().getNamespace() + "/"
                        + app.getMetadata().getName() + " (" + app.getSpec().image() + ")")).append('\n')
                .append("After=network-online.target\nWants=network-online.target\n\n")
                .append("[Service]\nUser=").append(userName(app)).append('\n')
                .append("WorkingDirectory=").append(home(app)).append('\n')
                .append(environment("PORT", String.valueOf(port)))
                .append(environment("PYTHONUNBUFFERED", "1"))
                .append(environment("WEB_CONCURRENCY", String.valueOf(workers)))
                .append(environment("PATH", VENV + "/bin:/usr/local/bin:/usr/bin:/bin"));
        if (!environmentFile(app).isEmpty()) {
            unit.append("EnvironmentFile=").append(environmentPath(app)).append('\n');
        }
        unit.append("ExecStart=").append(String.join(" ", command.stream().map(CloudInitUserData::quoteArg)
                .toList())).append('\n')
                .append("Restart=always\nRestartSec=2\n\n[Install]\nWantedBy=multi-user.target\n");
        return unit.toString();
    }

    /**
     * The app's literal env values, one {@code NAME="value"} per line: systemd reads a double-quoted value with the
     * shell's backslash rules, so \\, ", $ and ` are escaped and a value may span lines as written.
     */
    static String environmentFile(PythonApp app) {
        StringBuilder file = new StringBuilder();
        if (app.getSpec().env() != null) {
            for (EnvVar env : app.getSpec().env()) {
                if (env.getValue() != null) {
                    file.append(env.getName()).append("=\"").append(env.getValue().replace("\\", "\\\\")
                            .replace("\"", "\\\"").replace("$", "\\$").replace("`", "\\`")).append("\"\n");
                }
            }
        }
        return file.toString();
    }

    /** Text for a single-line unit setting: control characters become spaces, % (a specifier) is doubled. */
    private static String oneLine(String text) {
        return text.replaceAll("\\p{Cntrl}", " ").replace("%", "%%");
    }

    /** systemd quoting: double quotes around the assignment, with \, " and the % specifier escaped. */
    private static String environment(String name, String value) {
        return "Environment=\"" + escape(name + "=" + value) + "\"\n";
    }

    /** An argument of a unit's ExecStart, quoted for systemd where it needs to be. */
    static String quoteArg(String arg) {
        return arg.matches("[A-Za-z0-9_./:=@+,-]+") ? arg : "\"" + escape(arg) + "\"";
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%").replace("\n", " ");
    }

    private static Map<String, Object> file(String path, String permissions, String content) {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("path", path);
        file.put("permissions", permissions);
        file.put("content", content);
        return file;
    }

    @SuppressWarnings("unchecked")
    private static void mergeUserConfig(Map<String, Object> config, String userData) {
        if (userData == null || userData.isBlank()) {
            return;
        }
        Map<String, Object> user;
        try {
            user = YAML.readValue(userData, Map.class);
        } catch (JsonProcessingException e) {
            throw new InvalidCloudInitException("vm.cloudInit is not valid YAML: " + e.getOriginalMessage());
        }
        if (user == null) {
            return;
        }
        user.forEach((key, value) -> {
            if (MERGED_LISTS.contains(key) && value instanceof List<?> list) {
                ((List<Object>) config.computeIfAbsent(key, k -> new ArrayList<>())).addAll(list);
            } else {
                config.put(key, value);
            }
        });
    }

    /**
     * Strings plain where they read back as themselves, quoted where cloud-init's YAML 1.1 reader would take them for
     * something else: a number ({@code 123}, {@code 0644} octal, {@code 12:30} sexagesimal, {@code 1_000}), a
     * boolean ({@code yes}, {@code off}), a null, a date. The reader's own rules decide (SnakeYAML's resolver is YAML
     * 1.1's, as PyYAML's), not a list of look-alikes kept here.
     */
    private static final class Yaml11Quoting extends StringQuotingChecker.Default {

        private static final Resolver YAML_1_1 = new Resolver();

        @Override
        public boolean needToQuoteName(String name) {
            return super.needToQuoteName(name) || readsAsOtherThanAString(name);
        }

        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value) || readsAsOtherThanAString(value);
        }

        private static boolean readsAsOtherThanAString(String text) {
            return !Tag.STR.equals(YAML_1_1.resolve(NodeId.scalar, text, true));
        }
    }

    /**
     * The pool's user-data cannot be rendered (the user's cloud-init cannot be merged, or its apps clash); reported in
     * the pool's status, never thrown at the reconciler loop.
     */
    public static final class InvalidCloudInitException extends RuntimeException {
        InvalidCloudInitException(String message) {
            super(message);
        }
    }
}
