package dev.pyfleet.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/** Writes one benchmark's section of docs/benchmarks.md, replacing the section a previous run wrote. */
public final class BenchReport {

    private BenchReport() {
    }

    public static void write(String id, String title, String command, String body) {
        Path repo = Path.of(System.getProperty("pyfleet.repo", ".")).toAbsolutePath();
        Path file = repo.resolve("docs/benchmarks.md");
        String begin = "<!-- bench:" + id + " -->";
        String end = "<!-- /bench:" + id + " -->";
        String section = begin + "\n## " + title + "\n\nMeasured " + LocalDate.now() + " on "
                + Runtime.getRuntime().availableProcessors() + " cores, JDK " + System.getProperty("java.version")
                + ", with `" + command + "`.\n\n" + body.strip() + "\n" + end;
        try {
            String text = Files.exists(file) ? Files.readString(file)
                    : "# Benchmarks\n\nWritten by `make bench`; each section says the command that produced it.\n";
            int from = text.indexOf(begin);
            int to = text.indexOf(end);
            text = from >= 0 && to > from ? text.substring(0, from) + section + text.substring(to + end.length())
                    : text.stripTrailing() + "\n\n" + section + "\n";
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println(section);
    }
}
