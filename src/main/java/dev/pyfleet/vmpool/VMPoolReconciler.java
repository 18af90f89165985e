package dev.pyfleet.vmpool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.RuntimeSpec;
import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.api.v1alpha1.VMPoolSpec;
import dev.pyfleet.api.v1alpha1.VMPoolStatus;
import dev.pyfleet.events.EventRecorder;
import dev.pyfleet.events.ReconcileFailures;
import dev.pyfleet.metrics.FleetMetrics;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.kubevirt.VirtualMachineInstance;
import dev.pyfleet.operator.OperatorSettings;
import dev.pyfleet.pythonapp.AppLabels;
import dev.pyfleet.status.Conditions;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Keeps a pool's VirtualMachines: one planned step per reconcile over the observed VMs, then a status built from
 * scratch. Without KubeVirt's CRDs the pool waits and says so; the VM informers start once they appear.
 */
// A periodic pass picks up anything a failed write left behind once its retries are spent.
@ControllerConfiguration(name = "vmpool", maxReconciliationInterval = @MaxReconciliationInterval(interval = 5,
        timeUnit = TimeUnit.MINUTES))
public class VMPoolReconciler implements Reconciler<VMPool> {

    static final Duration KUBEVIRT_RECHECK = Duration.ofSeconds(10);
    private static final java.util.regex.Pattern DURATION =
            java.util.regex.Pattern.compile("^(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?$");

    private final OperatorSettings settings;
    private final EventRecorder events;
    private final FleetMetrics metrics;
    private final ReconcileFailures failures;
    private final Clock clock;
    private InformerEventSource<PythonApp, VMPool> appSource;
    private volatile InformerEventSource<VirtualMachine, VMPool> vmSource;
    private volatile InformerEventSource<VirtualMachineInstance, VMPool> instanceSource;

    @Inject
    public VMPoolReconciler(OperatorSettings settings, EventRecorder events, FleetMetrics metrics,
            ReconcileFailures failures) {
        this.settings = settings;
        this.events = events;
        this.metrics = metrics;
        this.failures = failures;
        this.clock = Clock.systemUTC();
    }

    @Override
    public List<EventSource<?, VMPool>> prepareEventSources(EventSourceContext<VMPool> context) {
        metrics.watchPools(context.getPrimaryCache());
        // A change to an app on a pool re-renders the pool's cloud-init, so it wakes the pool.
        appSource = new InformerEventSource<>(InformerEventSourceConfiguration.from(PythonApp.class, VMPool.class)
                .withName("apps-on-pools")
                .withSecondaryToPrimaryMapper(app -> poolOf(app)
                        .map(pool -> Set.of(new ResourceID(pool, app.getMetadata().getNamespace())))
                        .orElse(Set.of()))
                .build(), context);
        return List.of(appSource);
    }

    @Override
    public UpdateControl<VMPool> reconcile(VMPool pool, Context<VMPool> context) {
        UpdateControl<VMPool> control = reconcileOnce(pool, context);
        failures.succeeded(pool);
        return control;
    }

    /** A failed reconcile is told once and marks the object Degraded; the SDK retries it with backoff. */
    @Override
    public ErrorStatusUpdateControl<VMPool> updateErrorStatus(VMPool pool, Context<VMPool> context, Exception e) {
        return failures.degrade(pool, e, VMPoolStatus.EMPTY, clock.instant());
    }

    private UpdateControl<VMPool> reconcileOnce(VMPool pool, Context<VMPool> context) {
        Instant now = clock.instant();
        long generation = Objects.requireNonNullElse(pool.getMetadata().getGeneration(), 0L);
        int replicas = Objects.requireNonNullElse(pool.getSpec().replicas(), 1);
        KubeVirtApi kubeVirt = new KubeVirtApi(context.getClient());
        if (vmSource == null && !startVirtualMachineInformers(kubeVirt, context)) {
            VMPoolStatus status = PoolStatusReport.kubeVirtMissing(generation, PoolLabels.selectorString(pool),
                    replicas, pool.getStatus(), now);
            return patch(pool, status).rescheduleAfter(KUBEVIRT_RECHECK);
        }

        String namespace = pool.getMetadata().getNamespace();
        List<PythonApp> apps = appSource.list(namespace,
                app -> poolOf(app).filter(pool.getMetadata().getName()::equals).isPresent()).toList();
        List<VirtualMachine> owned = vmSource.getSecondaryResources(pool).stream().toList();
        List<VMState> vms = owned.stream().map(vm -> VMState.of(vm, now)).toList();
        Map<String, String> nodes = instanceSource.list(namespace)
                .filter(vmi -> vmi.getStatus() != null && vmi.getStatus().nodeName() != null)
                .collect(Collectors.toMap(vmi -> vmi.getMetadata().getName(), vmi -> vmi.getStatus().nodeName(),
                        (a, b) -> a));

        PoolVirtualMachines template;
        String blocked = null;
        PoolPlan plan = new PoolPlan(List.of(), List.of(), List.of());
        try {
            template = PoolVirtualMachines.of(pool, apps, settings.schedulerName());
            plan = PoolPlanner.plan(plannerSettings(pool.getSpec(), replicas), template.revision(), vms, now);
            apply(pool, template, plan, owned, kubeVirt);
        } catch (CloudInitUserData.InvalidCloudInitException e) {
            template = null;
            blocked = e.getMessage();
        }
        String revision = template == null
                ? Optional.ofNullable(pool.getStatus()).map(VMPoolStatus::updateRevision).orElse("none")
                : template.revision();
        int deadline = Optional.ofNullable(pool.getSpec().updateStrategy())
                .map(VMPoolSpec.UpdateStrategy::progressDeadlineSeconds).orElse(600);
        PoolStatusReport.Result report = PoolStatusReport.of(new PoolStatusReport.Observation(generation,
                PoolLabels.selectorString(pool), revision, replicas, deadline, vms, nodes, plan, blocked,
                pool.getStatus(), now));
        report.events().forEach(e -> events.record(pool, e.warning(), e.reason(), e.message()));
        UpdateControl<VMPool> control = patch(pool, report.status());
        nextCheck(report.status(), vms, deadline, now).ifPresent(control::rescheduleAfter);
        return control;
    }

    private void apply(VMPool pool, PoolVirtualMachines template, PoolPlan plan, List<VirtualMachine> owned,
            KubeVirtApi kubeVirt) {
        String namespace = pool.getMetadata().getNamespace();
        for (String name : plan.delete()) {
            if (plan.healed().contains(name)) {
                events.warning(pool, "AutoHealing", "VM " + name + " keeps failing to start; recreating it");
            }
            kubeVirt.delete(namespace, name);
        }
        // A user-data Secret goes when no VM that stays still boots from it; the pool owns them all, so one left
        // behind by a crash just here goes with the pool.
        Set<String> kept = owned.stream().filter(vm -> !plan.delete().contains(vm.getMetadata().getName()))
                .flatMap(vm -> PoolVirtualMachines.userDataSecretOf(vm).stream())
                .collect(Collectors.toCollection(java.util.HashSet::new));
        kept.add(template.userDataSecretName());
        owned.stream().filter(vm -> plan.delete().contains(vm.getMetadata().getName()))
                .flatMap(vm -> PoolVirtualMachines.userDataSecretOf(vm).stream()).distinct()
                .filter(secret -> !kept.contains(secret)).forEach(secret -> kubeVirt.deleteSecret(namespace, secret));
        if (!plan.create().isEmpty()) {
            kubeVirt.createUserData(template.userDataSecret());
        }
        for (int ordinal : plan.create()) {
            if (!kubeVirt.create(template.vm(ordinal), vmSource)) {
                events.warning(pool, "VMNameTaken", "a VirtualMachine named "
                        + PoolVirtualMachines.vmName(pool.getMetadata().getName(), ordinal)
                        + " exists and is not this pool's; remove or rename it");
            }
        }
        if (!plan.create().isEmpty()) {
            events.normal(pool, "CreatedVMs", "created " + plan.create().stream()
                    .map(o -> PoolVirtualMachines.vmName(pool.getMetadata().getName(), o))
                    .collect(Collectors.joining(", ")));
        }
    }

    /** Starts watching VMs and their instances, once KubeVirt's CRDs exist; false while they do not. */
    private synchronized boolean startVirtualMachineInformers(KubeVirtApi kubeVirt, Context<VMPool> context) {
        if (vmSource != null) {
            return true;
        }
        if (!kubeVirt.installed()) {
            return false;
        }
        var retriever = context.eventSourceRetriever();
        var sourceContext = retriever.eventSourceContextForDynamicRegistration();
        var instances = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(VirtualMachineInstance.class, VMPool.class).withName("virtual-machine-instances")
                .withLabelSelector(PoolLabels.POOL)
                .withSecondaryToPrimaryMapper(vmi -> Set.of(new ResourceID(
                        vmi.getMetadata().getLabels().get(PoolLabels.POOL), vmi.getMetadata().getNamespace())))
                .build(), sourceContext);
        var machines = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(VirtualMachine.class, VMPool.class).withName("virtual-machines")
                .withLabelSelector(AppLabels.MANAGED_BY + "=" + AppLabels.MANAGER + "," + PoolLabels.POOL)
                .build(), sourceContext);
        instanceSource = (InformerEventSource<VirtualMachineInstance, VMPool>) retriever
                .dynamicallyRegisterEventSource(instances);
        vmSource = (InformerEventSource<VirtualMachine, VMPool>) retriever.dynamicallyRegisterEventSource(machines);
        return true;
    }

    static PoolPlanner.Settings plannerSettings(VMPoolSpec spec, int replicas) {
        var update = spec.updateStrategy();
        boolean rolling = update == null || update.type() == null
                || update.type() == VMPoolSpec.UpdateStrategy.Type.RollingUpdate;
        IntOrString maxUnavailable = update == null || update.maxUnavailable() == null ? new IntOrString(1)
                : update.maxUnavailable();
        int unavailable = maxUnavailable.getIntVal() != null ? maxUnavailable.getIntVal()
                : (int) Math.floor(replicas * Integer.parseInt(maxUnavailable.getStrVal().replace("%", "")) / 100.0);
        var scaleDown = spec.scaleDown() == null || spec.scaleDown().policy() == null
                ? VMPoolSpec.ScaleDown.Policy.NewestFirst : spec.scaleDown().policy();
        var healing = spec.autoHealing();
        boolean healingOn = healing == null || healing.enabled() == null || healing.enabled();
        int threshold = healing == null || healing.failureThreshold() == null ? 3 : healing.failureThreshold();
        Duration minFailing = parseDuration(healing == null || healing.minFailingDuration() == null ? "5m"
                : healing.minFailingDuration());
        return new PoolPlanner.Settings(replicas, rolling, Math.max(1, unavailable), scaleDown, healingOn, threshold,
                minFailing);
    }

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        return Duration.ofHours(group(m, 1)).plusMinutes(group(m, 2)).plusSeconds(group(m, 3));
    }

    private static long group(Matcher m, int group) {
        return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
    }

    static Optional<String> poolOf(PythonApp app) {
        var runtime = app.getSpec() == null ? null : app.getSpec().runtime();
        if (runtime == null || runtime.type() != RuntimeSpec.Type.VMPool || runtime.poolRef() == null) {
            return Optional.empty();
        }
        return Optional.of(runtime.poolRef().name());
    }

    private static Optional<Duration> nextCheck(VMPoolStatus status, List<VMState> vms, int deadline, Instant now) {
        Optional<Duration> check = Optional.empty();
        if (Conditions.isTrue(status.conditions(), Conditions.PROGRESSING)) {
            check = Optional.of(Duration.between(now, Instant.parse(status.lastProgressTime())
                    .plusSeconds(deadline + 1))).filter(d -> !d.isNegative());
        }
        if (vms.stream().anyMatch(VMState::failing)) {
            Duration healing = Duration.ofSeconds(30);
            check = Optional.of(check.map(d -> d.compareTo(healing) < 0 ? d : healing).orElse(healing));
        }
        return check;
    }

    private static UpdateControl<VMPool> patch(VMPool pool, VMPoolStatus status) {
        if (status.equals(pool.getStatus())) {
            return UpdateControl.noUpdate();
        }
        pool.setStatus(status);
        return UpdateControl.patchStatus(pool);
    }
}
