package dev.pyfleet.pythonapp;

import java.time.Instant;
import java.util.List;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.PythonAppStatus;
import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.app.EffectivePoolSpec;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * The status of an app whose runtime is a VM pool: the pool installs it on every VM, so the app is as Ready,
 * Progressing and Degraded as its pool is.
 */
final class PoolRuntimeStatus {

    private PoolRuntimeStatus() {
    }

    static PythonAppStatus of(PythonApp app, VMPool pool, Instant now) {
        String poolName = app.getSpec().runtime().poolRef().name();
        long generation = app.getMetadata().getGeneration() == null ? 0 : app.getMetadata().getGeneration();
        PythonAppStatus previous = app.getStatus();
        List<Condition> conditions;
        int desired = 0;
        int ready = 0;
        int updated = 0;
        String revision = null;
        if (pool == null) {
            String message = "no VMPool named " + poolName + " in this namespace";
            conditions = List.of(Conditions.of(Conditions.READY, false, "PoolNotFound", message),
                    Conditions.of(Conditions.PROGRESSING, false, "PoolNotFound", message),
                    Conditions.of(Conditions.DEGRADED, false, "AsExpected", "nothing is failing"));
        } else {
            var status = pool.getStatus();
            List<Condition> poolConditions = status == null ? null : status.conditions();
            desired = new EffectivePoolSpec(pool.getSpec()).replicas();
            ready = status == null || status.readyReplicas() == null ? 0 : status.readyReplicas();
            updated = status == null || status.updatedReplicas() == null ? 0 : status.updatedReplicas();
            revision = status == null ? null : status.updateRevision();
            String summary = "runs on every VM of VMPool " + poolName + ": " + ready + " of " + desired + " Ready";
            conditions = List.of(mirror(poolConditions, Conditions.READY, summary),
                    mirror(poolConditions, Conditions.PROGRESSING, summary),
                    mirror(poolConditions, Conditions.DEGRADED, summary));
        }
        boolean isReady = Conditions.isTrue(conditions, Conditions.READY);
        String phase = pool == null ? "Waiting" : Conditions.isTrue(conditions, Conditions.DEGRADED) ? "Degraded"
                : isReady ? "Running" : "Progressing";
        return new PythonAppStatus(generation, ready, ready, updated, ready, Labels.asString(Labels.poolSelector(poolName)),
                isReady ? revision : previous == null ? null : previous.currentRevision(), revision,
                ready + "/" + desired, phase, null,
                Conditions.merge(previous == null ? null : previous.conditions(), conditions, generation, now));
    }

    private static Condition mirror(List<Condition> poolConditions, String type, String summary) {
        Condition pool = Conditions.find(poolConditions, type);
        if (pool == null) {
            return Conditions.of(type, false, "PoolNotReconciled", "VMPool has no " + type + " condition yet; "
                    + summary);
        }
        return Conditions.of(type, "True".equals(pool.getStatus()), "Pool" + pool.getReason(),
                summary + " (" + pool.getMessage() + ")");
    }
}
