package dev.pyfleet.pythonapp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.PythonAppStatus;
import dev.pyfleet.api.v1alpha1.RuntimeSpec;
import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.events.EventRecorder;
import dev.pyfleet.events.ReconcileFailures;
import dev.pyfleet.metrics.FleetMetrics;
import dev.pyfleet.operator.OperatorSettings;
import dev.pyfleet.operator.PrunedItemStore;
import dev.pyfleet.status.Conditions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
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
// A periodic pass picks up anything a failed write left behind once its retries are spent.
@ControllerConfiguration(name = "pythonapp", maxReconciliationInterval = @MaxReconciliationInterval(interval = 5,
        timeUnit = TimeUnit.MINUTES))
public class PythonAppReconciler implements Reconciler<PythonApp> {

    static final String DEPENDS_ON_INDEX = "pyfleet.dev/depends-on";
    static final String POOL_INDEX = "pyfleet.dev/pool";
    static final int TAKEN_NAMES_PER_RECONCILE = 16;

    private final OperatorSettings settings;
    private final EventRecorder events;
    private final FleetMetrics metrics;
    private final ReconcileFailures failures;
    private final Clock clock;
    private InformerEventSource<Pod, PythonApp> podSource;
    private InformerEventSource<PythonApp, PythonApp> appSource;
    private InformerEventSource<VMPool, PythonApp> poolSource;

    @Inject
    public PythonAppReconciler(OperatorSettings settings, EventRecorder events, FleetMetrics metrics,
            ReconcileFailures failures) {
        this.settings = settings;
        this.events = events;
        this.metrics = metrics;
        this.failures = failures;
        this.clock = Clock.systemUTC();
    }

    @Override
    public List<EventSource<?, PythonApp>> prepareEventSources(EventSourceContext<PythonApp> context) {
        podSource = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, PythonApp.class)
                .withName("pods").withLabelSelector(AppLabels.ALL_APP_PODS).withItemStore(new PrunedItemStore<>())
                .build(), context);
        // An app that waits for others is woken when one of them changes, and reads their state from the same
        // informer that woke it (the primary cache may not have seen that change yet).
        var primaries = context.getPrimaryCache();
        metrics.watchApps(primaries);
        primaries.addIndexer(DEPENDS_ON_INDEX, app -> dependsOn(app).stream()
                .map(dependency -> app.getMetadata().getNamespace() + "/" + dependency).toList());
        appSource = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(PythonApp.class, PythonApp.class).withName("dependencies")
                        .withSecondaryToPrimaryMapper(changed -> primaries
                                .byIndex(DEPENDS_ON_INDEX, changed.getMetadata().getNamespace() + "/"
                                        + changed.getMetadata().getName())
                                .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
                        .build(), context);
        // Apps on a VM pool report their pool's state, so a change to the pool wakes them.
        primaries.addIndexer(POOL_INDEX, app -> poolRef(app).map(pool -> List.of(
                app.getMetadata().getNamespace() + "/" + pool)).orElse(List.of()));
        poolSource = new InformerEventSource<>(InformerEventSourceConfiguration.from(VMPool.class, PythonApp.class)
                .withName("pools")
                .withSecondaryToPrimaryMapper(pool -> primaries
                        .byIndex(POOL_INDEX, pool.getMetadata().getNamespace() + "/" + pool.getMetadata().getName())
                        .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
                .build(), context);
        return List.of(podSource, appSource, poolSource);
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
        List<PodState> states = context.getSecondaryResources(Pod.class).stream().map(PodState::of).toList();

        if (spec.runtime() != RuntimeSpec.Type.Pods) {
            // The app now runs on a pool: Pods it ran before go.
            PodWriter writer = new PodWriter(context.getClient(), podSource);
            states.stream().filter(PodState::live).forEach(p -> writer.delete(app.getMetadata().getNamespace(),
                    p.name()));
            return onPool(app, now);
        }
        AppPodTemplate template = AppPodTemplate.of(app, settings.schedulerName());
        RolloutPlanner.Bounds bounds = RolloutPlanner.Bounds.of(spec.replicas(), spec.maxSurge(),
                spec.maxUnavailable(), spec.minReadySeconds());
        Dependencies.State dependencies = dependencies(app);
        RolloutPlan plan = dependencies instanceof Dependencies.Met
                ? RolloutPlanner.plan(bounds, template.revision(), states, now)
                : new RolloutPlan(0, List.of(), Optional.empty());
        apply(app, template, plan, states, context.getClient());

        StatusReport.Result report = StatusReport.of(new StatusReport.Observation(
                Objects.requireNonNullElse(app.getMetadata().getGeneration(), 0L), AppLabels.selectorString(app),
                template.revision(), bounds, spec.progressDeadlineSeconds(), states, plan, dependencies, previous,
                now));
        report.events().forEach(e -> events.record(app, e.warning(), e.reason(), e.message()));

        UpdateControl<PythonApp> control;
        if (report.status().equals(previous)) {
            control = UpdateControl.noUpdate();
        } else {
            app.setStatus(report.status());
            control = UpdateControl.patchStatus(app);
        }
        nextCheck(plan, report.status(), spec, now).ifPresent(control::rescheduleAfter);
        return control;
    }

    /**
     * Creates the planned Pods at the lowest free ordinals of the revision, then deletes the planned ones. A name
     * held by a Pod this app does not control is passed over (with a Warning), so such a Pod never stands in for a
     * replica; at most {@link #TAKEN_NAMES_PER_RECONCILE} are passed over in one go.
     */
    private void apply(PythonApp app, AppPodTemplate template, RolloutPlan plan, List<PodState> pods,
            KubernetesClient client) {
        String namespace = app.getMetadata().getNamespace();
        PodWriter writer = new PodWriter(client, podSource);
        Set<String> taken = pods.stream().map(PodState::name).collect(Collectors.toCollection(HashSet::new));
        int created = 0;
        int passedOver = 0;
        for (int ordinal = 0; created < plan.create() && passedOver < TAKEN_NAMES_PER_RECONCILE; ordinal++) {
            String name = AppPodTemplate.podName(app.getMetadata().getName(), template.revision(), ordinal);
            if (!taken.add(name)) {
                continue;
            }
            if (writer.create(template.pod(ordinal)) == PodWriter.Created.TAKEN) {
                events.warning(app, "PodNameTaken", "a Pod named " + name + " exists and is not this app's; "
                        + "using the next name");
                passedOver++;
            } else {
                created++;
            }
        }
        Set<String> failed = pods.stream().filter(PodState::failed).map(PodState::name).collect(Collectors.toSet());
        for (String name : plan.delete()) {
            if (failed.contains(name)) {
                events.warning(app, "PodFailed", "Pod " + name + " finished or failed; replacing it");
            }
            writer.delete(namespace, name);
        }
        List<PodState> live = pods.stream().filter(PodState::live).toList();
        boolean rolling = live.stream().anyMatch(p -> !template.revision().equals(p.revision()));
        int desired = new EffectiveSpec(app.getSpec()).replicas();
        if (!rolling && plan.changesSomething() && live.size() != desired) {
            events.normal(app, desired > live.size() ? "ScalingUp" : "ScalingDown",
                    "scaling from " + live.size() + " to " + desired + " Pods");
        }
    }

    /** Apps on VM pools are installed by the VMPool controller; this one keeps their Service and reports. */
    private UpdateControl<PythonApp> onPool(PythonApp app, Instant now) {
        VMPool pool = poolSource.get(new ResourceID(app.getSpec().runtime().poolRef().name(),
                app.getMetadata().getNamespace())).orElse(null);
        PythonAppStatus status = PoolRuntimeStatus.of(app, pool, now);
        if (status.equals(app.getStatus())) {
            return UpdateControl.noUpdate();
        }
        app.setStatus(status);
        return UpdateControl.patchStatus(app);
    }

    private static Optional<String> poolRef(PythonApp app) {
        var runtime = app.getSpec() == null ? null : app.getSpec().runtime();
        return runtime == null || runtime.type() != RuntimeSpec.Type.VMPool || runtime.poolRef() == null
                ? Optional.empty() : Optional.of(runtime.poolRef().name());
    }

    private Dependencies.State dependencies(PythonApp app) {
        if (dependsOn(app).isEmpty()) {
            return new Dependencies.Met();
        }
        List<PythonApp> apps = appSource.list(app.getMetadata().getNamespace()).toList();
        Map<String, List<String>> graph = apps.stream()
                .collect(Collectors.toMap(a -> a.getMetadata().getName(), PythonAppReconciler::dependsOn));
        Set<String> ready = apps.stream()
                .filter(a -> a.getStatus() != null && Conditions.isTrue(a.getStatus().conditions(), Conditions.READY))
                .map(a -> a.getMetadata().getName()).collect(Collectors.toSet());
        return Dependencies.check(app.getMetadata().getName(), graph, ready);
    }

    /** Wakes the controller when time alone changes the answer: minReadySeconds passing, or a progress deadline. */
    private static Optional<Duration> nextCheck(RolloutPlan plan, PythonAppStatus status, EffectiveSpec spec,
            Instant now) {
        Optional<Duration> deadline = Optional.empty();
        if (Conditions.isTrue(status.conditions(), Conditions.PROGRESSING)) {
            Instant due = Instant.parse(status.lastProgressTime()).plusSeconds(spec.progressDeadlineSeconds() + 1);
            deadline = Optional.of(Duration.between(now, due)).filter(d -> !d.isNegative());
        }
        return Stream.of(plan.recheckAfter(), deadline).flatMap(Optional::stream).min(Comparator.naturalOrder());
    }

    static List<String> dependsOn(PythonApp app) {
        return app.getSpec() == null || app.getSpec().dependsOn() == null ? List.of() : app.getSpec().dependsOn();
    }
}
