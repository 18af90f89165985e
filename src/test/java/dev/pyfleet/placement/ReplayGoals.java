package dev.pyfleet.placement;

import java.util.List;
import java.util.Locale;

import dev.pyfleet.replay.ReplayResult;

/** The placement goals, each stated as met or not from the replay's own numbers, with the gap where not met. */
final class ReplayGoals {

    private ReplayGoals() {
    }

    static String assess(List<ReplayResult> cpuMemory, List<ReplayResult> withGpus) {
        ReplayResult binPack = find(cpuMemory, "PyFleet BinPack");
        ReplayResult balanced = find(cpuMemory, "PyFleet Balanced");
        ReplayResult spread = find(cpuMemory, "PyFleet Spread");
        ReplayResult loadAware = find(cpuMemory, "PyFleet LoadAware");
        ReplayResult firstFit = find(cpuMemory, "first-fit");
        StringBuilder out = new StringBuilder("| goal | result |\n|---|---|\n");
        row(out, "BinPack: every pod placed on at most 1,000 nodes (cpu + memory)",
                binPack.failures() == 0 && binPack.nodesUsed() <= 1000,
                binPack.nodesUsed() + " nodes, " + binPack.failures() + " failures");
        row(out, "Balanced: every pod placed, CPU CV at most 0.10", balanced.failures() == 0 && balanced.cpuCv() <= 0.10,
                fmt("CPU CV %.3f, %d failures", balanced.cpuCv(), balanced.failures()));
        row(out, "BinPack no worse than first-fit on nodes used", binPack.nodesUsed() <= firstFit.nodesUsed(),
                binPack.nodesUsed() + " vs " + firstFit.nodesUsed());
        for (ReplayResult even : List.of(balanced, spread)) {
            double own = (even.cpuCv() + even.memoryCv()) / 2;
            double ff = (firstFit.cpuCv() + firstFit.memoryCv()) / 2;
            row(out, even.policy() + " no worse than first-fit on evenness across nodes and resources (mean of CPU "
                    + "and memory CV)", own <= ff, fmt("%.3f vs %.3f (CPU CV alone: %.3f vs %.3f)", own, ff,
                            even.cpuCv(), firstFit.cpuCv()));
        }
        row(out, "LoadAware no worse than first-fit on its busiest node", loadAware.busiestCpu()
                <= firstFit.busiestCpu(), fmt("%.0f%% vs %.0f%% CPU", 100 * loadAware.busiestCpu(),
                        100 * firstFit.busiestCpu()));
        List<ReplayResult> references = withGpus.stream().filter(r -> !r.policy().startsWith("PyFleet")).toList();
        ReplayResult kubeDefault = find(withGpus, "kube-scheduler default");
        int mostReference = references.stream().mapToInt(ReplayResult::placed).max().orElse(0);
        for (ReplayResult r : withGpus.stream().filter(r -> r.policy().startsWith("PyFleet")).toList()) {
            row(out, r.policy() + " with GPUs: more pods placed than every reference", r.placed() > mostReference,
                    fmt("%d vs at most %d (GPUs allocated %d vs %d; 8-GPU pods placed %d vs %d)", r.placed(),
                            mostReference, r.gpusAllocated(), kubeDefault.gpusAllocated(),
                            r.placedByGpus().getOrDefault(8L, 0L), kubeDefault.placedByGpus().getOrDefault(8L, 0L)));
            row(out, r.policy() + " with GPUs: fewer GPUs stranded than kube-scheduler default",
                    r.gpusStranded() < kubeDefault.gpusStranded(),
                    fmt("%.1f vs %.1f", r.gpusStranded(), kubeDefault.gpusStranded()));
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String goal, boolean met, String numbers) {
        out.append("| ").append(goal).append(" | ").append(met ? "met" : "**not met**").append(": ").append(numbers)
                .append(" |\n");
    }

    private static ReplayResult find(List<ReplayResult> results, String policy) {
        return results.stream().filter(r -> r.policy().equals(policy)).findFirst().orElseThrow();
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
