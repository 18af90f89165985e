package dev.pyfleet.replay;

import java.util.List;
import java.util.Locale;

/** Replay results as a Markdown table for people; {@code --json} output is the results themselves. */
public final class ReplayReport {

    private ReplayReport() {
    }

    public static String table(List<ReplayResult> results) {
        StringBuilder table = new StringBuilder("""
                | policy | pods placed | failures | first failure | nodes used | CPU CV | memory CV \
                | busiest CPU | GPUs allocated | GPUs stranded | µs per pod |
                |---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|
                """);
        for (ReplayResult r : results) {
            table.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %d | %.3f | %.3f | %.0f%% | %d | %.1f | %.1f |%n",
                    r.policy(), r.placed(), r.failures(), r.firstFailure() == null ? "none" : r.firstFailure(),
                    r.nodesUsed(), r.cpuCv(), r.memoryCv(), 100 * r.busiestCpu(), r.gpusAllocated(),
                    r.gpusStranded(), r.microsPerDecision()));
        }
        return table.toString();
    }
}
