package dev.pyfleet.rebalancing;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.pyfleet.api.v1alpha1.Rebalance;
import dev.pyfleet.api.v1alpha1.RebalanceStatus.MoveStatus;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.kubevirt.VirtualMachineInstance;
import dev.pyfleet.kubevirt.VirtualMachineInstanceMigration;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * How a rebalance moves a VMPool's VM: live, by a {@code VirtualMachineInstanceMigration} naming its instance (the
 * scheduler places the new launcher Pod, and the extender puts it on the planned node), or, where the spec allows
 * and KubeVirt cannot migrate it, by deleting the instance so that its VM starts a new one, placed the same way.
 * A VM move is named by the VM and the uid of the instance that ran on the node it leaves.
 */
final class VirtualMachines {

    static final String KIND = "VirtualMachine";
    static final String REBALANCE_LABEL = "pyfleet.dev/rebalance";

    private final KubernetesClient client;

    VirtualMachines(KubernetesClient client) {
        this.client = client;
    }

    /** Every VM instance in the namespaces (all if empty), by {@code namespace/name}; none where KubeVirt is absent. */
    Map<String, VirtualMachineInstance> instances(Set<String> namespaces) {
        return byKey(list(VirtualMachineInstance.class, namespaces));
    }

    /** The run strategy of every VM in the namespaces (all if empty), by {@code namespace/name}. */
    Map<String, String> runStrategies(Set<String> namespaces) {
        Map<String, String> strategies = new HashMap<>();
        list(VirtualMachine.class, namespaces).forEach(vm -> strategies.put(key(vm),
                vm.getSpec() == null || vm.getSpec().runStrategy() == null ? "" : vm.getSpec().runStrategy()));
        return strategies;
    }

    private <T extends HasMetadata> List<T> list(Class<T> type, Set<String> namespaces) {
        try {
            if (namespaces.isEmpty()) {
                return client.resources(type).inAnyNamespace().list().getItems();
            }
            return namespaces.stream().flatMap(ns -> client.resources(type).inNamespace(ns).list().getItems()
                    .stream()).toList();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                // KubeVirt is not installed: there are no VMs to move.
                return List.of();
            }
            throw e;
        }
    }

    Optional<VirtualMachineInstance> instance(String namespace, String name) {
        return Optional.ofNullable(client.resources(VirtualMachineInstance.class).inNamespace(namespace)
                .withName(name).get());
    }

    /**
     * What the move finds: the planned instance while it still runs on the node it leaves; the VM's instance once
     * it runs elsewhere (the same one, migrated, or a new one after a restart); and why the move failed, if its
     * migration did.
     */
    ObservedPod.Move observe(MoveStatus move) {
        Optional<VirtualMachineInstance> vmi = instance(move.namespace(), move.name());
        Optional<VirtualMachineInstanceMigration> migration = move.startedAt() == null ? Optional.empty()
                : migration(move);
        Optional<String> failure = migration.filter(m -> m.getStatus() != null
                && VirtualMachineInstanceMigration.FAILED.equals(m.getStatus().phase()))
                .map(m -> "its live migration " + m.getMetadata().getName() + " failed");
        if (vmi.isEmpty()) {
            return new ObservedPod.Move(Optional.empty(), Optional.empty(), failure);
        }
        VirtualMachineInstance instance = vmi.get();
        var status = instance.getStatus();
        String node = status == null ? null : status.nodeName();
        boolean running = status != null && "Running".equals(status.phase()) && node != null;
        // Leaving its node once deleted (a restart) or once its migration exists: the move is not started again.
        boolean leaving = instance.getMetadata().getDeletionTimestamp() != null || migration.isPresent();
        ObservedPod observed = new ObservedPod(instance.getMetadata().getUid(), node, running, leaving);
        boolean planned = move.uid().equals(instance.getMetadata().getUid());
        if (planned && move.from().equals(node)) {
            return new ObservedPod.Move(Optional.of(observed), Optional.empty(), failure);
        }
        boolean since = move.startedAt() != null && instance.getMetadata().getCreationTimestamp() != null
                && !Instant.parse(instance.getMetadata().getCreationTimestamp())
                        .isBefore(Instant.parse(move.startedAt()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        // Migrated (the planned instance, now elsewhere) or restarted (a new instance made since the move began).
        return new ObservedPod.Move(Optional.empty(), planned || since ? Optional.of(observed) : Optional.empty(),
                failure);
    }

    /**
     * Starts the move; empty once started (or when there is nothing left to start), otherwise why it waits. Called
     * again only while nothing has started ({@link #observe} reports an instance with a migration, or deleted, as
     * leaving), and safe to repeat even so: the migration's name is fixed by the move, and the restart deletes only
     * the planned instance.
     */
    Optional<String> start(Rebalance rebalance, MoveStatus move, Scope scope) {
        Optional<VirtualMachineInstance> vmi = instance(move.namespace(), move.name())
                .filter(i -> move.uid().equals(i.getMetadata().getUid()));
        if (vmi.isEmpty()) {
            return Optional.empty();
        }
        if (Scope.liveMigratable(vmi.get())) {
            return migrate(rebalance, move);
        }
        VirtualMachine vm = client.resources(VirtualMachine.class).inNamespace(move.namespace())
                .withName(move.name()).get();
        Optional<String> stays = scope.whyVmStays(vmi.get(), vm == null || vm.getSpec() == null ? null
                : vm.getSpec().runStrategy());
        if (stays.isPresent()) {
            return Optional.of("waiting: " + stays.get());
        }
        try {
            client.resources(VirtualMachineInstance.class).inNamespace(move.namespace()).withName(move.name())
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
        }
        return Optional.empty();
    }

    /** Empty once the migration exists; otherwise why KubeVirt (or the API server) refused it. */
    private Optional<String> migrate(Rebalance rebalance, MoveStatus move) {
        VirtualMachineInstanceMigration migration = new VirtualMachineInstanceMigration();
        migration.setMetadata(new ObjectMetaBuilder().withName(migrationName(move)).withNamespace(move.namespace())
                .withLabels(Map.of(Labels.MANAGED_BY, Labels.MANAGER, REBALANCE_LABEL,
                        rebalance.getMetadata().getName()))
                // Goes with the Rebalance: deleting it removes the record of its migrations.
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(rebalance.getApiVersion())
                        .withKind(rebalance.getKind()).withName(rebalance.getMetadata().getName())
                        .withUid(rebalance.getMetadata().getUid()).build())
                .build());
        migration.setSpec(new VirtualMachineInstanceMigration.Spec(move.name()));
        try {
            client.resource(migration).create();
            return Optional.empty();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                // Made by an earlier step (or before a restart of the operator): one migration per move.
                return Optional.empty();
            }
            if (e.getCode() >= 400 && e.getCode() < 500 && e.getStatus() != null) {
                // KubeVirt's admission refused it (or this operator may not ask): the move waits, and fails when
                // its time is up, saying why.
                return Optional.of("waiting: the migration was refused: HTTP " + e.getCode() + ": "
                        + e.getStatus().getMessage());
            }
            throw e;
        }
    }

    private Optional<VirtualMachineInstanceMigration> migration(MoveStatus move) {
        return Optional.ofNullable(client.resources(VirtualMachineInstanceMigration.class)
                .inNamespace(move.namespace()).withName(migrationName(move)).get());
    }

    /** One per move: the instance's uid and the moment the move started, both kept in status. */
    static String migrationName(MoveStatus move) {
        return "pyfleet-move-" + move.uid().substring(0, Math.min(8, move.uid().length())) + "-"
                + Instant.parse(move.startedAt()).getEpochSecond();
    }

    private static Map<String, VirtualMachineInstance> byKey(List<VirtualMachineInstance> instances) {
        Map<String, VirtualMachineInstance> byKey = new HashMap<>();
        instances.forEach(i -> byKey.put(key(i), i));
        return byKey;
    }

    static String key(HasMetadata object) {
        return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }
}
