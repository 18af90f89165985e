package dev.pyfleet.app;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pyfleet.api.v1alpha1.PlacementSpec;
import dev.pyfleet.api.v1alpha1.VMPoolSpec;
import dev.pyfleet.kube.IntOrPercent;
import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * A VMPool spec's values with the schema defaults filled in, in one place: the pool controller plans with them and
 * an app on the pool reports with them. The API server applies the defaults on
 * every read, so this matters for objects built in code or stored before a default existed; the operator never
 * writes these values back.
 */
public record EffectivePoolSpec(VMPoolSpec spec) {

    private static final Pattern DURATION = Pattern.compile("^(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?$");

    public int replicas() {
        return Objects.requireNonNullElse(spec.replicas(), 1);
    }

    public int cpu() {
        return cpu(spec.vm());
    }

    /** Guest vCPUs of a VM template. */
    public static int cpu(VMPoolSpec.VMTemplate vm) {
        return vm == null || vm.cpu() == null ? 1 : vm.cpu();
    }

    public String runStrategy() {
        return spec.vm() == null || spec.vm().runStrategy() == null ? VMPoolSpec.RunStrategy.Always.name()
                : spec.vm().runStrategy().name();
    }

    public PlacementSpec.Strategy strategy() {
        return spec.placement() == null || spec.placement().strategy() == null ? PlacementSpec.Strategy.Spread
                : spec.placement().strategy();
    }

    public boolean rollingUpdate() {
        VMPoolSpec.UpdateStrategy update = spec.updateStrategy();
        return update == null || update.type() == null || update.type() == VMPoolSpec.UpdateStrategy.Type.RollingUpdate;
    }

    /** maxUnavailable resolved against replicas, rounded down and at least 1, so a rollout always moves. */
    public int maxUnavailable() {
        VMPoolSpec.UpdateStrategy update = spec.updateStrategy();
        IntOrString value = update == null || update.maxUnavailable() == null ? new IntOrString(1)
                : update.maxUnavailable();
        return Math.max(1, IntOrPercent.resolve(value, replicas(), false));
    }

    public int progressDeadlineSeconds() {
        VMPoolSpec.UpdateStrategy update = spec.updateStrategy();
        return update == null || update.progressDeadlineSeconds() == null ? 600 : update.progressDeadlineSeconds();
    }

    public VMPoolSpec.ScaleDown.Policy scaleDownPolicy() {
        return spec.scaleDown() == null || spec.scaleDown().policy() == null ? VMPoolSpec.ScaleDown.Policy.NewestFirst
                : spec.scaleDown().policy();
    }

    public boolean autoHealing() {
        VMPoolSpec.AutoHealing healing = spec.autoHealing();
        return healing == null || healing.enabled() == null || healing.enabled();
    }

    public int failureThreshold() {
        VMPoolSpec.AutoHealing healing = spec.autoHealing();
        return healing == null || healing.failureThreshold() == null ? 3 : healing.failureThreshold();
    }

    public Duration minFailingDuration() {
        VMPoolSpec.AutoHealing healing = spec.autoHealing();
        return parseDuration(healing == null || healing.minFailingDuration() == null ? "5m"
                : healing.minFailingDuration());
    }

    /** The schema's duration form: hours, minutes and seconds, each optional, e.g. {@code 1h30m}. */
    private static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        return Duration.ofHours(group(m, 1)).plusMinutes(group(m, 2)).plusSeconds(group(m, 3));
    }

    private static long group(Matcher m, int group) {
        return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
    }
}
