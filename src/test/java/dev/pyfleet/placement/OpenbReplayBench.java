package dev.pyfleet.placement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.pyfleet.bench.BenchReport;
import dev.pyfleet.bench.Runs;
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
        StringBuilder raw = new StringBuilder();
        List<ReplayResult> cpuMemory = rounds(trace.withoutGpus(), "cpu+memory", raw);
        List<ReplayResult> withGpus = rounds(trace, "with GPUs", raw);
        String tool = "java -jar target/quarkus-app/quarkus-run.jar replay --nodes ../shared/fixtures/traces/openb/"
                + "openb_node_list_all_node.csv --pods ../shared/fixtures/traces/openb/openb_pod_list_default.csv";
        BenchReport.write("openb", "(c) Placement quality on the openb trace (engine replay)", "make bench",
                "Cpu + memory (`" + tool + "`):\n\n" + ReplayReport.table(cpuMemory)
                        + "\nWith GPUs (the same with `--gpus`):\n\n" + ReplayReport.table(withGpus) + "\n"
                        + ReplayGoals.assess(cpuMemory, withGpus) + "\n" + notes(trace)
                        + "\nµs per pod is the median of " + Runs.ROUNDS + " replays, the policies' order reversed "
                        + "every other round; every replay of a policy placed as many pods on as many nodes with the same CPU CV (checked). "
                        + "Spread (lowest–highest µs per pod): " + spread + ".", raw.toString());
    }

    /**
     * Every policy replayed {@link Runs#ROUNDS} times in alternating order. Placement is deterministic, so the
     * results are the first round's, with the median time per pod; a replay that placed differently fails the run.
     */
    private List<ReplayResult> rounds(Trace trace, String label, StringBuilder raw) {
        Map<String, ReplayResult> first = new LinkedHashMap<>();
        Map<String, Runs> micros = new LinkedHashMap<>();
        Policy.all().forEach(p -> micros.put(p.name(), new Runs()));
        for (int round = 0; round < Runs.ROUNDS; round++) {
            for (Policy policy : Runs.order(Policy.all(), round)) {
                ReplayResult result = Replay.run(trace, policy);
                raw.append("%s round %d: %s%n".formatted(label, round + 1, result));
                micros.get(policy.name()).add(result.microsPerDecision());
                ReplayResult earlier = first.putIfAbsent(policy.name(), result);
                if (earlier != null && (earlier.placed() != result.placed()
                        || earlier.nodesUsed() != result.nodesUsed() || earlier.cpuCv() != result.cpuCv())) {
                    throw new IllegalStateException("replays of " + policy.name() + " differ: " + earlier + " vs "
                            + result);
                }
            }
        }
        spread.append(spread.isEmpty() ? "" : "; ").append(label).append(": ");
        List<String> parts = new ArrayList<>();
        micros.forEach((policy, runs) -> parts.add(policy + " " + runs.summary("%.1f")));
        spread.append(String.join(", ", parts));
        return Policy.all().stream().map(p -> {
            ReplayResult r = first.get(p.name());
            return new ReplayResult(r.policy(), r.pods(), r.placed(), r.failures(), r.firstFailure(), r.nodesUsed(),
                    r.cpuCv(), r.memoryCv(), r.busiestCpu(), r.gpusAllocated(), r.gpusStranded(),
                    micros.get(p.name()).median(), r.placedByGpus());
        }).toList();
    }

    private final StringBuilder spread = new StringBuilder();
}
