package dev.pyfleet.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.pyfleet.replay.Policy;
import dev.pyfleet.replay.RebalanceRow;
import dev.pyfleet.replay.Replay;
import dev.pyfleet.replay.ReplayReport;
import dev.pyfleet.replay.ReplayResult;
import dev.pyfleet.replay.Trace;
import dev.pyfleet.replay.TraceFiles;

/** {@code pyfleet replay}: every PyFleet strategy and the reference policies on a node list and a pod list. */
final class ReplayCommand {

    static final String USAGE = """
            usage: replay --nodes NODES.csv --pods PODS.csv [--gpus | --no-gpus] [--policy NAME]... [--json]
                          [--rebalance PERCENT [--rebalance-seconds N]]
              Places the pods, in arrival order, on the nodes under each policy and compares the results.
              --gpus       count GPUs as a resource (default: cpu and memory only)
              --policy     only the named policies (e.g. "PyFleet BinPack", first-fit); default: all
              --json       one JSON array of results instead of a table
              --rebalance  then plans a rebalance to fewest nodes moving at most PERCENT of the pods placed, and
                           compares it with a greedy drain (the descheduler's HighNodeUtilization idea)
              --rebalance-seconds  the planner's time limit per policy (default 60)""";

    private ReplayCommand() {
    }

    static int run(List<String> args) throws Exception {
        Path nodes = null;
        Path pods = null;
        boolean gpus = false;
        boolean json = false;
        List<String> only = new ArrayList<>();
        int rebalancePercent = -1;
        int rebalanceSeconds = 60;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--nodes" -> nodes = Path.of(Cli.value(args, ++i, "--nodes"));
                case "--pods" -> pods = Path.of(Cli.value(args, ++i, "--pods"));
                case "--gpus" -> gpus = true;
                case "--no-gpus" -> gpus = false;
                case "--json" -> json = true;
                case "--policy" -> only.add(Cli.value(args, ++i, "--policy"));
                case "--rebalance" -> rebalancePercent = Cli.intValue(args, ++i, "--rebalance", 0, 100);
                case "--rebalance-seconds" -> rebalanceSeconds = Cli.intValue(args, ++i, "--rebalance-seconds", 1,
                        3600);
                default -> throw new Cli.UsageException("unknown argument " + args.get(i));
            }
        }
        if (nodes == null || pods == null) {
            throw new Cli.UsageException("--nodes and --pods are required");
        }
        Trace trace = TraceFiles.read(nodes, pods);
        if (!gpus) {
            trace = trace.withoutGpus();
        }
        List<ReplayResult> results = new ArrayList<>();
        List<RebalanceRow> rebalanced = new ArrayList<>();
        for (Policy policy : Policy.all()) {
            if (only.isEmpty() || only.contains(policy.name())) {
                Replay.Placed placed = Replay.place(trace, policy);
                results.add(placed.result());
                if (rebalancePercent >= 0) {
                    rebalanced.add(RebalanceRow.of(trace, placed, policy.name(), rebalancePercent,
                            Duration.ofSeconds(rebalanceSeconds)));
                }
            }
        }
        if (results.isEmpty()) {
            throw new Cli.UsageException("no policy is named " + only + "; policies: "
                    + Policy.all().stream().map(Policy::name).toList());
        }
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if (rebalancePercent < 0) {
            System.out.print(json ? mapper.writeValueAsString(results) + "\n" : ReplayReport.table(results));
        } else {
            System.out.print(json ? mapper.writeValueAsString(Map.of("replay", results, "rebalance", rebalanced))
                    + "\n" : ReplayReport.table(results) + "\n" + RebalanceRow.table(rebalanced));
        }
        return 0;
    }
}
