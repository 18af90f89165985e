package dev.pyfleet.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import dev.pyfleet.testing.CommandResult;

/**
 * Writes one benchmark's section of docs/benchmarks.md, replacing the section a previous run wrote, and its raw
 * output to docs/bench-raw/, both stamped with the commit they ran on, so every number can be traced to the code
 * and the measurements it came from.
 */
public final class BenchReport {

    private BenchReport() {
    }

    public static void write(String id, String title, String command, String body, String raw) {
        Path repo = Path.of(System.getProperty("pyfleet.repo", ".")).toAbsolutePath();
        Path file = repo.resolve("docs/benchmarks.md");
        Path rawFile = repo.resolve("docs/bench-raw/" + id + ".txt");
        String begin = "<!-- bench:" + id + " -->";
        String end = "<!-- /bench:" + id + " -->";
        String provenance = "Measured " + LocalDate.now() + " on " + Runtime.getRuntime().availableProcessors()
                + " cores, JDK " + System.getProperty("java.version") + ", commit " + commit(repo) + ", with `"
                + command + "`";
        String section = begin + "\n## " + title + "\n\n" + provenance + "; raw output in [docs/bench-raw/" + id
                + ".txt](bench-raw/" + id + ".txt).\n\n" + body.strip() + "\n" + end;
        try {
            String text = Files.exists(file) ? Files.readString(file)
                    : "# Benchmarks\n\nWritten by `make bench`; each section says the command that produced it.\n";
            int from = text.indexOf(begin);
            int to = text.indexOf(end);
            text = from >= 0 && to > from ? text.substring(0, from) + section + text.substring(to + end.length())
                    : text.stripTrailing() + "\n\n" + section + "\n";
            Files.writeString(file, text);
            Files.createDirectories(rawFile.getParent());
            Files.writeString(rawFile, "# " + title + "\n# " + provenance + "\n" + raw.strip() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println(section);
    }

    /**
     * The short hash of HEAD, marked when the working tree differs from it in tracked files other than the reports
     * the benchmarks themselves write.
     */
    static String commit(Path repo) {
        CommandResult head = CommandResult.run(List.of("git", "rev-parse", "--short=12", "HEAD"), repo, Map.of());
        if (head.exitCode() != 0) {
            return "unknown (not a git checkout)";
        }
        CommandResult dirty = CommandResult.run(List.of("git", "status", "--porcelain", "--untracked-files=no", "--",
                ".", ":!docs/benchmarks.md", ":!docs/bench-raw"), repo, Map.of());
        return "`" + head.output().strip() + "`" + (dirty.output().isBlank() ? "" : " with uncommitted changes");
    }
}
