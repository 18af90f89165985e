package dev.pyfleet.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Go tools of hack/tools/ (argocd-health, kstatus), built once per JVM by {@code hack/tools.sh build} into the
 * cache outside the repository, and run from the repository root so that relative paths mean what they say there.
 */
public final class GoTools {

    private static Path bin;

    private GoTools() {
    }

    /** Runs one tool with {@code stdin} as its input; the output mixes stdout and stderr. */
    public static CommandResult run(String tool, String stdin, String... args) {
        List<String> command = Stream.concat(Stream.of(bin().resolve(tool).toString()), Stream.of(args)).toList();
        return CommandResult.run(command, ControlPlane.repoPath(""), Map.of(), stdin);
    }

    /** Runs one tool and returns its output, failing with that output unless it exits 0. */
    public static String output(String tool, String stdin, String... args) {
        CommandResult result = run(tool, stdin, args);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(tool + " " + String.join(" ", args) + " exited with " + result.exitCode()
                    + ":\n" + result.output());
        }
        return result.output();
    }

    private static synchronized Path bin() {
        if (bin == null) {
            CommandResult build = CommandResult.run(List.of("bash", ControlPlane.repoPath("hack/tools.sh").toString(),
                    "build"), ControlPlane.repoPath(""), Map.of());
            String[] lines = build.output().strip().split("\n");
            Path dir = Path.of(lines[lines.length - 1].strip());
            if (build.exitCode() != 0 || !Files.isDirectory(dir)) {
                throw new IllegalStateException("hack/tools.sh build failed (it needs Go 1.24+ on PATH):\n"
                        + build.output());
            }
            bin = dir;
        }
        return bin;
    }
}
