package dev.pyfleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A cluster process whose name is longer than the kernel keeps (kube-controller-manager) is still counted. */
class ProcessCpuTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    void aProcessNamedKubeControllerManagerIsCountedByItsFullName(@TempDir Path dir) throws Exception {
        Path executable = dir.resolve("kube-controller-manager");
        Files.copy(Path.of("/bin/sleep"), executable, StandardCopyOption.COPY_ATTRIBUTES);
        Process process = new ProcessBuilder(executable.toString(), "30").start();
        try {
            ProcessCpu before = ProcessCpu.read(-1);
            assertThat(ProcessCpu.read(-1).since(before)).contains("kube-controller-manager ")
                    .doesNotContain("kube-controller ");
        } finally {
            process.destroyForcibly().waitFor();
        }
    }
}
