package dev.pyfleet.pythonapp;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import dev.pyfleet.api.v1alpha1.HealthCheckSpec;
import dev.pyfleet.api.v1alpha1.PlacementSpec;
import dev.pyfleet.api.v1alpha1.ProcessSpec;
import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.PythonAppSpec;
import dev.pyfleet.app.EffectiveSpec;
import dev.pyfleet.app.ProcessCommand;
import dev.pyfleet.kube.Annotations;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.kube.Ownership;
import dev.pyfleet.kube.TemplateRevision;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;

/**
 * The Pod an app runs as, built from its spec alone (no API calls). The revision is a hash of this template, so any
 * change that would change a Pod starts a rollout and nothing else does.
 */
public final class AppPodTemplate {

    /** How long a Pod on its way out keeps serving before its server is told to stop. */
    static final long PRE_STOP_SECONDS = 5;

    /** Non-root identity for the app's container; the restricted Pod Security profile forbids root. */
    static final long APP_UID = 10001;

    private final PythonApp app;
    private final PodTemplateSpec template;
    private final String revision;

    private AppPodTemplate(PythonApp app, PodTemplateSpec template, String revision) {
        this.app = app;
        this.template = template;
        this.revision = revision;
    }

    public static AppPodTemplate of(PythonApp app, String schedulerName) {
        PodTemplateSpec template = buildTemplate(app, schedulerName);
        return new AppPodTemplate(app, template, TemplateRevision.of(template));
    }

    /** Ten hex digits of the template's hash, e.g. {@code 7c9f0a12be}. */
    public String revision() {
        return revision;
    }

    /** The Pod with the given ordinal: a stable name, so that creating it twice fails instead of duplicating it. */
    public Pod pod(int ordinal) {
        return new PodBuilder()
                .withNewMetadataLike(template.getMetadata())
                .withName(podName(app.getMetadata().getName(), revision, ordinal))
                .withNamespace(app.getMetadata().getNamespace())
                .addToLabels(Labels.REVISION, revision)
                .withOwnerReferences(Ownership.controlledBy(app))
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
    }

    /**
     * The Pod with the given ordinal that mounts the claim of a replica slot ({@code storage.replicaVolume}), and
     * says which in its {@code pyfleet.dev/slot} label.
     */
    public Pod pod(int ordinal, int slot) {
        Pod pod = pod(ordinal);
        var labels = new java.util.LinkedHashMap<>(pod.getMetadata().getLabels());
        labels.put(Labels.SLOT, String.valueOf(slot));
        pod.getMetadata().setLabels(labels);
        pod.setSpec(new PodSpecBuilder(pod.getSpec()).editMatchingVolume(v -> AppStorage.REPLICA.equals(v.getName()))
                .editPersistentVolumeClaim().withClaimName(AppStorage.replicaClaim(app.getMetadata().getName(), slot))
                .endPersistentVolumeClaim().endVolume().build());
        return pod;
    }

    public static String podName(String app, String revision, int ordinal) {
        return app + "-" + revision + "-" + ordinal;
    }

    private static PodTemplateSpec buildTemplate(PythonApp app, String schedulerName) {
        PythonAppSpec spec = app.getSpec();
        EffectiveSpec effective = new EffectiveSpec(spec);
        PlacementSpec placement = spec.placement();
        String spreadKey = effective.strategy() == PlacementSpec.Strategy.Spread ? effective.topologyKey() : null;
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(Labels.ofApp(app.getMetadata().getName()))
                .addToAnnotations(Annotations.PLACEMENT_STRATEGY, effective.strategy().name())
                .addToAnnotations(Annotations.MAX_PER_NODE, String.valueOf(effective.maxPerNode()))
                .addToAnnotations(spreadKey == null ? java.util.Map.of()
                        : java.util.Map.of(Annotations.SPREAD_KEY, spreadKey))
                .endMetadata()
                .withNewSpec()
                .withTopologySpreadConstraints(spreadKey == null ? null : List.of(spreadConstraint(app, spreadKey,
                        effective.maxSkew())))
                .withSchedulerName(schedulerName)
                .withPriorityClassName(blankToNull(spec.priorityClassName()))
                .withNodeSelector(placement == null || placement.nodeSelector() == null ? null
                        : new TreeMap<>(placement.nodeSelector()))
                .withTolerations(placement == null ? null : placement.tolerations())
                .withEnableServiceLinks(false)
                .withAutomountServiceAccountToken(false)
                .withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(APP_UID).withRunAsGroup(APP_UID).withFsGroup(APP_UID)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withContainers(container(spec, effective))
                .withVolumes(AppStorage.volumes(spec.storage()))
                .endSpec()
                .build();
    }

    /**
     * The hard half of Spread over a topology key, left to kube-scheduler's own PodTopologySpread, which counts the
     * app's Pods over every node (the extender sees only the nodes it is offered). Counted per revision, so that a
     * rollout's new Pods spread among themselves while the old ones leave.
     */
    private static TopologySpreadConstraint spreadConstraint(PythonApp app, String key, int maxSkew) {
        return new TopologySpreadConstraintBuilder().withTopologyKey(key).withMaxSkew(maxSkew)
                .withWhenUnsatisfiable("DoNotSchedule")
                .withNewLabelSelector().addToMatchLabels(Labels.APP, app.getMetadata().getName())
                .endLabelSelector()
                .withMatchLabelKeys(Labels.REVISION).build();
    }

    private static Container container(PythonAppSpec spec, EffectiveSpec effective) {
        int port = effective.port();
        int workers = effective.workers();
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("PORT", String.valueOf(port), null));
        env.add(new EnvVar("PYTHONUNBUFFERED", "1", null));
        if (ProcessCommand.type(spec.process()) != ProcessSpec.Type.COMMAND) {
            env.add(new EnvVar("WEB_CONCURRENCY", String.valueOf(workers), null));
        }
        if (spec.env() != null) {
            env.addAll(spec.env());
        }
        return new ContainerBuilder()
                .withName("app")
                .withImage(spec.image())
                .withCommand(ProcessCommand.of(spec, port, workers))
                // A process that dies before writing a termination message (a Python traceback, say) is reported
                // with the tail of its log: that is what reaches the app's status when it crash-loops.
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                // A Pod being replaced keeps serving while the Service stops sending to it: every kube-proxy has to
                // see the endpoint go before the server may stop listening, or requests in between are refused.
                .withNewLifecycle().withNewPreStop().withNewSleep().withSeconds(PRE_STOP_SECONDS).endSleep()
                .endPreStop().endLifecycle()
                .addNewPort().withName("http").withContainerPort(port).withProtocol("TCP").endPort()
                .withEnv(env)
                .withEnvFrom(spec.envFrom())
                .withResources(AppStorage.resources(spec.resources(), spec.storage()))
                .withVolumeMounts(AppStorage.mounts(spec.storage()))
                .withStartupProbe(startupProbe(spec.healthCheck()))
                .withReadinessProbe(probe(spec.healthCheck()))
                .withLivenessProbe(probe(spec.healthCheck()))
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false).withRunAsNonRoot(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .build();
    }

    private static Probe probe(HealthCheckSpec check) {
        ProbeBuilder probe = target(check);
        if (check != null) {
            probe.withInitialDelaySeconds(check.initialDelaySeconds()).withPeriodSeconds(check.periodSeconds())
                    .withTimeoutSeconds(check.timeoutSeconds()).withFailureThreshold(check.failureThreshold());
        }
        return probe.build();
    }

    /** Gives a slow import up to a minute before liveness may restart the container. */
    private static Probe startupProbe(HealthCheckSpec check) {
        return target(check).withPeriodSeconds(2).withFailureThreshold(30).build();
    }

    private static ProbeBuilder target(HealthCheckSpec check) {
        IntOrString port = new IntOrString("http");
        return check == null
                ? new ProbeBuilder().withNewTcpSocket().withPort(port).endTcpSocket()
                : new ProbeBuilder().withNewHttpGet().withPath(check.path()).withPort(port).endHttpGet();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
