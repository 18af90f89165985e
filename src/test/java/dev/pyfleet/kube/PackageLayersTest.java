package dev.pyfleet.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Imports between PyFleet's packages flow one way, downward: the leaves import none of ours but each other below
 * them, and the two controllers never import each other. What they share belongs in a leaf.
 */
class PackageLayersTest {

    /** Each package and the packages of ours it may import. */
    static final Map<String, Set<String>> MAY_IMPORT = Map.ofEntries(
            Map.entry("api", Set.of()),
            Map.entry("kube", Set.of()),
            Map.entry("placement", Set.of()),
            Map.entry("app", Set.of("api", "kube")),
            Map.entry("kubevirt", Set.of("api", "kube")),
            Map.entry("status", Set.of("api", "kube")),
            Map.entry("metrics", Set.of("api", "kube", "status")),
            Map.entry("extender", Set.of("api", "kube", "placement")),
            Map.entry("replay", Set.of("placement", "rebalance")),
            Map.entry("rebalance", Set.of("placement")),
            Map.entry("operator", Set.of("api", "kube", "status", "metrics", "extender", "placement")),
            Map.entry("pythonapp", Set.of("api", "kube", "app", "status", "metrics", "operator")),
            Map.entry("vmpool", Set.of("api", "kube", "app", "kubevirt", "status", "metrics", "operator")),
            Map.entry("rebalancing", Set.of("api", "kube", "placement", "rebalance", "extender", "status", "operator",
                    "kubevirt")),
            Map.entry("cli", Set.of("api", "kube", "app", "placement", "extender", "replay", "pythonapp")));

    static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.pyfleet\\.([a-z0-9]+)\\.",
            Pattern.MULTILINE);

    @Test
    void everyImportOfOursGoesDownward() throws IOException {
        Path root = Path.of("src/main/java/dev/pyfleet");
        List<String> wrong = new ArrayList<>();
        List<String> packagesSeen = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(file).getName(0).toString();
                packagesSeen.add(pkg);
                Set<String> allowed = MAY_IMPORT.get(pkg);
                assertThat(allowed).as("package %s has a place in the layers", pkg).isNotNull();
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String imported = m.group(1);
                    if (!imported.equals(pkg) && !allowed.contains(imported)) {
                        wrong.add(root.relativize(file) + " imports " + imported);
                    }
                }
            }
        }
        assertThat(packagesSeen).as("source files read").contains("pythonapp", "vmpool", "extender");
        assertThat(wrong).as("imports against the layering").isEmpty();
    }
}
