package dev.pyfleet.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How the image starts the operator's JVM, read from the Dockerfile, so a benchmark can start it the same way. */
public final class ImageJvm {

    private ImageJvm() {
    }

    /** The flags the image starts the JVM with: JAVA_OPTS_APPEND in the Dockerfile. */
    public static List<String> flags(Path repo) throws IOException {
        Matcher flags = Pattern.compile("JAVA_OPTS_APPEND=\"([^\"]*)\"").matcher(dockerfile(repo));
        if (!flags.find()) {
            throw new IllegalStateException("no JAVA_OPTS_APPEND in the Dockerfile");
        }
        return Arrays.asList(flags.group(1).trim().split("\\s+"));
    }

    /** The image's other environment that shapes memory: MALLOC_ARENA_MAX, when the Dockerfile sets it. */
    public static List<String> environment(Path repo) throws IOException {
        Matcher arenas = Pattern.compile("MALLOC_ARENA_MAX=(\\d+)").matcher(dockerfile(repo));
        return arenas.find() ? List.of("MALLOC_ARENA_MAX=" + arenas.group(1)) : List.of();
    }

    private static String dockerfile(Path repo) throws IOException {
        return Files.readString(repo.resolve("Dockerfile"));
    }
}
