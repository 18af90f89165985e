package dev.pyfleet.pythonapp;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.PythonAppStatus;
import dev.pyfleet.api.v1alpha1.RuntimeSpec;
import dev.pyfleet.api.v1alpha1.StorageSpec;
import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.app.EffectiveSpec;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.kube.ClusterPods;
import dev.pyfleet.kube.PrunedItemStore;
import dev.pyfleet.metrics.FleetMetrics;
import dev.pyfleet.operator.OperatorSettings;
import dev.pyfleet.status.Event;
import dev.pyfleet.status.EventRecorder;
import dev.pyfleet.status.ReconcileFailures;
import dev.pyfleet.status.Report;
import dev.pyfleet.status.StatusUpdates;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Runs a PythonApp as Pods it owns directly: the workflow keeps the Service and PodDisruptionBudget, and each
 * reconcile plans one rollout step over the observed Pods, applies it and reports the status from scratch.
 */
@Workflow(dependents = {
        @Dependent(name = "service", type = AppServiceDependent.class,
                reconcilePrecondition = AppServiceDependent.Wanted.class),
        @Dependent(name = "disruption-budget", type = AppDisruptionBudgetDependent.class,
                reconcilePrecondition = AppDisruptionBudgetDependent.Wanted.class)})
// A periodic pass re-reads every object, catching what no event announced. The primary cache drops managed fields:
// nothing reads them, status is applied from a fresh object, and in a large fleet they are most of the cache.
@ControllerConfiguration(name = "pythonapp", maxReconciliationInterval = @MaxReconciliationInterval(interval = 5,
        timeUnit = TimeUnit.MINUTES), informer = @Informer(itemStore = PrunedItemStore.class))
public class PythonAppReconciler implements Reconciler<PythonApp> {

    static final String DEPENDS_ON_INDEX = "depends-on";
    static final String POOL_INDEX = "pool";
    static final int TAKEN_NAMES_PER_RECONCILE = 16;

    private final OperatorSettings settings;
    private final EventRecorder events;
    private final FleetMetrics metrics;
    private final ReconcileFailures failures;
    private final ClusterPods clusterPods;
    private final Clock clock;
    private InformerEventSource<Pod, PythonApp> podSource;
    private IndexerResourceCache<PythonApp> primaryCache;
    private InformerEventSource<VMPool, PythonApp> poolSource;

    @Inject
    public PythonAppReconciler(OperatorSettings settings, EventRecorder events, FleetMetrics metrics,
            ReconcileFailures failures, ClusterPods clusterPods) {
        this.settings = settings;
        this.events = events;
        this.metrics = metrics;
        this.failures = failures;
        this.clusterPods = clusterPods;
        this.clock = Clock.systemUTC();
    }

    @Override
    public List<EventSource<?, PythonApp>> prepareEventSources(EventSourceContext<PythonApp> context) {
        // The one Pod cache of the operator: every Pod of the cluster, which the extender reads too; only an app's
        // own Pods (labelled as such and owned by it) wake the app.
        var ownedBy = Mappers.<Pod>fromOwnerReferences(PythonApp.class);
        podSource = clusterPods.eventSource(InformerEventSourceConfiguration.from(Pod.class, PythonApp.class)
                .withName("pods").withSecondaryToPrimaryMapper(pod -> Labels.appPod(pod.getMetadata().getLabels())
                        ? ownedBy.toPrimaryResourceIDs(pod) : Set.of()), context);
        var primaries = context.getPrimaryCache();
        metrics.watch("PythonApp", primaries, app -> new EffectiveSpec(app.getSpec()).replicas(),
                app -> app.getStatus() == null ? 0 : Objects.requireNonNullElse(app.getStatus().readyReplicas(), 0));
        // An app that waits for others is woken when one of them changes; it reads their state from the primary
        // cache, which holds the change before the wake-up is sent.
        primaries.addIndexer(DEPENDS_ON_INDEX, app -> new EffectiveSpec(app.getSpec()).dependsOn().stream()
                .map(dependency -> app.getMetadata().getNamespace() + "/" + dependency).toList());
        var dependents = new DependentsWakeUp(changed -> primaries
                .byIndex(DEPENDS_ON_INDEX, changed.getMetadata().getNamespace() + "/" + changed.getMetadata().getName())
                .stream().map(ResourceID::fromResource).collect(Collectors.toSet()));
        primaryCache = primaries;
        // Apps on a VM pool report their pool's state, so a change to the pool wakes them.
        primaries.addIndexer(POOL_INDEX, app -> new EffectiveSpec(app.getSpec()).poolName()
                .map(pool -> List.of(app.getMetadata().getNamespace() + "/" + pool)).orElse(List.of()));
        poolSource = new InformerEventSource<>(InformerEventSourceConfiguration.from(VMPool.class, PythonApp.class)
                .withName("pools").withItemStore(new PrunedItemStore<>())
                .withSecondaryToPrimaryMapper(pool -> primaries
                        .byIndex(POOL_INDEX, pool.getMetadata().getNamespace() + "/" + pool.getMetadata().getName())
                        .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
                .build(), context);
        return List.of(podSource, dependents, poolSource);
    }

    @Override
    public UpdateControl<PythonApp> reconcile(PythonApp app, Context<PythonApp> context) {
        UpdateControl<PythonApp> control = reconcileOnce(app, context);
        failures.succeeded(app);
        return control;
    }

    /** A failed reconcile is told once and marks the object Degraded; the SDK retries it with backoff. */
    @Override
    public ErrorStatusUpdateControl<PythonApp> updateErrorStatus(PythonApp app, Context<PythonApp> context,
            Exception e) {
        return failures.degrade(app, e, PythonAppStatus.EMPTY, clock.instant());
    }

    private UpdateControl<PythonApp> reconcileOnce(PythonApp app, Context<PythonApp> context) {
        Instant now = clock.instant();
        PythonAppStatus previous = app.getStatus();
        EffectiveSpec spec = new EffectiveSpec(app.getSpec());
        Set<Pod> pods = context.getSecondaryResources(Pod.class);
        List<PodState> states = pods.stream().map(PodState::of).toList();

        if (spec.runtime() != RuntimeSpec.Type.Pods) {
            // The app now runs on a pool: Pods it ran before go.
            PodWriter writer = new PodWriter(context.getClient(), podSource);
            states.stream().filter(PodState::live).forEach(p -> writer.delete(app.getMetadata().getNamespace(),
                    p.name()));
            return onPool(app, context, now);
        }
        AppPodTemplate template = AppPodTemplate.of(app, settings.schedulerName());
        RolloutPlanner.Bounds bounds = RolloutPlanner.Bounds.of(spec.replicas(), spec.maxSurge(),
                spec.maxUnavailable(), spec.minReadySeconds());
        Dependencies.State dependencies = dependencies(app, spec);
        RolloutPlan plan = dependencies instanceof Dependencies.Met
                ? RolloutPlanner.plan(bounds, template.revision(), states, now)
                : RolloutPlan.none();
        List<Event> told = new ArrayList<>(plan.events());
        List<Pod> created = new ArrayList<>();
        told.addAll(apply(app, template, plan, states, context.getClient(), created,
                new ReplicaSlots(spec.replicas(), pods)));

        Report<PythonAppStatus> report = StatusReport.of(new StatusReport.Observation(
                Objects.requireNonNullElse(app.getMetadata().getGeneration(), 0L),
                Labels.asString(Labels.appSelector(app.getMetadata().getName())), template.revision(), bounds,
                spec.progressDeadlineSeconds(), PodState.afterWrites(states, created, Set.copyOf(plan.delete())),
                plan, dependencies, previous, now));
        told.addAll(report.events());
        events.record(app, told);

        PythonAppStatus status = report.status();
        return StatusUpdates.lookAgain(StatusUpdates.patchIfChanged(app, status, context), StatusUpdates.soonest(
                plan.recheckAfter(), StatusUpdates.untilProgressDeadline(status.conditions(),
                        status.lastProgressTime(), spec.progressDeadlineSeconds(), now)));
    }

    /**
     * Creates the planned Pods at the lowest free ordinals of the revision, then deletes the planned ones. A name
     * held by a Pod this app does not control is passed over (with a Warning, returned), so such a Pod never stands
     * in for a replica; at most {@link #TAKEN_NAMES_PER_RECONCILE} are passed over in one go. The Pods now the
     * app's are added to {@code created}.
     */
    private List<Event> apply(PythonApp app, AppPodTemplate template, RolloutPlan plan, List<PodState> pods,
            KubernetesClient client, List<Pod> created, ReplicaSlots slots) {
        String namespace = app.getMetadata().getNamespace();
        PodWriter writer = new PodWriter(client, podSource);
        Set<String> taken = pods.stream().map(PodState::name).collect(Collectors.toCollection(HashSet::new));
        List<Event> told = new ArrayList<>();
        boolean replicaVolumes = app.getSpec().storage() != null && app.getSpec().storage().replicaVolume() != null;
        int passedOver = 0;
        for (int ordinal = 0; created.size() < plan.create() && passedOver < TAKEN_NAMES_PER_RECONCILE;
                ordinal++) {
            String name = AppPodTemplate.podName(app.getMetadata().getName(), template.revision(), ordinal);
            if (taken.contains(name)) {
                continue;
            }
            Pod pod;
            if (replicaVolumes) {
                // A new Pod waits until a replica's claim is let go: no free slot, no Pod.
                OptionalInt slot = slots.free();
                if (slot.isEmpty()) {
                    break;
                }
                if (!writer.createClaim(ReplicaClaims.claim(app, slot.getAsInt()))) {
                    told.add(Event.warning("ClaimNameTaken", "a PersistentVolumeClaim named "
                            + AppStorage.replicaClaim(app.getMetadata().getName(), slot.getAsInt())
                            + " exists and is not this app's; remove or rename it"));
                    break;
                }
                pod = template.pod(ordinal, slot.getAsInt());
                slots.take(slot.getAsInt());
            } else {
                pod = template.pod(ordinal);
            }
            taken.add(name);
            if (writer.create(pod) == PodWriter.Created.TAKEN) {
                told.add(Event.warning("PodNameTaken", "a Pod named " + name + " exists and is not this app's; "
                        + "using the next name"));
                passedOver++;
            } else {
                created.add(pod);
            }
        }
        plan.delete().forEach(name -> writer.delete(namespace, name));
        if (replicaVolumes && app.getSpec().storage().replicaVolume().whenScaledDown()
                == StorageSpec.ReplicaVolume.WhenScaledDown.Delete) {
            ReplicaClaims.scaledAway(app, writer.claims(namespace, app.getMetadata().getName()), slots.held())
                    .forEach(claim -> writer.deleteClaim(namespace, claim));
        }
        return told;
    }

    /** The replica slots an app's Pods hold (one going away still does), and the lowest free one below replicas. */
    private static final class ReplicaSlots {
        private final int replicas;
        private final Set<Integer> held = new HashSet<>();

        ReplicaSlots(int replicas, Set<Pod> pods) {
            this.replicas = replicas;
            pods.forEach(pod -> ReplicaClaims.slotOf(pod).ifPresent(held::add));
        }

        OptionalInt free() {
            return ReplicaClaims.freeSlot(replicas, held);
        }

        void take(int slot) {
            held.add(slot);
        }

        Set<Integer> held() {
            return held;
        }
    }

    /** Apps on VM pools are installed by the VMPool controller; this one keeps their Service and reports. */
    private UpdateControl<PythonApp> onPool(PythonApp app, Context<PythonApp> context, Instant now) {
        VMPool pool = poolSource.get(new ResourceID(app.getSpec().runtime().poolRef().name(),
                app.getMetadata().getNamespace())).orElse(null);
        return StatusUpdates.patchIfChanged(app, PoolRuntimeStatus.of(app, pool, now), context);
    }

    private Dependencies.State dependencies(PythonApp app, EffectiveSpec spec) {
        if (spec.dependsOn().isEmpty()) {
            return new Dependencies.Met();
        }
        return Dependencies.check(app.getMetadata().getName(),
                primaryCache.list(app.getMetadata().getNamespace()).toList());
    }
}
