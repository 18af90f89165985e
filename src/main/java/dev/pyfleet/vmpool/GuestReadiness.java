package dev.pyfleet.vmpool;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.app.EffectiveSpec;
import dev.pyfleet.kubevirt.VirtualMachineSpec;

/**
 * A pool VM is Ready while every app on it answers. Both halves of that are here: the KubeVirt readiness probe each
 * VM carries ({@link #probe}), and what answers it in the guest, {@code ready.py} (a resource of the operator) run
 * by a unit of its own ({@link #unit}), which the user-data writes ({@link CloudInitUserData}).
 */
final class GuestReadiness {

    /** The guest's readiness check answers {@link #PATH} on this port. */
    static final int PORT = 9099;
    static final String PATH = "/ready";
    /** The check's unit: outside {@code pyfleet-*}, the apps' units, so no app's name can be it. */
    static final String UNIT = "pyfleet.service";
    static final String SCRIPT = "/opt/pyfleet/ready.py";
    static final String SCRIPT_SOURCE = resource("/guest/ready.py");

    private GuestReadiness() {
    }

    /**
     * The VM is Ready while the guest's check passes: unready after 30 s of failures. A VM still booting, or whose
     * setup failed, does not answer at all.
     */
    static VirtualMachineSpec.Probe probe() {
        return new VirtualMachineSpec.Probe(new VirtualMachineSpec.HttpGet(PORT, PATH), null, 10, 5, 3);
    }

    /**
     * The check's unit: {@code ready.py} with the image's python3 (there under every {@code python.source}, and
     * running even when the pool's own Python could not be set up), as a user of its own, checking each app as its
     * Pods' probe would (its health check path, else its port). Started last: until the setup is done, nothing
     * answers KubeVirt's probe and the VM is not Ready.
     */
    static String unit(List<PythonApp> apps) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", SCRIPT, String.valueOf(PORT)));
        for (PythonApp app : apps) {
            String path = app.getSpec().healthCheck() == null ? "" : app.getSpec().healthCheck().path();
            command.add(app.getMetadata().getName() + "=" + new EffectiveSpec(app.getSpec()).port() + path);
        }
        return "[Unit]\nDescription=PyFleet readiness check of this VM's apps (port " + PORT + ")\n"
                + "After=network-online.target\n\n"
                + "[Service]\nDynamicUser=yes\n"
                + "ExecStart=" + String.join(" ", command.stream().map(CloudInitUserData::quoteArg).toList()) + "\n"
                + "Restart=always\nRestartSec=2\n\n[Install]\nWantedBy=multi-user.target\n";
    }

    private static String resource(String name) {
        try (InputStream in = GuestReadiness.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the operator's classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
