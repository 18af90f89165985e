package dev.pyfleet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;


import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The real control plane the integration tests run against: started by {@code hack/cluster.sh up} once per test
 * JVM, or reused when one is already up in the same state directory (then it is left running). PyFleet's CRDs from
 * {@code crds/} and KubeVirt's from {@code ../shared/fixtures/kubevirt/} are installed before the first test.
 */
public final class ControlPlane implements AutoCloseable {

    private static ControlPlane instance;

    private final Path repo;
    private final Path stateDir;
    private final Path kubeconfig;
    private final boolean startedHere;
    private final String version;
    private final boolean kubeVirtInstalled;
    private final Map<String, String> env;

    private ControlPlane(Path stateDir, boolean withKubeVirt, boolean shared, Map<String, String> env,
            String... upOptions) {
        this(stateDir, true, withKubeVirt, shared, env, upOptions);
    }

    private ControlPlane(Path stateDir, boolean withPyFleetCrds, boolean withKubeVirt, boolean shared,
            Map<String, String> env, String... upOptions) {
        repo = Path.of(System.getProperty("pyfleet.repo", ".")).toAbsolutePath().normalize();
        this.stateDir = stateDir;
        this.env = env;
        boolean running = cluster("status").exitCode() == 0;
        if (running) {
            log("reusing the control plane in " + stateDir);
        } else {
            log("starting the control plane in " + stateDir + " (hack/cluster.sh up)");
            CommandResult up = cluster(Stream.concat(Stream.of("up"), Stream.of(upOptions)).toArray(String[]::new));
            if (up.exitCode() != 0) {
                throw new IllegalStateException("hack/cluster.sh up failed:\n" + up.output());
            }
        }
        startedHere = !running;
        kubeconfig = Path.of(cluster("kubeconfig").output().strip());
        if (startedHere && !Boolean.getBoolean("pyfleet.it.keep")) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> cluster("down"), "control-plane-down"));
        }
        if (shared) {
            // Fabric8 reads this system property; so does the operator when a test boots it in this JVM.
            System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig.toString());
        }
        try (KubernetesClient client = newClient()) {
            version = client.getKubernetesVersion().getGitVersion();
            log("integration tests talk to kube-apiserver " + version + " at " + client.getMasterUrl());
            if (withPyFleetCrds) {
                installCrds(client, repo.resolve("crds"));
            }
            kubeVirtInstalled = withKubeVirt && installKubeVirtCrds(client);
        }
    }

    /** The control plane most tests share, started on first use and stopped when the test JVM exits. */
    public static synchronized ControlPlane get() {
        if (instance == null) {
            // One per checkout: two clones tested at once on one machine must not stop each other's cluster.
            String checkout = Integer.toHexString(repoPath("").toString().hashCode());
            instance = new ControlPlane(Path.of(System.getProperty("pyfleet.it.stateDir",
                    System.getProperty("java.io.tmpdir") + "/pyfleet-it-" + System.getProperty("user.name") + "-"
                            + checkout)), true, true, Map.of());
        }
        return instance;
    }

    /** A control plane of a test's own, with PyFleet's CRDs only; {@link #close()} stops it. */
    public static ControlPlane withoutKubeVirt(String name) {
        return dedicated(name, Map.of());
    }

    /**
     * A control plane of a test's own, with PyFleet's CRDs only, started with the given hack/cluster.sh environment
     * (e.g. PYFLEET_SCHEDULER_CONFIG) and `up` options (e.g. --nodes 3 --cpu 4); {@link #close()} stops it.
     */
    public static ControlPlane dedicated(String name, Map<String, String> env, String... upOptions) {
        return new ControlPlane(Path.of(System.getProperty("java.io.tmpdir"), "pyfleet-it-" + name + "-"
                + ProcessHandle.current().pid()), false, false, env, upOptions);
    }

    /**
     * A control plane of a test's own with one real node (kubelet, kube-proxy, containerd: hack/real-nodes.sh) and
     * no fake ones, so every Pod runs for real. Where the machine cannot host a real node the test is skipped with
     * the reason, or fails under CI.
     */
    public static ControlPlane withRealNode(String name) {
        requireRealNodes();
        return dedicated(name, Map.of(), "--nodes", "0", "--real-nodes", "1");
    }

    /**
     * A control plane of a test's own whose pyfleet-scheduler calls the extender of an operator that the test starts
     * on {@code extenderPort} (an {@link OperatorProcess}); {@link #close()} stops it.
     */
    public static ControlPlane withExtenderAt(String name, int extenderPort, String... upOptions) {
        return dedicated(name, Map.of(
                "PYFLEET_SCHEDULER_CONFIG", repoPath("hack/pyfleet-scheduler-extender.yaml").toString(),
                "PYFLEET_EXTENDER_URL", "http://127.0.0.1:" + extenderPort + "/scheduler"), upOptions);
    }

    /**
     * A control plane of a test's own without PyFleet's CRDs, started with the given `up` options; for installing
     * PyFleet as a user does. {@link #close()} stops it.
     */
    public static ControlPlane bare(String name, String... upOptions) {
        return new ControlPlane(Path.of(System.getProperty("java.io.tmpdir"), "pyfleet-it-" + name + "-"
                + ProcessHandle.current().pid()), false, false, false, Map.of(), upOptions);
    }

    /**
     * A bare control plane of a test's own with one real node, and nothing of PyFleet: no CRDs, no pyfleet-scheduler
     * process. Skipped or failed as {@link #withRealNode(String)}.
     */
    public static ControlPlane bareWithRealNode(String name) {
        requireRealNodes();
        return bare(name, "--nodes", "0", "--real-nodes", "1", "--no-pyfleet-scheduler");
    }

    private static void requireRealNodes() {
        CommandResult check = CommandResult.run(List.of("bash", repoPath("hack/real-nodes.sh").toString(), "check"),
                repoPath(""), Map.of());
        Inputs.require(check.exitCode() == 0, "this machine cannot host a real node: " + check.output().strip());
    }

    /** Runs a command in the network namespace of one of this control plane's real nodes, e.g. a curl to a Service. */
    public CommandResult onRealNode(String node, String... command) {
        List<String> line = Stream.concat(Stream.of("bash", repo.resolve("hack/real-nodes.sh").toString(), "exec",
                node), Stream.of(command)).toList();
        return CommandResult.run(line, repo, Map.of("PYFLEET_STATE_DIR", stateDir.toString()));
    }

    /**
     * An HTTP GET to a Service's first port from inside real-node-0, where kube-proxy's rules live; retried for up
     * to 30 s, since a Ready Pod can take a moment more to appear behind its Service. Returns the body.
     */
    public String getThroughService(KubernetesClient client, String namespace, String service, String path) {
        var spec = client.services().inNamespace(namespace).withName(service).get().getSpec();
        String url = "http://" + spec.getClusterIP() + ":" + spec.getPorts().get(0).getPort() + path;
        String[] body = new String[1];
        org.awaitility.Awaitility.await(service + " answers at " + url).atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(500)).until(() -> {
                    CommandResult curl = onRealNode("real-node-0", "curl", "-sS", "--max-time", "3", url);
                    body[0] = curl.output();
                    return curl.exitCode() == 0;
                });
        return body[0];
    }

    /** Starts a command in a real node's network namespace and returns at once; its output goes to {@code log}. */
    public Process startOnRealNode(String node, Path log, String... command) {
        List<String> line = Stream.concat(Stream.of("bash", repo.resolve("hack/real-nodes.sh").toString(), "exec",
                node), Stream.of(command)).toList();
        ProcessBuilder builder = new ProcessBuilder(line).directory(repo.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("PYFLEET_STATE_DIR", stateDir.toString());
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Imports the chart's images that {@code hack/images.sh chart} built (by archive name, e.g. "operator") into every
     * real node of this control plane.
     */
    public void importImages(List<String> chartImages) {
        // Where hack/images.sh caches them: ${PYFLEET_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pyfleet}/images.
        String cache = System.getenv("PYFLEET_CACHE_DIR");
        if (cache == null || cache.isEmpty()) {
            String xdg = System.getenv().getOrDefault("XDG_CACHE_HOME", "");
            cache = (xdg.isEmpty() ? System.getProperty("user.home") + "/.cache" : xdg) + "/pyfleet";
        }
        Path dir = Path.of(cache, "images", "chart");
        List<String> line = Stream.concat(Stream.of("bash", repo.resolve("hack/real-nodes.sh").toString(), "import"),
                chartImages.stream().map(name -> dir.resolve(name + ".tar").toString())).toList();
        for (String name : chartImages) {
            if (!Files.isRegularFile(dir.resolve(name + ".tar"))) {
                throw new IllegalStateException("no image archive " + dir.resolve(name + ".tar")
                        + "; hack/images.sh chart builds it");
            }
        }
        CommandResult imported = CommandResult.run(line, repo, Map.of("PYFLEET_STATE_DIR", stateDir.toString()));
        if (imported.exitCode() != 0) {
            throw new IllegalStateException("importing " + chartImages + " failed:\n" + imported.output());
        }
    }

    /** Where this control plane keeps its state (hack/cluster.sh's PYFLEET_STATE_DIR). */
    public Path stateDir() {
        return stateDir;
    }

    /** Installs KubeVirt's CRDs into this control plane now (for tests that need them to appear later). */
    public boolean installKubeVirt() {
        try (KubernetesClient client = newClient()) {
            return installKubeVirtCrds(client);
        }
    }

    /** Stops a control plane this object started; the shared one is left to its shutdown hook. */
    @Override
    public void close() {
        if (this != instance && startedHere) {
            cluster("down");
        }
    }

    public KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(config()).build();
    }

    /** The client settings of {@link #newClient()}, to adjust (e.g. a longer request timeout under load). */
    public Config config() {
        return Config.fromKubeconfig(readKubeconfig());
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public Path repo() {
        return repo;
    }

    /** The API server's /version gitVersion, e.g. {@code v1.34.4}. */
    public String version() {
        return version;
    }

    public boolean kubeVirtInstalled() {
        return kubeVirtInstalled;
    }

    /** Skips the calling test where KubeVirt's CRDs could not be installed (fails it in CI), saying why. */
    public static void assumeKubeVirt() {
        Inputs.require(get().kubeVirtInstalled(),
                "KubeVirt CRDs are not installed: " + kubeVirtFixtures() + " is absent");
    }

    /** A path inside the repository. */
    public static Path repoPath(String relative) {
        return Path.of(System.getProperty("pyfleet.repo", ".")).toAbsolutePath().normalize().resolve(relative);
    }

    public static Path kubeVirtFixtures() {
        Path repo = Path.of(System.getProperty("pyfleet.repo", ".")).toAbsolutePath().normalize();
        return Path.of(System.getProperty("pyfleet.shared", repo.resolveSibling("shared").toString()))
                .resolve("fixtures/kubevirt");
    }

    /** kill -9 one component (etcd, kube-apiserver, ...) and start it again as before; returns once it is healthy. */
    public void crash(String component) {
        CommandResult crash = cluster("crash", component);
        if (crash.exitCode() != 0) {
            throw new IllegalStateException("hack/cluster.sh crash " + component + " failed:\n" + crash.output());
        }
        log(crash.output().strip());
    }

    /** The API server's audit log of writes; only a control plane started with {@code --audit} has one. */
    public Path auditLog() {
        return stateDir.resolve("logs/audit.log");
    }

    /** Runs the control plane's own kubectl against it. */
    public CommandResult kubectl(String... args) {
        return cluster(Stream.concat(Stream.of("kubectl"), Stream.of(args)).toArray(String[]::new));
    }

    private boolean installKubeVirtCrds(KubernetesClient client) {
        Path fixtures = kubeVirtFixtures();
        if (!Files.isDirectory(fixtures)) {
            log("KubeVirt CRDs not installed: " + fixtures + " is absent; KubeVirt tests will be skipped");
            return false;
        }
        installCrds(client, fixtures);
        // The fixtures have no CRD for live migrations nor for CDI's disks: minimal ones of ours stand in (see the
        // files).
        installOwnCrd(client, "/kubevirt-migration-crd.yaml");
        log("installed a minimal VirtualMachineInstanceMigration CRD (kubevirt-migration-crd.yaml): the fixtures "
                + "have none");
        installOwnCrd(client, "/cdi-datavolume-crd.yaml");
        log("installed a minimal CDI DataVolume CRD (cdi-datavolume-crd.yaml): the fixtures have none");
        // KubeVirt's admission rules that matter to PyFleet (its webhook does not run here).
        try (var policy = ControlPlane.class.getResourceAsStream("/kubevirt-admission.yaml")) {
            client.load(policy).items().forEach(item -> client.resource(item).forceConflicts().serverSideApply());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log("installed KubeVirt's admission rules (kubevirt-admission.yaml)");
        return true;
    }

    private static void installOwnCrd(KubernetesClient client, String resource) {
        try (var file = ControlPlane.class.getResourceAsStream(resource)) {
            GenericKubernetesResource crd = client.getKubernetesSerialization()
                    .unmarshal(new String(file.readAllBytes(), StandardCharsets.UTF_8),
                            GenericKubernetesResource.class);
            client.genericKubernetesResources("apiextensions.k8s.io/v1", "CustomResourceDefinition").resource(crd)
                    .forceConflicts().serverSideApply();
            client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                    .waitUntilCondition(ControlPlane::established, 60, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void installCrds(KubernetesClient client, Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path file : files) {
            // Applied as written (no round trip through the typed model, which would add fields of its own).
            GenericKubernetesResource crd = client.getKubernetesSerialization()
                    .unmarshal(readString(file), GenericKubernetesResource.class);
            if (dropRootMetadataProperties(crd)) {
                log(repoRelative(file) + ": its root metadata schema lists fields besides name and generateName, "
                        + "which kube-apiserver rejects; installed with metadata as {type: object}");
            }
            client.genericKubernetesResources("apiextensions.k8s.io/v1", "CustomResourceDefinition").resource(crd)
                    .forceConflicts().serverSideApply();
            client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                    .waitUntilCondition(ControlPlane::established, 60, TimeUnit.SECONDS);
            log("installed " + repoRelative(file));
        }
    }

    /** Kubernetes allows only name and generateName constraints on a CRD's root metadata; the VM fixture has more. */
    @SuppressWarnings("unchecked")
    private static boolean dropRootMetadataProperties(GenericKubernetesResource crd) {
        boolean changed = false;
        Map<String, Object> spec = (Map<String, Object>) crd.getAdditionalProperties().get("spec");
        for (Map<String, Object> version : (List<Map<String, Object>>) spec.getOrDefault("versions", List.of())) {
            Map<String, Object> schema = (Map<String, Object>) version.get("schema");
            Map<String, Object> root = schema == null ? null : (Map<String, Object>) schema.get("openAPIV3Schema");
            Map<String, Object> properties = root == null ? null : (Map<String, Object>) root.get("properties");
            Map<String, Object> metadata = properties == null ? null
                    : (Map<String, Object>) properties.get("metadata");
            if (metadata != null && metadata.containsKey("properties")) {
                properties.put("metadata", Map.of("type", "object"));
                changed = true;
            }
        }
        return changed;
    }

    private static boolean established(CustomResourceDefinition crd) {
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readKubeconfig() {
        return readString(kubeconfig);
    }

    private CommandResult cluster(String... args) {
        List<String> command = Stream.concat(Stream.of("bash", repo.resolve("hack/cluster.sh").toString()),
                Stream.of(args)).toList();
        Map<String, String> environment = new java.util.HashMap<>(env);
        environment.put("PYFLEET_STATE_DIR", stateDir.toString());
        return CommandResult.run(command, repo, environment);
    }

    private static String repoRelative(Path file) {
        return file.getParent().getFileName() + "/" + file.getFileName();
    }

    private static void log(String message) {
        System.out.println("[control-plane] " + message);
    }
}
