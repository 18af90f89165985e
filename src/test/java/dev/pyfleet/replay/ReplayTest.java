package dev.pyfleet.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyfleet.placement.Strategy;

/** The replay tool: both CSV formats, arrival order, going on past failures, and what each result counts. */
class ReplayTest {

    @TempDir
    Path dir;

    @Test
    void readsTheSimpleFormatWithQuantitiesAndModels() throws Exception {
        Trace trace = TraceFiles.read(write("nodes.csv", """
                name,cpu,memory,gpu,model
                a,4,16Gi,0,
                b,32,128Gi,4,T4
                """), write("pods.csv", """
                name,cpu,memory,gpu,models
                web,500m,1Gi,0,
                train,8,32Gi,2,T4|A10
                """));
        assertThat(trace.nodes()).containsExactly(new Trace.TraceNode("a", 4000, 16L << 30, 0, ""),
                new Trace.TraceNode("b", 32000, 128L << 30, 4, "T4"));
        assertThat(trace.pods()).containsExactly(new Trace.TracePod("web", 500, 1L << 30, 0, List.of(), 0),
                new Trace.TracePod("train", 8000, 32L << 30, 2, List.of("T4", "A10"), 1));
    }

    @Test
    void readsOpenbColumnsAndReplaysByCreationTime() throws Exception {
        Trace trace = TraceFiles.read(write("nodes.csv", """
                sn,cpu_milli,memory_mib,gpu,model
                n0,32000,262144,8,G2
                """), write("pods.csv", """
                name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time
                late,1000,1024,1,460,,LS,Running,50,60
                early,2000,2048,0,0,G2|T4,LS,Running,10,60
                """));
        assertThat(trace.nodes().get(0)).isEqualTo(new Trace.TraceNode("n0", 32000, 262144L << 20, 8, "G2"));
        assertThat(trace.pods()).extracting(Trace.TracePod::name).containsExactly("early", "late");
        assertThat(trace.pods().get(1).gpus()).as("a shared GPU counts one whole GPU").isEqualTo(1);
        assertThat(trace.pods().get(0).models()).containsExactly("G2", "T4");
    }

    @Test
    void aBadNumberNamesTheFileLineAndColumn() throws Exception {
        Path nodes = write("nodes.csv", "sn,cpu_milli,memory_mib,gpu,model\nn0,lots,1024,0,\n");
        assertThatThrownBy(() -> TraceFiles.read(nodes, write("pods.csv", "name,cpu,memory\n")))
                .hasMessageContaining("nodes.csv line 2: cpu_milli is not a whole number: lots");
    }

    /** Two 4-core nodes; the 6-core pod fits nowhere and the replay goes on to place the last pod. */
    @Test
    void aPodThatFitsNowhereIsCountedAndTheReplayGoesOn() {
        Trace trace = new Trace(List.of(node("a", 4, 0, ""), node("b", 4, 0, "")),
                List.of(pod("p1", 1, 0), pod("too-big", 6, 0), pod("p2", 3, 0)));
        ReplayResult result = Replay.run(trace, Policy.engine(Strategy.BinPack));
        assertThat(result.placed()).isEqualTo(2);
        assertThat(result.failures()).isEqualTo(1);
        assertThat(result.firstFailure()).startsWith("too-big (6000m");
        assertThat(result.nodesUsed()).as("BinPack puts p2 beside p1").isEqualTo(1);
        assertThat(result.cpuCv()).isZero();
        assertThat(result.busiestCpu()).isEqualTo(1.0);
        assertThat(result.placedByGpus()).isEqualTo(Map.of(0L, 2L));
    }

    @Test
    void firstFitTakesNodesInNameOrderAndKubeSchedulerDefaultSpreads() {
        Trace trace = new Trace(List.of(node("b", 8, 0, ""), node("a", 8, 0, "")),
                List.of(pod("p1", 1, 0), pod("p2", 1, 0)));
        assertThat(Replay.run(trace, ReferencePolicies.firstFit()).nodesUsed()).isEqualTo(1);
        assertThat(Replay.run(trace, ReferencePolicies.kubeSchedulerDefault()).nodesUsed()).isEqualTo(2);
        assertThat(Replay.run(trace, ReferencePolicies.mostAllocated()).nodesUsed()).isEqualTo(1);
    }

    @Test
    void aPodOnlyGoesToTheGpuModelsItNames() {
        Trace trace = new Trace(List.of(node("t4", 32, 4, "T4"), node("a10", 32, 4, "A10")),
                List.of(new Trace.TracePod("train", 1000, 1L << 30, 1, List.of("A10"), 0)));
        for (Policy policy : Policy.all()) {
            assertThat(Replay.run(trace, policy).placed()).as(policy.name()).isEqualTo(1);
        }
        Trace noSuchModel = new Trace(trace.nodes(),
                List.of(new Trace.TracePod("train", 1000, 1L << 30, 1, List.of("H100"), 0)));
        assertThat(Replay.run(noSuchModel, Policy.engine(Strategy.Balanced)).failures()).isEqualTo(1);
    }

    /**
     * One node of 8 GPUs and 16 cores, two 1-GPU pods of 7 cores: 2 cores are left for 6 free GPUs, which the
     * trace's GPU pods (7 cores each) cannot use: all 6 are stranded.
     */
    @Test
    void gpusWithoutCpuBesideThemCountAsStranded() {
        Trace trace = new Trace(List.of(node("g", 16, 8, "")), List.of(pod("a", 7, 1), pod("b", 7, 1)));
        ReplayResult result = Replay.run(trace, Policy.engine(Strategy.BinPack));
        assertThat(result.gpusAllocated()).isEqualTo(2);
        assertThat(result.gpusStranded()).isEqualTo(6.0);
        assertThat(Replay.run(trace.withoutGpus(), Policy.engine(Strategy.BinPack)).gpusAllocated()).isZero();
    }

    @Test
    void theTableHasARowPerPolicy() {
        Trace trace = new Trace(List.of(node("a", 4, 0, "")), List.of(pod("p", 1, 0)));
        List<ReplayResult> results = Policy.all().stream().map(p -> Replay.run(trace, p)).toList();
        String table = ReplayReport.table(results);
        assertThat(table.lines()).hasSize(2 + Policy.all().size());
        assertThat(table).contains("| PyFleet BinPack | 1 | 0 | none | 1 |").contains("| first-fit |");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static Trace.TraceNode node(String name, long cores, long gpus, String model) {
        return new Trace.TraceNode(name, cores * 1000, cores * 4L << 30, gpus, model);
    }

    private static Trace.TracePod pod(String name, long cores, long gpus) {
        return new Trace.TracePod(name, cores * 1000, 1L << 30, gpus, List.of(), 0);
    }
}
