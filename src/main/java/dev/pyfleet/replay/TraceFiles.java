package dev.pyfleet.replay;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.pyfleet.replay.Trace.TraceNode;
import dev.pyfleet.replay.Trace.TracePod;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Reads node and pod lists from CSV files with a header row, in either of two column sets, told apart by the header:
 * <ul>
 * <li>openb (Alibaba's cluster-trace-gpu-v2023): nodes {@code sn,cpu_milli,memory_mib,gpu,model}, pods
 * {@code name,cpu_milli,memory_mib,num_gpu,gpu_milli[,gpu_spec,...,creation_time,...]}; {@code gpu_spec} lists
 * the GPU models a pod may use, separated by {@code |};</li>
 * <li>simple: nodes {@code name,cpu,memory[,gpu][,model]}, pods {@code name,cpu,memory[,gpu][,models]}, with
 * Kubernetes quantities ({@code 500m}, {@code 2}, {@code 4Gi}).</li>
 * </ul>
 * Pods are replayed by {@code creation_time} where the file has it (ties by name), otherwise in file order.
 */
public final class TraceFiles {

    private static final long MI = 1024L * 1024;

    private TraceFiles() {
    }

    public static Trace read(Path nodes, Path pods) throws IOException {
        return new Trace(readNodes(nodes), readPods(pods));
    }

    static List<TraceNode> readNodes(Path file) throws IOException {
        Table table = Table.read(file);
        boolean openb = table.has("cpu_milli");
        List<TraceNode> nodes = new ArrayList<>();
        for (int row = 0; row < table.rows(); row++) {
            String name = table.get(row, openb ? "sn" : "name");
            nodes.add(openb
                    ? new TraceNode(name, table.number(row, "cpu_milli"), table.number(row, "memory_mib") * MI,
                            table.number(row, "gpu"), table.get(row, "model"))
                    : new TraceNode(name, milli(table.get(row, "cpu")), bytes(table.get(row, "memory")),
                            table.has("gpu") ? table.number(row, "gpu") : 0, table.get(row, "model")));
        }
        return nodes;
    }

    static List<TracePod> readPods(Path file) throws IOException {
        Table table = Table.read(file);
        boolean openb = table.has("cpu_milli");
        List<TracePod> pods = new ArrayList<>();
        for (int row = 0; row < table.rows(); row++) {
            String models = table.get(row, openb ? "gpu_spec" : "models");
            List<String> allowed = models.isBlank() ? List.of() : Arrays.stream(models.split("\\|"))
                    .map(String::strip).filter(m -> !m.isEmpty()).toList();
            long created = table.has("creation_time") ? table.number(row, "creation_time") : row;
            String name = table.get(row, "name");
            pods.add(openb
                    ? new TracePod(name, table.number(row, "cpu_milli"), table.number(row, "memory_mib") * MI,
                            table.number(row, "num_gpu"), allowed, created)
                    : new TracePod(name, milli(table.get(row, "cpu")), bytes(table.get(row, "memory")),
                            table.has("gpu") ? table.number(row, "gpu") : 0, allowed, created));
        }
        pods.sort(Comparator.comparingLong(TracePod::created).thenComparing(TracePod::name));
        return pods;
    }

    private static long milli(String quantity) {
        return Quantity.getAmountInBytes(new Quantity(quantity)).multiply(BigDecimal.valueOf(1000))
                .setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static long bytes(String quantity) {
        return Quantity.getAmountInBytes(new Quantity(quantity)).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** A CSV file read by column name; a missing column reads as empty. No quoting: trace fields never need it. */
    private record Table(Path file, Map<String, Integer> columns, List<String[]> cells) {

        static Table read(Path file) throws IOException {
            List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
            if (lines.isEmpty()) {
                throw new IllegalArgumentException(file + ": empty, expected a header row");
            }
            Map<String, Integer> columns = new HashMap<>();
            String[] header = lines.get(0).split(",", -1);
            for (int i = 0; i < header.length; i++) {
                columns.put(header[i].strip().toLowerCase(), i);
            }
            List<String[]> cells = lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1)).toList();
            return new Table(file, columns, cells);
        }

        int rows() {
            return cells.size();
        }

        boolean has(String column) {
            return columns.containsKey(column);
        }

        String get(int row, String column) {
            Integer at = columns.get(column);
            String[] line = cells.get(row);
            return at == null || at >= line.length ? "" : line[at].strip();
        }

        long number(int row, String column) {
            String value = get(row, column);
            if (!has(column)) {
                throw new IllegalArgumentException(file + ": no column " + column + "; columns are "
                        + columns.keySet());
            }
            try {
                return value.isEmpty() ? 0 : Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + (row + 2) + ": " + column + " is not a whole "
                        + "number: " + value);
            }
        }
    }
}
