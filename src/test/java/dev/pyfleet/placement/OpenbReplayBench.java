package dev.pyfleet.placement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pyfleet.bench.BenchReport;
import dev.pyfleet.testing.Inputs;
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

    /** How to read the tables, and the cause of the goal not met, with the trace's own numbers. */
    private static String notes(Trace trace) {
        long asked = trace.pods().stream().mapToLong(Trace.TracePod::gpus).sum();
        long present = trace.nodes().stream().mapToLong(Trace.TraceNode::gpus).sum();
        return """
                %d nodes, %d pods in creation order, nothing departs; a pod that fits nowhere fails and the replay \
                goes on. CV is over used nodes. GPUs are whole, as nvidia.com/gpu counts them (a pod sharing a GPU \
                counts one). GPUs stranded: free GPUs on used nodes that the trace's GPU pods could not use there \
                (too little CPU or memory beside them, or too few together), weighted by how common each pod shape \
                is. kube-scheduler is emulated with integer plugin scores and a seeded random choice among equal top \
                scores, as it chooses.

                Why no strategy places more pods than kube-scheduler's default scoring with GPUs: the trace asks \
                %d whole GPUs of %d present, so once they run out every GPU handed to a multi-GPU pod is a GPU fewer \
                for one-GPU pods, and a policy that starves multi-GPU pods places more pods. LeastAllocated spreads \
                one-GPU pods over every GPU node, so few nodes keep 8 GPUs free for an 8-GPU pod; PyFleet places a \
                GPU pod where it leaves the fewest GPUs free, keeping whole GPU nodes for the pods that need them. \
                The counts above show the trade: more 8-GPU pods placed, more GPUs allocated in all, and about a \
                third as many stranded. PyFleet does not trade multi-GPU workloads away for the count.
                """.formatted(trace.nodes().size(), trace.pods().size(), asked, present);
    }

    @Test
    void replayTheTraceUnderEachPolicy() throws Exception {
        Path dir = Path.of(System.getProperty("pyfleet.repo", ".")).toAbsolutePath().resolveSibling("shared")
                .resolve("fixtures/traces/openb");
        Inputs.require(Files.isDirectory(dir), "the openb trace is absent: " + dir);
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
                        + ReplayGoals.assess(cpuMemory, withGpus) + "\n" + notes(trace));
    }
}
