package dev.pyfleet.vmpool;

import static dev.pyfleet.testing.PythonApps.conditionIs;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.kubevirt.VirtualMachineSpec;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.ControlPlaneResource;
import dev.pyfleet.testing.FakeVirtController;
import dev.pyfleet.testing.GuestVm;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * A pool's VM booted for real. The test plays virt-launcher for it: it boots a Debian guest (built from Debian
 * packages by {@code hack/guest-image.sh}) under QEMU with the user-data the operator wrote for the VM, forwards the
 * apps' ports and the readiness check's, and marks the VM Running, and Ready only once the probe the VM carries
 * passes. The pool is air-gapped: Python and wheels from the image, a network that reaches nothing beyond the VM.
 * Minutes of software CPU, so it runs under {@code make test} and in CI ({@code PYFLEET_VM_BOOT=1} or {@code CI=true}),
 * not in a plain {@code mvn verify}.
 */
@QuarkusIntegrationTest
@WithTestResource(ControlPlaneResource.class)
class VMBootIT {

    static final String POOL = """
            apiVersion: pyfleet.dev/v1alpha1
            kind: VMPool
            metadata: {name: offline}
            spec:
              replicas: 1
              vm:
                cpu: 1
                memory: 1Gi
                image: registry.internal.example/vm-images/debian-python:12
                python: {version: "3.11", source: Image, packages: ["gunicorn==23.0.0", "flask==3.1.2"]}
                cloudInit: |
                  #cloud-config
                  write_files:
                  - path: /var/lib/pyfleet/hello/hello.py
                    owner: pf-hello:pf-hello
                    content: |
                      from flask import Flask
                      app = Flask(__name__)
                      @app.get("/")
                      def hello():
                          return "hello from a pool VM\\n"
                  - path: /var/lib/pyfleet/routes/routes.py
                    owner: pf-routes:pf-routes
                    content: |
                      import os, pwd
                      def app(environ, start_response):
                          with open("/proc/net/route") as table:
                              routes = table.read()
                          body = "user " + pwd.getpwuid(os.getuid()).pw_name + "\\n" + routes
                          start_response("200 OK", [("Content-Type", "text/plain")])
                          return [body.encode()]
            """;

    static final String APP = """
            apiVersion: pyfleet.dev/v1alpha1
            kind: PythonApp
            metadata: {name: %s}
            spec:
              image: registry.internal.example/%1$s:1
              python: "3.11"
              process: {type: wsgi, module: "%s"}
              port: %d
              healthCheck: {path: /}
              runtime: {type: VMPool, poolRef: {name: offline}}
            """;

    /** From power-on to apps answering takes two to three minutes here; a loaded machine may take a few times that. */
    static final Duration BOOT = Duration.ofMinutes(15);
    /** After cloud-init's last word, how long the apps may still take to answer before the boot counts as broken. */
    static final Duration AFTER_SETUP = Duration.ofMinutes(2);

    @Test
    void anAirGappedPoolsVmBootsAndServesBothOfItsAppsWithNoRouteOut() throws Exception {
        Assumptions.assumeTrue("1".equals(System.getenv("PYFLEET_VM_BOOT"))
                || "true".equalsIgnoreCase(System.getenv("CI")),
                "booting a real guest takes minutes: make test and CI run it (PYFLEET_VM_BOOT=1 does too)");
        ControlPlane.assumeKubeVirt();
        Path image = GuestVm.guestImage();
        try (KubernetesClient client = ControlPlane.get().newClient();
                TestNamespace namespace = new TestNamespace(client, "vmboot")) {
            bootAndServe(client, namespace.name(), image);
        }
    }

    private static void bootAndServe(KubernetesClient client, String ns, Path image) throws Exception {
        FakeVirtController kubeVirt = new FakeVirtController(client, ns);
        client.load(new java.io.ByteArrayInputStream((POOL + "---\n" + APP.formatted("hello", "hello:app", 8080)
                + "---\n" + APP.formatted("routes", "routes:app", 8081)).getBytes(StandardCharsets.UTF_8)))
                .items().forEach(item -> client.resource(item).inNamespace(ns).create());

        // The pool may be seen before its apps: VMs rendered without them are replaced once they show up.
        java.util.function.Predicate<VirtualMachine> withBothApps = vm -> vm.getMetadata()
                .getDeletionTimestamp() == null && kubeVirt.userData(vm).contains("pyfleet-hello.service")
                && kubeVirt.userData(vm).contains("pyfleet-routes.service");
        Awaitility.await("the pool's VM, with both apps").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> kubeVirt.vms("offline").stream()
                        .anyMatch(withBothApps));
        VirtualMachine vm = kubeVirt.vms("offline").stream().filter(withBothApps).findFirst().orElseThrow();
        String userData = kubeVirt.userData(vm);
        assertThat(userData).as("the user-data names no host: the pool's settings name none").doesNotContain("://");

        var template = vm.getSpec().template().spec();
        VirtualMachineSpec.HttpGet probe = template.readinessProbe().httpGet();
        int memoryMiB = new Quantity(template.domain().memory().guest()).getNumericalAmount()
                .divide(java.math.BigDecimal.valueOf(1024 * 1024)).intValue();
        String name = vm.getMetadata().getName();
        kubeVirt.unready(vm);
        try (GuestVm guest = GuestVm.boot(image, Files.createTempDirectory("pyfleet-vmboot-"), name, name + "." + ns,
                userData, memoryMiB, template.domain().cpu().cores(), List.of(8080, 8081, probe.port()))) {
            // While the guest boots and sets up, the VM runs but is not Ready, and the pool says which VM that is.
            client.resources(VMPool.class).inNamespace(ns).withName("offline").waitUntilCondition(pool -> pool != null
                    && pool.getStatus() != null && pool.getStatus().conditions() != null
                    && pool.getStatus().conditions().stream().anyMatch(c -> "Ready".equals(c.getType())
                            && "False".equals(c.getStatus()) && c.getMessage()
                                    .endsWith("running, but not all of their apps answer yet: " + name)),
                    60, java.util.concurrent.TimeUnit.SECONDS);
            awaitReadinessProbe(guest, guest.hostPort(probe.port()), probe.path());
            kubeVirt.run(vm, "kwok-node-0");

            client.resources(VMPool.class).inNamespace(ns).withName("offline").waitUntilCondition(pool -> pool != null
                    && pool.getStatus() != null && pool.getStatus().readyReplicas() != null
                    && pool.getStatus().readyReplicas() == 1, 60, java.util.concurrent.TimeUnit.SECONDS);
            PythonApps.await(client, ns, "hello", conditionIs("Ready", "True"), 60);
            PythonApps.await(client, ns, "routes", conditionIs("Ready", "True"), 60);

            assertThat(get(guest.hostPort(8080), "/").body()).isEqualTo("hello from a pool VM\n");
            HttpResponse<String> routes = get(guest.hostPort(8081), "/");
            assertThat(routes.statusCode()).isEqualTo(200);
            List<String> lines = routes.body().lines().toList();
            assertThat(lines.get(0)).as("each app runs as its own user").isEqualTo("user pf-routes");
            // /proc/net/route: Iface, Destination (hex, little-endian), Gateway, ... A default route is 00000000.
            List<String> destinations = lines.stream().skip(2).map(line -> line.split("\\s+")[1]).toList();
            assertThat(destinations).as("the guest's routes (%s)", routes.body())
                    .contains("0002000A") // 10.0.2.0/24, QEMU's user network: how the forwarded ports reach it
                    .doesNotContain("00000000");
        }
    }

    /**
     * As virt-launcher's probe of the VM: until it passes, the VM stays not Ready. Fails at once when QEMU exits, and
     * when cloud-init has finished but the apps still do not answer a while later, with what the guest said.
     */
    private static void awaitReadinessProbe(GuestVm guest, int port, String path) throws Exception {
        Instant deadline = Instant.now().plus(BOOT);
        Instant setupDone = null;
        String last = "nothing yet";
        while (true) {
            assertThat(guest.isRunning()).as("QEMU runs; the console's end:\n%s", guest.consoleTail(40)).isTrue();
            try {
                HttpResponse<String> answer = get(port, path);
                if (answer.statusCode() == 200) {
                    return;
                }
                last = answer.statusCode() + " " + answer.body().strip();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            if (setupDone == null && guest.console().contains("Cloud-init v.") && guest.console()
                    .contains(" finished at ")) {
                setupDone = Instant.now();
            }
            boolean broken = setupDone != null && Instant.now().isAfter(setupDone.plus(AFTER_SETUP));
            if (broken || Instant.now().isAfter(deadline)) {
                throw new AssertionError("the VM's readiness probe (GET " + path + ") never passed"
                        + (broken ? " though cloud-init finished " + AFTER_SETUP.toSeconds() + "s before" : "")
                        + "; its last answer: " + last + "\ncloud-init's warnings:\n" + String.join("\n",
                                guest.console().lines().filter(line -> line.contains("[WARNING]")).toList())
                        + "\nthe console's end:\n" + guest.consoleTail(40));
            }
            Thread.sleep(2000);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
