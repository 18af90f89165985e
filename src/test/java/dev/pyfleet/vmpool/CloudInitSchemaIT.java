package dev.pyfleet.vmpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.VMPoolSpec;
import dev.pyfleet.testing.CommandResult;
import dev.pyfleet.testing.Inputs;

/** The user-data PyFleet renders passes the schema check of the real cloud-init (hack/cloud-init-schema.sh). */
class CloudInitSchemaIT {

    static final Path REPO = Path.of(System.getProperty("pyfleet.repo", ".")).toAbsolutePath();

    @Test
    void poolWithTwoAppsAndExtraUserDataIsValidCloudConfig(@TempDir Path dir) throws IOException {
        var vm = new VMPoolSpec.VMTemplate(2, "4Gi", "quay.io/containerdisks/debian:12",
                new VMPoolSpec.PythonSpec("3.12", List.of("gunicorn==23.0.0", "uvicorn[standard]>=0.30")), """
                #cloud-config
                timezone: Europe/Berlin
                packages: [htop]
                runcmd:
                  - [touch, /var/lib/custom-done]
                """, null);
        List<PythonApp> apps = List.of(
                PoolFixtures.app("shop", "{type: wsgi, module: \"shop.wsgi:application\"}", 8080),
                PoolFixtures.app("api", "{type: asgi, module: \"api.main:app\"}", 8000));
        Path valid = Files.writeString(dir.resolve("pool.yaml"), CloudInitUserData.render(vm, apps));
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "#cloud-config\npackages: 5\nruncmd: x\n");

        CommandResult good = schema(valid);
        Inputs.require(good.exitCode() != 3, "the real cloud-init cannot be had here: " + good.output());
        assertThat(good.exitCode()).as(good.output()).isZero();
        assertThat(good.output()).contains("Valid cloud-config");

        Path disks = Files.writeString(dir.resolve("disks.yaml"), CloudInitUserData.render(
                CloudInitUserDataTest.WITH_DISKS, apps));
        CommandResult withDisks = schema(disks);
        assertThat(withDisks.exitCode()).as("data disks and a kept root disk: %s", withDisks.output()).isZero();

        for (var source : VMPoolSpec.PythonSpec.Source.values()) {
            Path file = Files.writeString(dir.resolve(source + ".yaml"), CloudInitUserData.render(
                    CloudInitUserDataTest.withPython(source, source == VMPoolSpec.PythonSpec.Source.Index
                            ? "https://pypi.internal.example/simple" : null), apps));
            CommandResult result = schema(file);
            assertThat(result.exitCode()).as("Python from %s: %s", source, result.output()).isZero();
        }

        CommandResult bad = schema(broken);
        assertThat(bad.exitCode()).as("the tool must reject a broken document: %s", bad.output()).isEqualTo(1);
        assertThat(bad.output()).contains("is not of type 'array'");
    }

    private static CommandResult schema(Path file) {
        return CommandResult.run(List.of("bash", REPO.resolve("hack/cloud-init-schema.sh").toString(),
                file.toString()), REPO, Map.of());
    }
}
