package dev.pyfleet.rebalance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.ortools.Loader;
import com.google.ortools.sat.BoolVar;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.LinearExprBuilder;

/**
 * Plans a rebalance as an integer linear program, solved by OR-Tools' CP-SAT: how many Pods of each kind run on each
 * node after the moves. Pods of the same size and constraints are interchangeable, so the program counts them per
 * node (one integer per kind and node) rather than deciding each Pod (one 0/1 per Pod and node): a fleet of 8,000
 * Pods of a few hundred kinds needs tens of thousands of variables, not millions. The placement now is the solver's
 * hint, so it starts from a plan that moves nothing and improves on it until it proves the optimum or runs out of
 * time.
 *
 * <p>A Pod may stay where it is whatever the node now says (cordoned, tainted, full); it may move only to a node
 * PyFleet's filter would give it (selector, taints, cordon, GPUs, maxPerNode) with room for it.
 */
public final class RebalancePlanner {

    private RebalancePlanner() {
    }

    public static RebalancePlan plan(RebalanceProblem problem) {
        FleetModel fleet = FleetModel.of(problem);
        Optional<String> invalid = fleet.invalid();
        long now = fleet.objectiveNow(problem.objective());
        if (invalid.isPresent()) {
            return RebalancePlan.none(now, invalid.get());
        }
        int budget = Math.min(problem.maxMoves(), problem.pods().size());
        if (budget <= 0) {
            return new RebalancePlan(RebalancePlan.Outcome.Optimal, now, now, now, List.of(), List.of(),
                    "a move budget of 0: nothing moves");
        }
        double seconds = problem.timeLimit().toMillis() / 1000.0;
        if (problem.objective() == Objective.FewestNodes && fleet.pairs() > WHOLE_PROGRAM_PAIRS) {
            return inWindow(problem, fleet, budget, now, seconds);
        }
        return new Program(fleet, problem.objective(), budget, List.of(), problem.solverMemoryMib()).solve(now,
                seconds, fleet.bound(problem.objective(), budget));
    }

    /**
     * Above this many (kind, node) pairs the whole program is too large to solve well on two cores in a minute (the
     * openb trace's 1,523 nodes and 103 sizes of Pod make about 150,000), and a fewest-nodes plan is solved over a
     * {@link Window} instead.
     */
    static final long WHOLE_PROGRAM_PAIRS = 20_000;

    /**
     * A fewest-nodes plan for a large fleet: the greedy drain first, then the program over the window around the
     * nodes it empties, started from the greedy plan, so the answer is never worse than the greedy one. The bound is
     * the fleet's own ({@link FleetModel#bound}), as what the solver proves holds only inside the window.
     */
    private static RebalancePlan inWindow(RebalanceProblem problem, FleetModel fleet, int budget, long now,
            double seconds) {
        long started = System.nanoTime();
        RebalancePlan greedy = GreedyDrain.plan(problem);
        RebalanceProblem part = Window.around(problem, greedy.moves(), budget);
        FleetModel window = FleetModel.of(part);
        double left = seconds - (System.nanoTime() - started) / 1e9;
        RebalancePlan inside = new Program(window, Objective.FewestNodes, budget, greedy.moves(),
                problem.solverMemoryMib()).solve(window.objectiveNow(Objective.FewestNodes), left, 0);
        long bound = fleet.bound(Objective.FewestNodes, budget);
        if (inside.outcome() == RebalancePlan.Outcome.NoPlan
                || inside.nodesFreed().size() <= greedy.nodesFreed().size()) {
            return new RebalancePlan(greedy.objectivePlanned() == bound ? RebalancePlan.Outcome.Optimal
                    : RebalancePlan.Outcome.Feasible, now, greedy.objectivePlanned(), bound, greedy.moves(),
                    greedy.nodesFreed(), "%d moves of at most %d, the greedy drain's: the solver found no better plan"
                            .formatted(greedy.moves().size(), budget));
        }
        long planned = now - inside.nodesFreed().size();
        return new RebalancePlan(planned == bound ? RebalancePlan.Outcome.Optimal : RebalancePlan.Outcome.Feasible,
                now, planned, Math.min(planned, bound), inside.moves(), inside.nodesFreed(),
                "%d moves of at most %d, solved over %d nodes and %d Pods (%s there)".formatted(inside.moves().size(),
                        budget, part.nodes().size(), part.pods().size(), inside.outcome()));
    }

    /** The CP-SAT program over a {@link FleetModel}. */
    private static final class Program {

        private final FleetModel fleet;
        private final Objective objective;
        private final int budget;
        /** Weight of the objective over moves: one step of the objective is worth more than every move allowed. */
        private final long weight;
        private final CpModel model = new CpModel();
        private final Map<FleetModel.Kind, Map<Integer, IntVar>> counts = new LinkedHashMap<>();
        private final int memoryMib;
        /** Where the solver starts: Pods of each kind per node once the starting moves are made. */
        private final Map<FleetModel.Kind, Map<Integer, Long>> start;
        private IntVar[] goalTerms = new IntVar[0];
        private long goalConstant;

        Program(FleetModel fleet, Objective objective, int budget, List<Move> start, int memoryMib) {
            this.fleet = fleet;
            this.memoryMib = memoryMib;
            this.start = fleet.after(start);
            this.objective = objective;
            this.budget = budget;
            this.weight = budget + 1L;
        }

        /** The plan, with a bound no lower than {@code known} (a bound found without the solver). */
        RebalancePlan solve(long now, double seconds, long known) {
            NativeSolver.load();
            placeEveryPod();
            respectCapacity();
            respectMaxPerNode();
            LinearExprBuilder stays = limitMoves();
            LinearExprBuilder goal = goal();
            // Moves = pods - stays; minimizing weight * goal - stays is the same up to a constant.
            model.minimize(LinearExpr.newBuilder().addTerm(goal.build(), weight).addTerm(stays.build(), -1));
            CpSolver solver = new CpSolver();
            solver.getParameters().setMaxTimeInSeconds(Math.max(0.1, seconds))
                    .setNumWorkers(Math.max(1, Runtime.getRuntime().availableProcessors())).setRandomSeed(1);
            if (memoryMib > 0) {
                solver.getParameters().setMaxMemoryInMb(memoryMib);
            }
            CpSolverStatus status = solver.solve(model);
            if (status != CpSolverStatus.OPTIMAL && status != CpSolverStatus.FEASIBLE) {
                return RebalancePlan.none(now, status == CpSolverStatus.INFEASIBLE
                        ? "no placement of the Pods in scope satisfies every node's constraints"
                        : "the solver found no plan within %.0f s; give it more time".formatted(seconds));
            }
            long planned = goalConstant;
            for (IntVar term : goalTerms) {
                planned += solver.value(term);
            }
            long proven = Math.floorDiv((long) Math.ceil(solver.bestObjectiveBound() - 1e-6) + fleet.podCount(),
                    weight);
            long bound = status == CpSolverStatus.OPTIMAL ? planned : Math.min(planned, Math.max(proven, known));
            Map<FleetModel.Kind, Map<Integer, Long>> after = new LinkedHashMap<>();
            counts.forEach((kind, byNode) -> {
                Map<Integer, Long> values = new HashMap<>();
                byNode.forEach((node, count) -> values.put(node, solver.value(count)));
                after.put(kind, values);
            });
            List<Move> moves = fleet.moves(after);
            return new RebalancePlan(status == CpSolverStatus.OPTIMAL ? RebalancePlan.Outcome.Optimal
                    : RebalancePlan.Outcome.Feasible, now, planned, bound, moves, fleet.freed(after),
                    "%d moves of at most %d".formatted(moves.size(), budget));
        }

        private long startOf(FleetModel.Kind kind, int node) {
            return start.get(kind).getOrDefault(node, 0L);
        }

        private boolean usedAtStart(int node, boolean gpus) {
            return (gpus ? fleet.fixed(node).gpus() > 0 : fleet.fixed(node).pods() > 0) || fleet.kinds().stream()
                    .anyMatch(k -> startOf(k, node) > 0 && (!gpus || k.need().gpus() > 0));
        }

        /** Every Pod of a kind on some node that may hold it. */
        private void placeEveryPod() {
            for (FleetModel.Kind kind : fleet.kinds()) {
                Map<Integer, IntVar> byNode = new LinkedHashMap<>();
                for (int node = 0; node < fleet.nodes().size(); node++) {
                    long now = fleet.now(kind, node);
                    long most = fleet.admits(kind, node) ? kind.pods().size() : now;
                    if (most > 0) {
                        IntVar count = model.newIntVar(0, most, "n");
                        model.addHint(count, startOf(kind, node));
                        byNode.put(node, count);
                    }
                }
                model.addEquality(LinearExpr.sum(byNode.values().toArray(IntVar[]::new)), kind.pods().size());
                counts.put(kind, byNode);
            }
        }

        /** On every node, the Pods that stay or arrive fit in what the other Pods leave. */
        private void respectCapacity() {
            for (int node = 0; node < fleet.nodes().size(); node++) {
                long[] caps = fleet.caps(node);
                for (int resource = 0; resource < caps.length; resource++) {
                    LinearExprBuilder load = LinearExpr.newBuilder();
                    boolean any = false;
                    for (var entry : counts.entrySet()) {
                        IntVar count = entry.getValue().get(node);
                        long size = entry.getKey().size()[resource];
                        if (count != null && size > 0) {
                            load.addTerm(count, size);
                            any = true;
                        }
                    }
                    if (any) {
                        model.addLessOrEqual(load, caps[resource]);
                    }
                }
            }
        }

        private void respectMaxPerNode() {
            Map<String, List<FleetModel.Kind>> apps = new LinkedHashMap<>();
            fleet.kinds().stream().filter(k -> k.maxPerNode() > 0 && k.app() != null)
                    .forEach(k -> apps.computeIfAbsent(k.app(), a -> new ArrayList<>()).add(k));
            apps.forEach((app, kinds) -> {
                for (int node = 0; node < fleet.nodes().size(); node++) {
                    List<IntVar> here = new ArrayList<>();
                    for (FleetModel.Kind kind : kinds) {
                        Optional.ofNullable(counts.get(kind).get(node)).ifPresent(here::add);
                    }
                    if (!here.isEmpty()) {
                        model.addLessOrEqual(LinearExpr.sum(here.toArray(IntVar[]::new)),
                                fleet.maxOfApp(app, kinds.get(0).maxPerNode(), node));
                    }
                }
            });
        }

        /** A Pod that stays is one of those on its node now; all but {@code budget} Pods stay. */
        private LinearExprBuilder limitMoves() {
            LinearExprBuilder stays = LinearExpr.newBuilder();
            counts.forEach((kind, byNode) -> byNode.forEach((node, count) -> {
                long now = fleet.now(kind, node);
                if (now > 0) {
                    IntVar stay = model.newIntVar(0, now, "stay");
                    model.addLessOrEqual(stay, count);
                    model.addHint(stay, Math.min(now, startOf(kind, node)));
                    stays.add(stay);
                }
            }));
            model.addGreaterOrEqual(stays, fleet.podCount() - budget);
            return stays;
        }

        private LinearExprBuilder goal() {
            List<IntVar> terms = new ArrayList<>();
            long constant = 0;
            switch (objective) {
                case FewestNodes, FreeGpuNodes -> {
                    boolean gpus = objective == Objective.FreeGpuNodes;
                    for (int node = 0; node < fleet.nodes().size(); node++) {
                        if (gpus && fleet.nodes().get(node).allocatable().gpus() <= 0) {
                            continue;
                        }
                        if (gpus ? fleet.fixed(node).gpus() > 0 : fleet.fixed(node).pods() > 0) {
                            constant++;
                            continue;
                        }
                        LinearExprBuilder here = LinearExpr.newBuilder();
                        long most = 0;
                        for (var entry : counts.entrySet()) {
                            IntVar count = entry.getValue().get(node);
                            long each = gpus ? entry.getKey().need().gpus() : 1;
                            if (count != null && each > 0) {
                                here.addTerm(count, each);
                                most += each * entry.getKey().pods().size();
                            }
                        }
                        if (most == 0) {
                            continue;
                        }
                        BoolVar used = model.newBoolVar("used");
                        model.addLessOrEqual(LinearExpr.newBuilder().add(here.build()).addTerm(used, -most), 0);
                        model.addHint(used, usedAtStart(node, gpus) ? 1 : 0);
                        terms.add(used);
                    }
                }
                case EvenLoad -> {
                    long ceiling = Math.max(1000, fleet.busiestPermille());
                    IntVar busiest = model.newIntVar(0, ceiling, "busiest");
                    model.addHint(busiest, fleet.busiestPermille());
                    for (int node = 0; node < fleet.nodes().size(); node++) {
                        long allocatable = fleet.nodes().get(node).allocatable().cpuMilli();
                        if (allocatable <= 0) {
                            continue;
                        }
                        // 1000 * (fixed + moved-in CPU) <= busiest * allocatable, in permille.
                        LinearExprBuilder load = LinearExpr.newBuilder();
                        for (var entry : counts.entrySet()) {
                            IntVar count = entry.getValue().get(node);
                            if (count != null) {
                                load.addTerm(count, 1000 * entry.getKey().need().cpuMilli());
                            }
                        }
                        load.addTerm(busiest, -allocatable);
                        model.addLessOrEqual(load, -1000 * fleet.fixed(node).cpuMilli());
                    }
                    terms.add(busiest);
                }
                default -> throw new IllegalArgumentException("objective " + objective);
            }
            goalTerms = terms.toArray(IntVar[]::new);
            goalConstant = constant;
            return LinearExpr.newBuilder().add(LinearExpr.sum(goalTerms)).add(constant);
        }
    }

    /** OR-Tools' native library, loaded once per process. */
    private static final class NativeSolver {

        private static boolean loaded;

        static synchronized void load() {
            if (!loaded) {
                Loader.loadNativeLibraries();
                loaded = true;
            }
        }
    }
}
