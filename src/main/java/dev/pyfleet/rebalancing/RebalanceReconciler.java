package dev.pyfleet.rebalancing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.inject.Inject;

import dev.pyfleet.api.v1alpha1.Rebalance;
import dev.pyfleet.api.v1alpha1.RebalanceSpec;
import dev.pyfleet.api.v1alpha1.RebalanceStatus;
import dev.pyfleet.api.v1alpha1.RebalanceStatus.MoveStatus;
import dev.pyfleet.extender.ClusterView;
import dev.pyfleet.extender.PodRequests;
import dev.pyfleet.kube.ClusterPods;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.kubevirt.VirtualMachineInstance;
import dev.pyfleet.operator.OperatorSettings;
import dev.pyfleet.placement.NodeSnapshot;
import dev.pyfleet.placement.PlacementEngine;
import dev.pyfleet.rebalance.Objective;
import dev.pyfleet.rebalance.RebalancePlan;
import dev.pyfleet.rebalance.RebalancePlanner;
import dev.pyfleet.rebalance.RebalanceProblem;
import dev.pyfleet.status.Event;
import dev.pyfleet.status.Conditions;
import dev.pyfleet.status.EventRecorder;
import dev.pyfleet.status.ReconcileFailures;
import dev.pyfleet.status.StatusUpdates;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Plans a Rebalance once per spec and, when asked, applies the plan a few moves at a time. Every status write is an
 * update at the version read (a conflict means someone wrote since: look again), and a move is marked under way
 * before its Pod is evicted, so an operator restarted mid-apply resumes from status: finished moves stay finished,
 * and a started one is followed, not started again.
 */
@ControllerConfiguration(name = "rebalance")
public class RebalanceReconciler implements Reconciler<Rebalance> {

    /** How often an apply under way looks at its moves. */
    static final Duration APPLY_EVERY = Duration.ofSeconds(2);
    /** How soon a Rebalance is looked at again while the operator's Pod cache is still being filled. */
    static final Duration UNTIL_SYNCED = Duration.ofSeconds(1);
    /** A request that found nothing to plan tries again this long after, as the cluster may have changed. */
    static final Duration NO_PLAN_RETRY = Duration.ofSeconds(30);

    private final ClusterView view;
    private final ClusterPods pods;
    private final EventRecorder events;
    private final ReconcileFailures failures;
    private final int solverMemoryMib;
    private final Clock clock = Clock.systemUTC();

    @Inject
    public RebalanceReconciler(ClusterView view, ClusterPods pods, EventRecorder events, ReconcileFailures failures,
            OperatorSettings settings) {
        this.solverMemoryMib = settings.rebalance().solverMemoryMib();
        this.view = view;
        this.pods = pods;
        this.events = events;
        this.failures = failures;
    }

    @Override
    public UpdateControl<Rebalance> reconcile(Rebalance rebalance, Context<Rebalance> context) {
        try {
            UpdateControl<Rebalance> control = reconcileOnce(rebalance, context);
            failures.succeeded(rebalance);
            return control;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                // The status changed since this copy was read: read it again rather than write over it.
                return UpdateControl.<Rebalance>noUpdate().rescheduleAfter(Duration.ofSeconds(1));
            }
            throw e;
        }
    }

    /**
     * A failure is told once and marks the Rebalance Degraded, on a fresh read at its version: the SDK's own status
     * patch would write this copy's moves over newer states written during the failed reconcile.
     */
    @Override
    public ErrorStatusUpdateControl<Rebalance> updateErrorStatus(Rebalance rebalance, Context<Rebalance> context,
            Exception e) {
        failures.failed(rebalance, e).ifPresent(reason -> {
            try {
                Rebalance fresh = context.getClient().resources(Rebalance.class)
                        .withName(rebalance.getMetadata().getName()).get();
                if (fresh != null) {
                    RebalanceStatus status = Objects.requireNonNullElse(fresh.getStatus(), RebalanceStatus.EMPTY);
                    fresh.setStatus(status.withConditions(Conditions.replace(status.conditions(),
                            Conditions.of(Conditions.DEGRADED, true, ReconcileFailures.REASON, reason),
                            fresh.getMetadata().getGeneration(), clock.instant())));
                    context.getClient().resource(fresh).updateStatus();
                }
            } catch (KubernetesClientException unwritten) {
                // The retry that follows tries again; the failure itself is already told.
            }
        });
        return ErrorStatusUpdateControl.noStatusUpdate();
    }

    private UpdateControl<Rebalance> reconcileOnce(Rebalance rebalance, Context<Rebalance> context) {
        if (!pods.synced()) {
            // Just started: planned on a cache not yet filled, a plan would see empty nodes, and a move under way
            // would find neither its Pod nor its replacement.
            return UpdateControl.<Rebalance>noUpdate().rescheduleAfter(UNTIL_SYNCED);
        }
        RebalanceSpec spec = rebalance.getSpec();
        RebalanceSpec.Action action = Objects.requireNonNullElse(spec.action(), RebalanceSpec.Action.Plan);
        String digest = PlanStatus.digest(spec);
        RebalanceStatus.Plan plan = rebalance.getStatus() == null ? null : rebalance.getStatus().plan();
        boolean underWay = plan != null && plan.moves().stream()
                .anyMatch(m -> MoveState.of(m.state()) == MoveState.InFlight);
        Rebalance current = rebalance;
        if (plan != null && digest.equals(plan.specDigest())) {
            if (plan.outcome().equals(PlanStatus.PLANNING)) {
                // Planning is done within one reconcile: found at the start of another, it never finished.
                plan = PlanStatus.interrupted(plan);
                current = write(context, current, plan, action);
                events.record(current, Event.warning("PlanInterrupted", plan.message()));
            }
            if (plan.outcome().equals(PlanStatus.INTERRUPTED)) {
                return UpdateControl.noUpdate();
            }
        }
        boolean retry = plan != null && plan.outcome().equals(PlanStatus.NO_PLAN)
                && !Instant.parse(plan.computedAt()).plus(NO_PLAN_RETRY).isAfter(clock.instant());
        if (plan == null || retry || (!digest.equals(plan.specDigest()) && !underWay)) {
            current = write(context, current, PlanStatus.planning(digest, clock.instant()), action);
            plan = plan(spec, digest, vms(context));
            current = write(context, current, plan, action);
            events.record(current, plan.outcome().equals(PlanStatus.NO_PLAN)
                    ? Event.warning("NoPlan", plan.message())
                    : Event.normal("Planned", RebalanceReport.summary(plan)));
        }
        if (plan.outcome().equals(PlanStatus.NO_PLAN)) {
            return UpdateControl.<Rebalance>noUpdate().rescheduleAfter(NO_PLAN_RETRY);
        }
        boolean start = action == RebalanceSpec.Action.Apply && digest.equals(plan.specDigest());
        if (!start && !underWay) {
            write(context, current, plan, action);
            return UpdateControl.noUpdate();
        }
        Instant now = clock.instant();
        java.util.Set<String> planned = plan.moves().stream().map(MoveStatus::uid)
                .collect(java.util.stream.Collectors.toSet());
        // Each move's Pods are looked up once per step: finding a replacement scans the Pod cache.
        Map<MoveStatus, ObservedPod.Move> observed = new HashMap<>();
        MoveStep.Result step = MoveStep.next(plan.moves(),
                move -> observed.computeIfAbsent(move, m -> vm(m) ? vms(context).observe(m) : observe(m, planned)),
                arrivals(plan.moves(), planned),
                Objects.requireNonNullElse(spec.maxInFlight(), 1), start, now);
        RebalanceStatus.Plan stepped = with(plan, step.moves());
        current = write(context, current, stepped, action);
        tellOutcomes(current, plan.moves(), step.moves());

        Map<String, String> waiting = new HashMap<>();
        Evictions evictions = new Evictions(context.getClient());
        Scope scope = Scope.of(spec.scope(), spec.vmMoves());
        for (MoveStatus move : step.evict()) {
            (vm(move) ? vms(context).start(current, move, scope) : evictions.evict(move))
                    .ifPresent(why -> waiting.put(move.kind() + "/" + move.namespace() + "/" + move.name(), why));
        }
        List<MoveStatus> told = step.moves().stream().map(m -> {
            String why = waiting.get(m.kind() + "/" + m.namespace() + "/" + m.name());
            boolean evicting = step.evict().stream().anyMatch(e -> e.kind().equals(m.kind())
                    && e.namespace().equals(m.namespace()) && e.name().equals(m.name()));
            return !evicting ? m : m.with(m.state(), m.startedAt(), why != null ? why
                    : vm(m) ? "moving; its instance goes to " + m.to() : "evicted; its replacement goes to " + m.to());
        }).toList();
        write(context, current, with(plan, told), action);
        return step.over() ? UpdateControl.noUpdate()
                : UpdateControl.<Rebalance>noUpdate().rescheduleAfter(APPLY_EVERY);
    }

    private RebalanceStatus.Plan plan(RebalanceSpec spec, String digest, VirtualMachines vms) {
        Scope scope = Scope.of(spec.scope(), spec.vmMoves());
        List<Pod> inScope = movableVms(pods.list(scope::movable), scope, vms);
        Map<String, Pod> byId = new HashMap<>();
        inScope.forEach(p -> byId.put(Scope.id(p), p));
        RebalanceProblem problem = Scope.problem(view.snapshotAll(), inScope,
                Objective.valueOf(Objects.requireNonNullElse(spec.objective(), RebalanceSpec.Objective.FewestNodes)
                        .name()),
                Objects.requireNonNullElse(spec.maxMoves(), 10),
                Duration.ofSeconds(Objects.requireNonNullElse(spec.solverTimeLimitSeconds(), 30)), solverMemoryMib);
        Instant started = clock.instant();
        RebalancePlan plan = inScope.isEmpty()
                ? new RebalancePlan(RebalancePlan.Outcome.NoPlan, 0, 0, 0, List.of(), List.of(),
                        "no Pod in scope runs Ready on a node: nothing to plan (scope: namespaces "
                                + scope.namespaces() + ", apps " + scope.apps() + ")")
                : RebalancePlanner.plan(problem);
        double seconds = Duration.between(started, clock.instant()).toMillis() / 1000.0;
        return PlanStatus.of(plan, digest, started, seconds, byId);
    }

    /**
     * The candidates, less the launcher Pods of VMs that cannot move ({@link Scope#whyVmStays}) and those of a VM
     * that is not where its instance runs (the source or target of a migration under way).
     */
    private static List<Pod> movableVms(List<Pod> candidates, Scope scope, VirtualMachines vms) {
        if (candidates.stream().noneMatch(p -> Scope.instance(p).isPresent())) {
            return candidates;
        }
        Map<String, VirtualMachineInstance> instances = vms.instances(scope.namespaces());
        Map<String, String> runStrategies = vms.runStrategies(scope.namespaces());
        return candidates.stream().filter(pod -> Scope.instance(pod).map(owner -> {
            String key = pod.getMetadata().getNamespace() + "/" + owner.getName();
            VirtualMachineInstance vmi = instances.get(key);
            return vmi != null && owner.getUid().equals(vmi.getMetadata().getUid()) && vmi.getStatus() != null
                    && pod.getSpec().getNodeName().equals(vmi.getStatus().nodeName())
                    && scope.whyVmStays(vmi, runStrategies.get(key)).isEmpty();
        }).orElse(true)).toList();
    }

    private static boolean vm(MoveStatus move) {
        return VirtualMachines.KIND.equals(move.kind());
    }

    private static VirtualMachines vms(Context<Rebalance> context) {
        return new VirtualMachines(context.getClient());
    }

    /** What the move finds of its Pods in the cache now. */
    private ObservedPod.Move observe(MoveStatus move, java.util.Set<String> planned) {
        return new ObservedPod.Move(original(move).map(RebalanceReconciler::observed),
                replacement(move, planned).map(RebalanceReconciler::observed));
    }

    private static ObservedPod observed(Pod pod) {
        return new ObservedPod(pod.getMetadata().getUid(), pod.getSpec() == null ? null : pod.getSpec().getNodeName(),
                Scope.ready(pod), pod.getMetadata().getDeletionTimestamp() != null);
    }

    /** The Pod the move was planned for, while it exists: for a VM, the launcher Pod of the planned instance. */
    private Optional<Pod> original(MoveStatus move) {
        if (vm(move)) {
            return pods.list(p -> move.namespace().equals(p.getMetadata().getNamespace())
                    && p.getMetadata().getDeletionTimestamp() == null && Scope.instance(p)
                            .filter(o -> o.getName().equals(move.name()) && o.getUid().equals(move.uid())).isPresent())
                    .stream().filter(p -> move.from().equals(p.getSpec().getNodeName())).findFirst();
        }
        return pods.get(move.namespace(), move.name()).filter(p -> move.uid().equals(p.getMetadata().getUid()));
    }

    /**
     * The Pod that replaces a started move's: the newest Pod of its app made since the move started, other than
     * those the plan moves. Only one move per app is under way at a time, so it can be no other move's.
     */
    private Optional<Pod> replacement(MoveStatus move, java.util.Set<String> planned) {
        if (move.startedAt() == null || vm(move)) {
            return Optional.empty();
        }
        Instant since = Instant.parse(move.startedAt()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String app = move.app().substring(move.app().indexOf('/') + 1);
        return pods.list(p -> move.namespace().equals(p.getMetadata().getNamespace())
                && p.getMetadata().getLabels() != null && app.equals(p.getMetadata().getLabels().get(Labels.APP))
                && !planned.contains(p.getMetadata().getUid()) && p.getMetadata().getCreationTimestamp() != null
                && !Instant.parse(p.getMetadata().getCreationTimestamp()).isBefore(since)).stream()
                .max(java.util.Comparator.comparing(p -> Instant.parse(p.getMetadata().getCreationTimestamp())));
    }

    /**
     * Why the planned node cannot take a move's Pod now, counting the Pods of moves under way that are headed there
     * and not yet bound there: several moves to one node must all fit, not each alone.
     */
    private java.util.function.Function<MoveStatus, Optional<String>> arrivals(List<MoveStatus> moves,
            java.util.Set<String> planned) {
        return move -> {
            Optional<Pod> pod = original(move);
            List<NodeSnapshot> target = view.snapshot(List.of(move.to()));
            if (pod.isEmpty() || target.isEmpty()) {
                return Optional.of("node " + move.to() + " cannot take it now: "
                        + (target.isEmpty() ? "the node is gone" : "the Pod is gone"));
            }
            NodeSnapshot node = target.get(0);
            for (MoveStatus other : moves) {
                if (MoveState.of(other.state()) == MoveState.InFlight && other.to().equals(move.to())) {
                    Optional<Pod> arriving = replacement(other, planned).or(() -> original(other));
                    if (arriving.isPresent() && !move.to().equals(arriving.get().getSpec().getNodeName())) {
                        node = node.withPod(PodRequests.of(arriving.get()));
                    }
                }
            }
            return PlacementEngine.filter(PodRequests.of(pod.get()), List.of(node)).rejected().values().stream()
                    .map(r -> "node " + move.to() + " cannot take it now: " + r.message()).findFirst();
        };
    }

    private Rebalance write(Context<Rebalance> context, Rebalance rebalance, RebalanceStatus.Plan plan,
            RebalanceSpec.Action action) {
        RebalanceStatus previous = rebalance.getStatus();
        RebalanceStatus status = RebalanceReport.of(rebalance.getMetadata().getGeneration(), action, plan,
                previous == null ? null : previous.conditions(), clock.instant());
        if (status.equals(previous)) {
            return rebalance;
        }
        rebalance.setStatus(status);
        Rebalance written = context.getClient().resource(rebalance).updateStatus();
        // The next reconcile reads this, not the version before it: that one would only meet a conflict.
        StatusUpdates.written(context, written, rebalance);
        return written;
    }

    /** One Event for each move that ended in this step otherwise than as planned, and one when all are over. */
    private void tellOutcomes(Rebalance rebalance, List<MoveStatus> before, List<MoveStatus> after) {
        List<Event> told = new ArrayList<>();
        for (int i = 0; i < after.size(); i++) {
            MoveState was = MoveState.of(before.get(i).state());
            MoveState is = MoveState.of(after.get(i).state());
            if (was != is && (is == MoveState.Skipped || is == MoveState.Failed)) {
                MoveStatus move = after.get(i);
                told.add(Event.warning("Move" + is.name(), "%s/%s from %s to %s: %s".formatted(move.namespace(),
                        move.name(), move.from(), move.to(), move.message())));
            }
        }
        boolean wasOver = before.stream().allMatch(m -> MoveState.of(m.state()).over());
        if (!wasOver && after.stream().allMatch(m -> MoveState.of(m.state()).over())) {
            Map<MoveState, Long> counts = new HashMap<>();
            after.forEach(m -> counts.merge(MoveState.of(m.state()), 1L, Long::sum));
            told.add(Event.normal("Applied", RebalanceReport.progress(after, counts)));
        }
        events.record(rebalance, told);
    }

    private static RebalanceStatus.Plan with(RebalanceStatus.Plan plan, List<MoveStatus> moves) {
        return new RebalanceStatus.Plan(plan.specDigest(), plan.computedAt(), plan.outcome(), plan.objectiveNow(),
                plan.objectivePlanned(), plan.bound(), plan.gap(), plan.message(), plan.solverSeconds(),
                plan.nodesFreed(), moves);
    }
}
