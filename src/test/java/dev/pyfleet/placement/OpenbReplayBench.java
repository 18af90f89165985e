package dev.pyfleet.placement;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pyfleet.bench.BenchReport;
import dev.pyfleet.replay.Policy;
import dev.pyfleet.replay.Replay;
import dev.pyfleet.replay.ReplayReport;
import dev.pyfleet.replay.ReplayResult;
import dev.pyfleet.replay.Trace;
import dev.pyfleet.replay.TraceFiles;

/**
 * (c) Placement quality on the openb production trace, through the same replay code as the {@code replay} tool:
 * every strategy and reference policy, cpu + memory and with GPUs.
 */
class OpenbReplayBench {

    @Test
    void replayTheTraceUnderEachPolicy() throws Exception {
        Path dir = Path.of(System.getProperty("pyfleet.repo", ".")).toAbsolutePath().resolveSibling("shared")
                .resolve("fixtures/traces/openb");
        assumeTrue(Files.isDirectory(dir), "the openb trace is absent: " + dir);
        Path nodes = dir.resolve("openb_node_list_all_node.csv");
        Path pods = dir.resolve("openb_pod_list_default.csv");
        Trace trace = TraceFiles.read(nodes, pods);
        List<ReplayResult> cpuMemory = Policy.all().stream().map(p -> Replay.run(trace.withoutGpus(), p)).toList();
        List<ReplayResult> withGpus = Policy.all().stream().map(p -> Replay.run(trace, p)).toList();
        String tool = "java -jar target/quarkus-app/quarkus-run.jar replay --nodes ../shared/fixtures/traces/openb/"
                + "openb_node_list_all_node.csv --pods ../shared/fixtures/traces/openb/openb_pod_list_default.csv";
        BenchReport.write("openb", "(c) Placement quality on the openb trace (engine replay)", "make bench",
                "Cpu + memory (`" + tool + "`):\n\n" + ReplayReport.table(cpuMemory)
                        + "\nWith GPUs (the same with `--gpus`):\n\n" + ReplayReport.table(withGpus) + "\n"
                        + ReplayGoals.assess(cpuMemory, withGpus));
    }
}
