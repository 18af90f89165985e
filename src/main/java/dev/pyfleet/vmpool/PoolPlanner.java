package dev.pyfleet.vmpool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.pyfleet.api.v1alpha1.VMPoolSpec;
import dev.pyfleet.app.EffectivePoolSpec;

/**
 * Plans the next step for a pool's VMs: heal VMs that keep failing, shrink by the scale-down policy, replace
 * outdated VMs no more than maxUnavailable at a time (an updated VM that is not Ready holds the rollout), and fill
 * the missing ordinals {@code 0..replicas-1}. A replaced VM gets its name back once the old one is gone. Pure.
 */
public final class PoolPlanner {

    private PoolPlanner() {
    }

    /** The pool's settings with defaults applied and maxUnavailable resolved. */
    public record Settings(int replicas, boolean rollingUpdate, int maxUnavailable, VMPoolSpec.ScaleDown.Policy policy,
            boolean autoHealing, int failureThreshold, Duration minFailingDuration) {

        public static Settings of(EffectivePoolSpec spec) {
            return new Settings(spec.replicas(), spec.rollingUpdate(), spec.maxUnavailable(), spec.scaleDownPolicy(),
                    spec.autoHealing(), spec.failureThreshold(), spec.minFailingDuration());
        }
    }

    public static PoolPlan plan(Settings settings, String revision, List<VMState> vms, Instant now) {
        List<String> delete = new ArrayList<>();
        List<String> healed = new ArrayList<>();
        List<VMState> live = vms.stream().filter(v -> !v.terminating()).toList();

        if (settings.autoHealing()) {
            for (VMState vm : live) {
                boolean tooManyFailures = vm.failedStarts() >= settings.failureThreshold();
                boolean failingTooLong = vm.failing() && vm.failingSince() != null
                        && !vm.failingSince().plus(settings.minFailingDuration()).isAfter(now);
                if (vm.failing() && (tooManyFailures || failingTooLong)) {
                    delete.add(vm.name());
                    healed.add(vm.name());
                }
            }
        }
        List<VMState> kept = live.stream().filter(v -> !delete.contains(v.name())).toList();
        if (kept.size() > settings.replicas()) {
            kept.stream().sorted(removalOrder(settings.policy())).limit(kept.size() - settings.replicas())
                    .map(VMState::name).forEach(delete::add);
        }
        List<VMState> remaining = live.stream().filter(v -> !delete.contains(v.name())).toList();

        if (settings.rollingUpdate()) {
            long ready = remaining.stream().filter(VMState::ready).count();
            long budget = settings.maxUnavailable() - Math.max(0, settings.replicas() - ready);
            List<VMState> outdated = remaining.stream().filter(v -> !revision.equals(v.revision()))
                    .sorted(Comparator.comparing(VMState::ready).thenComparing(VMState::ordinal)).toList();
            for (VMState vm : outdated) {
                if (!vm.ready()) {
                    delete.add(vm.name());
                } else if (budget > 0) {
                    delete.add(vm.name());
                    budget--;
                }
            }
        }
        long staying = live.stream().filter(v -> !delete.contains(v.name())).count();
        Set<Integer> goingAway = new HashSet<>();
        vms.stream().filter(v -> v.terminating() || delete.contains(v.name())).forEach(v -> goingAway.add(v.ordinal()));
        return new PoolPlan(ordinalsToCreate(settings.replicas(), staying, vms, goingAway), List.copyOf(delete),
                List.copyOf(healed));
    }

    /**
     * Lowest free ordinals, below replicas first. A name held by a VM that is going away is waited for, not
     * skipped, so a replaced or healed VM gets its name back and a pool keeps the names 0..replicas-1.
     */
    private static List<Integer> ordinalsToCreate(int replicas, long staying, List<VMState> vms,
            Set<Integer> goingAway) {
        Set<Integer> taken = new HashSet<>();
        vms.forEach(v -> taken.add(v.ordinal()));
        List<Integer> create = new ArrayList<>();
        for (int ordinal = 0; staying + create.size() < replicas; ordinal++) {
            if (ordinal >= replicas && !goingAway.isEmpty()) {
                break;
            }
            if (!taken.contains(ordinal)) {
                create.add(ordinal);
            }
        }
        return create;
    }

    static Comparator<VMState> removalOrder(VMPoolSpec.ScaleDown.Policy policy) {
        Comparator<VMState> newestFirst = Comparator.comparing(VMState::created, Comparator.reverseOrder())
                .thenComparing(VMState::ordinal, Comparator.reverseOrder());
        return switch (policy) {
            case NewestFirst -> newestFirst;
            case OldestFirst -> Comparator.comparing(VMState::created).thenComparing(VMState::ordinal);
            case UnreadyFirst -> Comparator.comparing(VMState::ready).thenComparing(newestFirst);
        };
    }
}
