package dev.pyfleet.vmpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.VMPoolSpec;

class CloudInitUserDataTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static final VMPoolSpec.VMTemplate VM = new VMPoolSpec.VMTemplate(2, "4Gi", "quay.io/containerdisks/debian:12",
            new VMPoolSpec.PythonSpec("3.12", List.of("gunicorn==23.0.0", "uvicorn[standard]>=0.30")), null, null);

    static final List<PythonApp> TWO_APPS = List.of(
            PoolFixtures.app("shop", "{type: wsgi, module: \"shop.wsgi:application\"}", 8080),
            PoolFixtures.app("api", "{type: asgi, module: \"api.main:app\", workers: 2}", 8000));

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String userData) throws Exception {
        assertThat(userData).startsWith("#cloud-config\n");
        return YAML.readValue(userData, Map.class);
    }

    @Test
    void userDataInstallsTheRequestedPythonAndPackages() throws Exception {
        Map<String, Object> config = parse(CloudInitUserData.render(VM, TWO_APPS));
        @SuppressWarnings("unchecked")
        var files = (List<Map<String, Object>>) config.get("write_files");
        String script = (String) files.get(0).get("content");
        assertThat(files.get(0)).containsEntry("path", "/opt/pyfleet/install-python.sh");
        assertThat(script).contains("uv python install 3.12", "uv venv --python 3.12 /opt/pyfleet/venv",
                "'gunicorn==23.0.0' 'uvicorn[standard]>=0.30'");
    }

    @Test
    void everyAppGetsASystemdUnitThatRunsItOnItsPortAndIsStarted() throws Exception {
        Map<String, Object> config = parse(CloudInitUserData.render(VM, TWO_APPS));
        @SuppressWarnings("unchecked")
        var files = (List<Map<String, Object>>) config.get("write_files");
        var units = files.stream().filter(f -> f.get("path").toString().startsWith("/etc/systemd/system/"))
                .collect(java.util.stream.Collectors.toMap(f -> f.get("path").toString(), f -> f.get("content")
                        .toString()));
        assertThat(units.get("/etc/systemd/system/pyfleet-shop.service"))
                .contains("ExecStart=/opt/pyfleet/venv/bin/gunicorn --bind 0.0.0.0:8080 --workers 5")
                .contains("Environment=\"PORT=8080\"")
                .contains("User=pf-shop\n", "WorkingDirectory=/var/lib/pyfleet/shop\n",
                        "EnvironmentFile=/etc/pyfleet/shop.env\n")
                .doesNotContain("GREETING");
        assertThat(units.get("/etc/systemd/system/pyfleet-api.service"))
                .contains("ExecStart=/opt/pyfleet/venv/bin/uvicorn api.main:app --host 0.0.0.0 --port 8000 "
                        + "--workers 2");
        assertThat(config.get("runcmd").toString())
                .contains("[systemctl, enable, --now, pyfleet-shop.service]")
                .contains("[systemctl, enable, --now, pyfleet-api.service]");
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachAppRunsAsItsOwnUserWithItsEnvValuesInAFileOnlyRootReads() throws Exception {
        Map<String, Object> config = parse(CloudInitUserData.render(VM, TWO_APPS));
        var files = (List<Map<String, Object>>) config.get("write_files");
        assertThat(files).filteredOn(f -> f.get("path").equals("/etc/pyfleet/shop.env")).singleElement()
                .satisfies(f -> {
                    assertThat(f).containsEntry("permissions", "0600");
                    // Double-quoted as systemd reads it: \, ", $ and ` escaped; % is no specifier there.
                    assertThat(f.get("content")).isEqualTo("GREETING=\"50% \\\"off\\\"\"\n");
                });
        assertThat((List<Object>) config.get("bootcmd")).as("users before any file is written").containsSubsequence(
                List.of("mkdir", "-p", "/var/lib/pyfleet"),
                List.of("sh", "-c", "id -u pf-shop >/dev/null 2>&1 || useradd --system --create-home --home-dir "
                        + "/var/lib/pyfleet/shop --shell /usr/sbin/nologin pf-shop"),
                List.of("sh", "-c", "id -u pf-api >/dev/null 2>&1 || useradd --system --create-home --home-dir "
                        + "/var/lib/pyfleet/api --shell /usr/sbin/nologin pf-api"));
        assertThat(config.get("runcmd").toString()).doesNotContain("useradd");
    }

    @Test
    void aLongAppNameGetsAUserNameLinuxAccepts() {
        PythonApp longName = PoolFixtures.app("a-very-long-app-name-for-a-user", "{type: wsgi, module: \"m:app\"}",
                8080);
        PythonApp other = PoolFixtures.app("a-very-long-app-name-for-a-usr2", "{type: wsgi, module: \"m:app\"}",
                8080);
        assertThat(CloudInitUserData.userName(longName)).hasSize(32).startsWith("pf-a-very-long-app-name-")
                .matches("[a-z][-a-z0-9_]*").isNotEqualTo(CloudInitUserData.userName(other));
        assertThat(CloudInitUserData.userName(PoolFixtures.app("a".repeat(29), "{type: wsgi, module: \"m:app\"}",
                8080))).isEqualTo("pf-" + "a".repeat(29));
    }

    @Test
    void anImageWithALineBreakCannotAddUnitSettings() throws Exception {
        PythonApp hostile = PoolFixtures.app("shop", "{type: wsgi, module: \"shop.wsgi:application\"}", 8080,
                "shop:1\nExecStartPre=+/bin/sh -c id 100%");
        String unit = CloudInitUserData.unit(hostile, VM);
        assertThat(unit).contains("Description=PyFleet app ").contains("(shop:1 ExecStartPre=+/bin/sh -c id 100%%)")
                .doesNotContain("\nExecStartPre");
    }

    @Test
    @SuppressWarnings("unchecked")
    void usersCloudConfigIsMergedAfterOurs() throws Exception {
        var vm = new VMPoolSpec.VMTemplate(2, "4Gi", "img", VM.python(), """
                #cloud-config
                timezone: Europe/Berlin
                packages: [htop]
                runcmd:
                  - [touch, /var/lib/custom-done]
                bootcmd:
                  - [echo, early]
                """, null);
        Map<String, Object> config = parse(CloudInitUserData.render(vm, List.of()));
        assertThat(config).containsEntry("timezone", "Europe/Berlin");
        assertThat((List<Object>) config.get("packages")).startsWith("ca-certificates").endsWith("htop");
        assertThat((List<Object>) config.get("runcmd")).last().isEqualTo(List.of("touch", "/var/lib/custom-done"));
        assertThat((List<Object>) config.get("bootcmd")).as("theirs after ours").containsExactly(
                List.of("mkdir", "-p", "/var/lib/pyfleet"), List.of("echo", "early"));
    }

    /**
     * cloud-init reads user-data as YAML 1.1, where a plain 0644 is an octal number, 12:30 a sexagesimal one, yes a
     * boolean: a string of the user's (or ours) that reads so comes out quoted, and reads back as the same string.
     */
    @Test
    @SuppressWarnings("unchecked")
    void stringsThatYaml11ReadsAsSomethingElseStayStrings() throws Exception {
        List<String> tricky = List.of("123", "0644", "12:30", "1_000", "0x1F", "yes", "off", "~", "null", "1.5",
                ".inf", "2026-12-07", "hello");
        String files = tricky.stream().map(t -> "  - {path: /etc/t/" + tricky.indexOf(t) + ", content: \"" + t
                + "\"}").collect(java.util.stream.Collectors.joining("\n"));
        var vm = new VMPoolSpec.VMTemplate(2, "4Gi", "img", VM.python(), "#cloud-config\nwrite_files:\n" + files
                + "\n", null);
        String userData = CloudInitUserData.render(vm, TWO_APPS);
        // SnakeYAML's default resolver is YAML 1.1's, as cloud-init's PyYAML.
        Map<String, Object> read = new org.yaml.snakeyaml.Yaml().load(userData);
        var written = ((List<Map<String, Object>>) read.get("write_files")).stream()
                .filter(f -> f.get("path").toString().startsWith("/etc/t/")).map(f -> f.get("content")).toList();
        assertThat(written).containsExactlyElementsOf(tricky);
        assertThat(((List<Map<String, Object>>) read.get("write_files")).get(0).get("permissions"))
                .as("our own modes too").isEqualTo("0755");
        assertThat(userData).as("plain where plain reads the same").contains("content: hello\n");
    }

    @Test
    void brokenUserYamlIsReportedNotThrownAsAnything() {
        var vm = new VMPoolSpec.VMTemplate(2, "4Gi", "img", VM.python(), "#cloud-config\nruncmd: [unclosed", null);
        assertThatThrownBy(() -> CloudInitUserData.render(vm, List.of()))
                .isInstanceOf(CloudInitUserData.InvalidCloudInitException.class)
                .hasMessageStartingWith("vm.cloudInit is not valid YAML");
    }

    static final VMPoolSpec.VMTemplate WITH_DISKS = new VMPoolSpec.VMTemplate(2, "4Gi",
            "quay.io/containerdisks/debian:12", VM.python(), null, null,
            new VMPoolSpec.RootDisk("20Gi", null, VMPoolSpec.RootDisk.OnRollout.Keep),
            List.of(new VMPoolSpec.DataDisk("data", "50Gi", null, "/srv/data")));

    @Test
    @SuppressWarnings("unchecked")
    void dataDisksAreFormattedOnlyWithoutAFilesystemMountedAndWritableByTheAppsUsers() throws Exception {
        Map<String, Object> config = parse(CloudInitUserData.render(WITH_DISKS, TWO_APPS));
        assertThat(config).as("cloud-init's fs_setup formats a whole disk without looking").doesNotContainKey(
                "fs_setup");
        List<Object> bootcmd = (List<Object>) config.get("bootcmd");
        assertThat(bootcmd).contains(List.of("sh", "-c", "udevadm settle; "
                + "[ -b /dev/disk/by-id/virtio-data ] || exit 0; blkid -p /dev/disk/by-id/virtio-data >/dev/null 2>&1; "
                + "[ $? -ne 2 ] || mkfs.ext4 -q /dev/disk/by-id/virtio-data"));
        assertThat((List<Object>) config.get("mounts")).containsExactly(
                List.of("/dev/disk/by-id/virtio-data", "/srv/data", "ext4", "defaults,nofail"));
        List<Object> runcmd = (List<Object>) config.get("runcmd");
        assertThat(runcmd).containsSubsequence(
                List.of("usermod", "--append", "--groups", "pyfleet-disks", "pf-shop"),
                List.of("chgrp", "pyfleet-disks", "/srv/data"), List.of("chmod", "u=rwx,g=rwxs,o=", "/srv/data"),
                List.of("/opt/pyfleet/install-python.sh"));
        assertThat(CloudInitUserData.render(VM, TWO_APPS)).as("a pool without data disks has none of it")
                .doesNotContain("mkfs", "mounts", "pyfleet-disks");
    }

    /** The format command of a data disk, run in a shell: it formats a blank disk only. */
    @Test
    void theFormatCommandLeavesADiskWithAFilesystemOrAnUnclearProbeAsItIs(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        @SuppressWarnings("unchecked")
        String command = ((List<String>) ((List<Object>) parse(CloudInitUserData.render(WITH_DISKS, TWO_APPS))
                .get("bootcmd")).stream().filter(c -> c.toString().contains("mkfs")).findFirst().orElseThrow())
                .get(2);
        // Stand-ins for the tools, first on PATH: blkid exits as told, mkfs.ext4 records that it ran. There is no
        // such block device here, so the device check is taken as passed.
        java.nio.file.Path bin = java.nio.file.Files.createDirectories(dir.resolve("bin"));
        write(bin.resolve("udevadm"), "#!/bin/sh\nexit 0\n");
        write(bin.resolve("blkid"), "#!/bin/sh\nexit $(cat " + dir.resolve("blkid-status") + ")\n");
        write(bin.resolve("mkfs.ext4"), "#!/bin/sh\necho \"$@\" >> " + dir.resolve("formatted") + "\n");
        String runnable = command.replace("[ -b /dev/disk/by-id/virtio-data ]", "true");
        for (var probe : Map.of("0", false, "2", true, "4", false, "8", false).entrySet()) {
            java.nio.file.Files.writeString(dir.resolve("blkid-status"), probe.getKey());
            java.nio.file.Files.deleteIfExists(dir.resolve("formatted"));
            ProcessBuilder builder = new ProcessBuilder("sh", "-c", runnable).redirectErrorStream(true);
            builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            Process shell = builder.start();
            shell.getOutputStream().close();
            shell.getInputStream().readAllBytes();
            shell.waitFor();
            assertThat(java.nio.file.Files.exists(dir.resolve("formatted")))
                    .as("blkid exit %s: formatted", probe.getKey()).isEqualTo(probe.getValue());
        }
    }

    @Test
    void twoAppsOnOnePortAreRefusedByName() {
        var clash = List.of(TWO_APPS.get(0), PoolFixtures.app("cart", "{type: wsgi, module: \"cart:app\"}", 8080));
        assertThatThrownBy(() -> CloudInitUserData.render(VM, clash))
                .isInstanceOf(CloudInitUserData.InvalidCloudInitException.class)
                .hasMessageStartingWith("apps cart and shop both listen on port 8080");
    }

    @Test
    void theReadinessCheckAsksEveryAppAndStartsAfterThem() throws Exception {
        PythonApp checked = PoolFixtures.SERIALIZATION.unmarshal(PoolFixtures.SERIALIZATION.asYaml(TWO_APPS.get(1))
                .replace("port: 8000", "port: 8000\n  healthCheck: {path: /healthz}"), PythonApp.class);
        Map<String, Object> config = parse(CloudInitUserData.render(VM, List.of(TWO_APPS.get(0), checked)));
        @SuppressWarnings("unchecked")
        var files = (List<Map<String, Object>>) config.get("write_files");
        var byPath = files.stream().collect(java.util.stream.Collectors.toMap(f -> f.get("path").toString(),
                f -> f.get("content").toString()));
        assertThat(byPath.get("/etc/systemd/system/pyfleet.service"))
                .contains("ExecStart=/usr/bin/python3 /opt/pyfleet/ready.py 9099 shop=8080 api=8000/healthz\n")
                .contains("DynamicUser=yes\n");
        assertThat(byPath.get("/opt/pyfleet/ready.py")).contains("def failure(port, path):");
        List<?> runcmd = (List<?>) config.get("runcmd");
        assertThat(runcmd.indexOf(List.of("systemctl", "enable", "--now", "pyfleet.service")))
                .as("started after the apps").isEqualTo(runcmd.size() - 1)
                .isGreaterThan(runcmd.indexOf(List.of("systemctl", "enable", "--now", "pyfleet-api.service")));
    }

    /**
     * The guest's readiness check, run with this machine's python3 against apps on loopback: Ready (200) only while
     * every app answers as its Pods' probe would, and what does not answer is named.
     */
    @Test
    void theReadinessCheckIsReadyOnlyWhileEveryAppAnswers(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        var healthy = new java.util.concurrent.atomic.AtomicInteger(200);
        var http = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/healthz", exchange -> {
            exchange.sendResponseHeaders(healthy.get(), -1);
            exchange.close();
        });
        http.start();
        java.net.ServerSocket tcp = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        int closed;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            closed = free.getLocalPort();
        }
        java.nio.file.Path script = dir.resolve("ready.py");
        java.nio.file.Files.writeString(script, GuestReadiness.SCRIPT_SOURCE);
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process ready = new ProcessBuilder("python3", script.toString(), String.valueOf(port),
                "web=" + http.getAddress().getPort() + "/healthz", "worker=" + tcp.getLocalPort(), "gone=" + closed)
                .redirectErrorStream(true).start();
        try {
            var answer = awaitAnswer(port);
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.body()).isEqualTo("not ready: gone (port " + closed + ": Connection refused)\n");

            tcp.close();
            healthy.set(500);
            answer = awaitAnswer(port);
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.body()).contains("web (GET /healthz answered 500)", "worker (port "
                    + tcp.getLocalPort() + ": Connection refused)");
        } finally {
            ready.destroy();
            ready.waitFor();
            http.stop(0);
            tcp.close();
        }
        Process noApps = new ProcessBuilder("python3", script.toString(), String.valueOf(port)).start();
        try {
            var answer = awaitAnswer(port);
            assertThat(answer.statusCode()).as("a VM without apps is ready once booted").isEqualTo(200);
            assertThat(answer.body()).isEqualTo("ready: no apps\n");
        } finally {
            noApps.destroy();
        }
    }

    /** GET /ready on a readiness check that may still be starting. */
    private static java.net.http.HttpResponse<String> awaitAnswer(int port) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/ready"))
                .build();
        for (int attempt = 0; ; attempt++) {
            try {
                return java.net.http.HttpClient.newHttpClient().send(request,
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ConnectException e) {
                if (attempt == 200) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** The clean-up on a kept disk, run in a shell over a stand-in /etc: other apps' units and env files go. */
    @Test
    void onAKeptDiskTheUnitsAndEnvFilesOfAppsNoLongerOnThePoolGo(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        java.nio.file.Path units = java.nio.file.Files.createDirectories(dir.resolve("units"));
        java.nio.file.Path envs = java.nio.file.Files.createDirectories(dir.resolve("envs"));
        java.nio.file.Path bin = java.nio.file.Files.createDirectories(dir.resolve("bin"));
        for (String app : List.of("shop", "api", "old-cart")) {
            java.nio.file.Files.writeString(units.resolve("pyfleet-" + app + ".service"), "[Unit]\n");
            java.nio.file.Files.writeString(envs.resolve(app + ".env"), "A=1\n");
        }
        java.nio.file.Files.writeString(units.resolve("other.service"), "[Unit]\n");
        java.nio.file.Files.writeString(units.resolve("pyfleet.service"), "[Unit]\n");
        write(bin.resolve("systemctl"), "#!/bin/sh\necho \"$@\" >> " + dir.resolve("systemctl.log") + "\n");
        String script = CloudInitUserData.removeOtherApps(TWO_APPS).replace("/etc/systemd/system", units.toString())
                .replace("/etc/pyfleet", envs.toString());
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process shell = builder.start();
        String output = new String(shell.getInputStream().readAllBytes());
        assertThat(shell.waitFor()).as(output).isZero();
        try (var left = java.nio.file.Files.list(units)) {
            assertThat(left.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder(
                    "pyfleet-shop.service", "pyfleet-api.service", "other.service", "pyfleet.service");
        }
        try (var left = java.nio.file.Files.list(envs)) {
            assertThat(left.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("shop.env", "api.env");
        }
        assertThat(java.nio.file.Files.readString(dir.resolve("systemctl.log")))
                .isEqualTo("disable --now pyfleet-old-cart.service\n");
        assertThat(CloudInitUserData.removeOtherApps(List.of())).as("no app left: every unit goes")
                .contains("in *) systemctl disable");
    }

    private static void write(java.nio.file.Path file, String content) throws java.io.IOException {
        java.nio.file.Files.writeString(file, content);
        file.toFile().setExecutable(true);
    }

    /**
     * On a kept root disk the new VM has the old one's cloud-init instance id, so PyFleet's setup would not run
     * again: a boot command clears the setup modules' semaphores when the disk's recorded setup is not this one.
     */
    @Test
    @SuppressWarnings("unchecked")
    void onAKeptRootDiskANewSetupRunsAgainAndTheSameOneDoesNot() throws Exception {
        Map<String, Object> config = parse(CloudInitUserData.render(WITH_DISKS, TWO_APPS));
        List<Object> bootcmd = (List<Object>) config.get("bootcmd");
        List<Object> runcmd = (List<Object>) config.get("runcmd");
        String marker = ((List<String>) runcmd.get(runcmd.size() - 1)).get(2);
        assertThat(marker).as("the last command records the setup").matches(
                "echo [0-9a-f]{10} > /var/lib/pyfleet/setup-revision");
        String setup = marker.split(" ")[1];
        String check = ((List<String>) bootcmd.get(0)).get(2);
        assertThat(check).startsWith("[ \"$(cat /var/lib/pyfleet/setup-revision 2>/dev/null)\" = " + setup
                + " ] || rm -f")
                .contains("/var/lib/cloud/instance/sem/config_write_files",
                        "/var/lib/cloud/instance/sem/config_runcmd", "/var/lib/cloud/instance/sem/config_scripts_user",
                        "/var/lib/cloud/instance/sem/config_package_update_upgrade_install",
                        "/var/lib/cloud/instance/sem/config_mounts");
        assertThat(runcmd).as("running apps take the new setup").contains(
                List.of("systemctl", "restart", "pyfleet-shop.service"));

        String cleanup = ((List<String>) runcmd.stream().filter(c -> c.toString().contains("pyfleet-*.service"))
                .findFirst().orElseThrow()).get(2);
        assertThat(cleanup).as("units of apps no longer on the pool go from a kept disk").contains(
                "case \"$name.service\" in pyfleet-shop.service|pyfleet-api.service) ;; *) systemctl disable --now");

        var otherApps = List.of(TWO_APPS.get(0));
        String otherSetup = ((List<String>) ((List<Object>) parse(CloudInitUserData.render(WITH_DISKS, otherApps))
                .get("runcmd")).get(((List<Object>) parse(CloudInitUserData.render(WITH_DISKS, otherApps))
                .get("runcmd")).size() - 1)).get(2).split(" ")[1];
        assertThat(otherSetup).as("another setup, another record").isNotEqualTo(setup);
        assertThat(CloudInitUserData.render(WITH_DISKS, TWO_APPS)).as("the same pool renders the same setup")
                .isEqualTo(CloudInitUserData.render(WITH_DISKS, TWO_APPS));
        Map<String, Object> replaced = parse(CloudInitUserData.render(VM, TWO_APPS));
        assertThat(replaced.get("bootcmd").toString()).as("only a kept root disk needs it")
                .doesNotContain("setup-revision");
        assertThat((List<Object>) replaced.get("runcmd")).noneMatch(c -> c.toString().contains("restart")
                || c.toString().contains("setup-revision") || c.toString().contains("pyfleet-*.service"));
    }

    static VMPoolSpec.VMTemplate withPython(VMPoolSpec.PythonSpec.Source source, String indexUrl) {
        return new VMPoolSpec.VMTemplate(2, "4Gi", "quay.io/containerdisks/debian:12", new VMPoolSpec.PythonSpec(
                "3.11", List.of("gunicorn==23.0.0", "flask>=3"), source, indexUrl), null, null);
    }

    /** Air-gapped sources name no host but the index they are given, and ask no package mirror for anything. */
    @Test
    @SuppressWarnings("unchecked")
    void eachPythonSourceInstallsFromWhereItSaysAndNowhereElse() throws Exception {
        String download = CloudInitUserData.installScript(VM.python());
        assertThat(download).contains("pip install --no-cache-dir uv==", "uv python install 3.12");
        assertThat(parse(CloudInitUserData.render(VM, TWO_APPS))).containsEntry("package_update", true);

        var index = withPython(VMPoolSpec.PythonSpec.Source.Index, "https://pypi.internal.example/simple");
        String indexUserData = CloudInitUserData.render(index, TWO_APPS);
        String indexScript = CloudInitUserData.installScript(index.python());
        assertThat(indexScript).contains("python3 -m venv /opt/pyfleet/venv\n", "/opt/pyfleet/venv/bin/pip install "
                + "--no-cache-dir --disable-pip-version-check --index-url 'https://pypi.internal.example/simple' "
                + "'gunicorn==23.0.0' 'flask>=3'").doesNotContain("uv", "--system-site-packages");
        assertThat(parse(indexUserData)).doesNotContainKeys("package_update", "packages");
        assertThat(indexUserData.replace("https://pypi.internal.example/simple", ""))
                .as("no host but the index").doesNotContain("://", "github", "pypi.org");

        var image = withPython(VMPoolSpec.PythonSpec.Source.Image, null);
        String imageUserData = CloudInitUserData.render(image, TWO_APPS);
        assertThat(CloudInitUserData.installScript(image.python())).contains(
                "python3 -m venv --system-site-packages /opt/pyfleet/venv\n",
                "--no-index --find-links /opt/pyfleet/wheels 'gunicorn==23.0.0' 'flask>=3'").doesNotContain("uv");
        assertThat(parse(imageUserData)).doesNotContainKeys("package_update", "packages");
        assertThat(imageUserData).as("no host at all").doesNotContain("://", "github", "pypi");
    }

    /**
     * The install script of a pool whose Python is the image's, run in a shell against this machine's python3
     * (paths moved under a temporary directory): the asked version makes the virtualenv; another one stops, saying
     * both versions.
     */
    @Test
    void theImagesPythonIsCheckedBeforeTheVirtualenvIsMade(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Process probe = new ProcessBuilder("python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])")
                .start();
        String here = new String(probe.getInputStream().readAllBytes()).strip();
        org.junit.jupiter.api.Assumptions.assumeTrue(probe.waitFor() == 0 && here.matches("3\\.[0-9]+"),
                "this test runs the script with the machine's python3");
        for (String asked : List.of(here, "3.99")) {
            java.nio.file.Path venv = dir.resolve("venv-" + asked);
            String script = CloudInitUserData.installScript(new VMPoolSpec.PythonSpec(asked, List.of(),
                    VMPoolSpec.PythonSpec.Source.Image, null)).replace("/opt/pyfleet/venv", venv.toString())
                    .replace("/dev/console", "/dev/null");
            Process shell = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
            String output = new String(shell.getInputStream().readAllBytes());
            int exit = shell.waitFor();
            if (asked.equals(here)) {
                assertThat(exit).as(output).isZero();
                assertThat(venv.resolve("bin/python")).exists();
            } else {
                assertThat(exit).isEqualTo(1);
                assertThat(output).contains("pyfleet: the pool asks for Python 3.99; the image's python3 is Python "
                        + here);
                assertThat(venv).doesNotExist();
            }
        }
    }
}
