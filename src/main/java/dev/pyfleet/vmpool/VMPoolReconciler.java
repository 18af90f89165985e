package dev.pyfleet.vmpool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.api.v1alpha1.VMPoolStatus;
import dev.pyfleet.app.EffectivePoolSpec;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.kube.PrunedItemStore;
import dev.pyfleet.kubevirt.DataVolume;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.kubevirt.VirtualMachineInstance;
import dev.pyfleet.metrics.FleetMetrics;
import dev.pyfleet.operator.OperatorSettings;
import dev.pyfleet.status.Event;
import dev.pyfleet.status.EventRecorder;
import dev.pyfleet.status.ReconcileFailures;
import dev.pyfleet.status.Report;
import dev.pyfleet.status.StatusUpdates;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
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
// A periodic pass re-reads every object, catching what no event announced. The primary cache drops managed fields:
// nothing reads them, status is applied from a fresh object, and in a large fleet they are most of the cache.
@ControllerConfiguration(name = "vmpool", maxReconciliationInterval = @MaxReconciliationInterval(interval = 5,
        timeUnit = TimeUnit.MINUTES), informer = @Informer(itemStore = PrunedItemStore.class))
public class VMPoolReconciler implements Reconciler<VMPool> {

    static final Duration KUBEVIRT_RECHECK = Duration.ofSeconds(10);
    /** How soon a pool with a failing VM looks again, so auto-healing acts on time. */
    static final Duration HEALING_RECHECK = Duration.ofSeconds(30);
    /** How soon a pool whose next VM waits for a disk to go looks again, should no event come. */
    static final Duration DISK_RECHECK = Duration.ofSeconds(5);

    private final OperatorSettings settings;
    private final EventRecorder events;
    private final FleetMetrics metrics;
    private final ReconcileFailures failures;
    private final Clock clock;
    private InformerEventSource<PythonApp, VMPool> appSource;
    private volatile InformerEventSource<VirtualMachine, VMPool> vmSource;
    private volatile InformerEventSource<VirtualMachineInstance, VMPool> instanceSource;
    private volatile InformerEventSource<DataVolume, VMPool> diskSource;

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
        metrics.watch("VMPool", context.getPrimaryCache(), pool -> new EffectivePoolSpec(pool.getSpec()).replicas(),
                pool -> pool.getStatus() == null ? 0
                        : Objects.requireNonNullElse(pool.getStatus().readyReplicas(), 0));
        // A change to an app on a pool re-renders the pool's cloud-init, so it wakes the pool.
        appSource = new InformerEventSource<>(InformerEventSourceConfiguration.from(PythonApp.class, VMPool.class)
                .withName("apps-on-pools").withItemStore(new PrunedItemStore<>(PoolApps::cached))
                .withSecondaryToPrimaryMapper(app -> PoolApps.pool(app)
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
        EffectivePoolSpec spec = new EffectivePoolSpec(pool.getSpec());
        String selector = Labels.asString(Labels.poolSelector(pool.getMetadata().getName()));
        KubeVirtApi kubeVirt = new KubeVirtApi(context.getClient());
        if (vmSource == null && !startVirtualMachineInformers(kubeVirt, context)) {
            VMPoolStatus status = PoolStatusReport.kubeVirtMissing(generation, selector, spec.replicas(),
                    pool.getStatus(), now);
            return StatusUpdates.patchIfChanged(pool, status, context).rescheduleAfter(KUBEVIRT_RECHECK);
        }

        String namespace = pool.getMetadata().getNamespace();
        List<PythonApp> apps = appSource.list(namespace, app -> PoolApps.pool(app)
                .filter(pool.getMetadata().getName()::equals).isPresent()).toList();
        List<VirtualMachine> owned = vmSource.getSecondaryResources(pool).stream().toList();
        List<VMState> vms = owned.stream().map(vm -> VMState.of(vm, now)).toList();
        Map<String, String> nodes = instanceSource.list(namespace)
                .filter(vmi -> vmi.getStatus() != null && vmi.getStatus().nodeName() != null)
                .collect(Collectors.toMap(vmi -> vmi.getMetadata().getName(), vmi -> vmi.getStatus().nodeName(),
                        (a, b) -> a));

        PoolVirtualMachines template;
        String blocked = null;
        PoolPlan plan = PoolPlan.none();
        List<Event> told = new ArrayList<>();
        PoolDisks disks = new PoolDisks(pool);
        boolean waitingForDisks = false;
        try {
            template = PoolVirtualMachines.of(pool, apps, settings.schedulerName());
            if (disks.any() && diskSource == null && !startDiskInformer(kubeVirt, context)) {
                blocked = "vm.rootDisk and vm.dataDisks are CDI DataVolumes, and this cluster has no CDI (no CRD "
                        + DataVolume.CRD_NAME + "): install CDI, or remove the disks from the pool";
            } else {
                plan = PoolPlanner.plan(PoolPlanner.Settings.of(spec), template.revision(), vms, now);
                told.addAll(plan.events(pool.getMetadata().getName()));
                Applied applied = apply(pool, template, disks, plan, owned, kubeVirt);
                told.addAll(applied.events());
                waitingForDisks = applied.waitingForDisks();
            }
        } catch (CloudInitUserData.InvalidCloudInitException e) {
            template = null;
            blocked = e.getMessage();
        }
        String revision = template == null
                ? Optional.ofNullable(pool.getStatus()).map(VMPoolStatus::updateRevision).orElse("none")
                : template.revision();
        Report<VMPoolStatus> report = PoolStatusReport.of(new PoolStatusReport.Observation(generation, selector,
                revision, spec.replicas(), spec.progressDeadlineSeconds(), vms, nodes, plan, blocked,
                pool.getStatus(), now));
        told.addAll(report.events());
        events.record(pool, told);

        VMPoolStatus status = report.status();
        Optional<Duration> healing = vms.stream().anyMatch(VMState::failing) ? Optional.of(HEALING_RECHECK)
                : Optional.empty();
        Optional<Duration> disksOrCdi = waitingForDisks ? Optional.of(DISK_RECHECK)
                : disks.any() && diskSource == null ? Optional.of(KUBEVIRT_RECHECK) : Optional.empty();
        return StatusUpdates.lookAgain(StatusUpdates.patchIfChanged(pool, status, context),
                StatusUpdates.soonest(healing, disksOrCdi, StatusUpdates.untilProgressDeadline(status.conditions(),
                        status.lastProgressTime(), spec.progressDeadlineSeconds(), now)));
    }

    /** What a step did that the status and the next look depend on. */
    private record Applied(List<Event> events, boolean waitingForDisks) {
    }

    /**
     * Deletes and creates what the plan says, each new VM after its disks; returns the Events of names held by
     * objects not this pool's and of VMs waiting for a disk.
     */
    private Applied apply(VMPool pool, PoolVirtualMachines template, PoolDisks disks, PoolPlan plan,
            List<VirtualMachine> owned, KubeVirtApi kubeVirt) {
        String namespace = pool.getMetadata().getNamespace();
        plan.delete().forEach(name -> kubeVirt.delete(namespace, name));
        if (disks.any()) {
            String name = pool.getMetadata().getName();
            List<DataVolume> cached = diskSource.list(namespace, disk -> disk.getMetadata().getLabels() != null
                    && name.equals(disk.getMetadata().getLabels().get(Labels.POOL))).toList();
            disks.healed(plan.healed(), cached).forEach(disk -> kubeVirt.deleteDisk(namespace, disk));
            Set<Integer> occupied = owned.stream().map(vm -> VMState.ordinal(vm.getMetadata().getName()))
                    .collect(Collectors.toCollection(HashSet::new));
            occupied.addAll(plan.create());
            disks.scaledAway(cached, occupied).forEach(disk -> kubeVirt.deleteDisk(namespace, disk));
        }
        // A user-data Secret goes when no VM that stays still boots from it; the pool owns them all, so one left
        // behind by a crash just here goes with the pool.
        Set<String> kept = owned.stream().filter(vm -> !plan.delete().contains(vm.getMetadata().getName()))
                .flatMap(vm -> PoolVirtualMachines.userDataSecretOf(vm).stream())
                .collect(Collectors.toCollection(HashSet::new));
        kept.add(template.userDataSecretName());
        owned.stream().filter(vm -> plan.delete().contains(vm.getMetadata().getName()))
                .flatMap(vm -> PoolVirtualMachines.userDataSecretOf(vm).stream()).distinct()
                .filter(secret -> !kept.contains(secret)).forEach(secret -> kubeVirt.deleteSecret(namespace, secret));
        if (!plan.create().isEmpty()) {
            kubeVirt.createUserData(template.userDataSecret());
        }
        List<Event> told = new ArrayList<>();
        boolean waiting = false;
        for (int ordinal : plan.create()) {
            if (disks.any()) {
                PoolDisks.Preparation disk = disks.prepare(ordinal, template.revision(),
                        kubeVirt.disks(namespace, disks.names(ordinal)));
                disk.delete().forEach(name -> kubeVirt.deleteDisk(namespace, name));
                disk.taken().ifPresent(message -> told.add(Event.warning("DiskNameTaken", message)));
                disk.waitsFor().ifPresent(message -> told.add(Event.normal("WaitingForDisk", message)));
                waiting |= disk.waitsFor().isPresent();
                if (!disk.ready() || !disk.create().stream().allMatch(kubeVirt::createDisk)) {
                    continue;
                }
            }
            if (!kubeVirt.create(template.vm(ordinal), vmSource)) {
                told.add(Event.warning("VMNameTaken", "a VirtualMachine named "
                        + PoolVirtualMachines.vmName(pool.getMetadata().getName(), ordinal)
                        + " exists and is not this pool's; remove or rename it"));
            }
        }
        return new Applied(told, waiting);
    }

    /** Starts watching the pools' disks, once CDI's DataVolume CRD exists; false while it does not. */
    private synchronized boolean startDiskInformer(KubeVirtApi kubeVirt, Context<VMPool> context) {
        if (diskSource != null) {
            return true;
        }
        if (!kubeVirt.disksInstalled()) {
            return false;
        }
        var retriever = context.eventSourceRetriever();
        var disks = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(DataVolume.class, VMPool.class).withName("pool-disks")
                .withLabelSelector(Labels.ALL_POOL_OBJECTS)
                .withSecondaryToPrimaryMapper(disk -> Set.of(new ResourceID(
                        disk.getMetadata().getLabels().get(Labels.POOL), disk.getMetadata().getNamespace())))
                .build(), retriever.eventSourceContextForDynamicRegistration());
        diskSource = (InformerEventSource<DataVolume, VMPool>) retriever.dynamicallyRegisterEventSource(disks);
        return true;
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
                .withLabelSelector(Labels.POOL)
                .withSecondaryToPrimaryMapper(vmi -> Set.of(new ResourceID(
                        vmi.getMetadata().getLabels().get(Labels.POOL), vmi.getMetadata().getNamespace())))
                .build(), sourceContext);
        var machines = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(VirtualMachine.class, VMPool.class).withName("virtual-machines")
                .withLabelSelector(Labels.ALL_POOL_OBJECTS)
                .build(), sourceContext);
        instanceSource = (InformerEventSource<VirtualMachineInstance, VMPool>) retriever
                .dynamicallyRegisterEventSource(instances);
        vmSource = (InformerEventSource<VirtualMachine, VMPool>) retriever.dynamicallyRegisterEventSource(machines);
        return true;
    }
}
