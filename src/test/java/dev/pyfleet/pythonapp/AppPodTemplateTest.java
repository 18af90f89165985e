package dev.pyfleet.pythonapp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.PythonApp;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

class AppPodTemplateTest {

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static PythonApp app(String spec) {
        PythonApp app = SERIALIZATION.unmarshal("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: PythonApp
                metadata: {name: shop, namespace: demo, uid: 0b6f2e4c-1111-2222-3333-444455556666}
                spec:
                """ + spec.indent(2), PythonApp.class);
        return app;
    }

    static final String WSGI = """
            image: ghcr.io/acme/shop:1.4.2
            process: {type: wsgi, module: "shop.wsgi:application"}
            port: 8080
            replicas: 3
            resources: {requests: {cpu: "1", memory: 512Mi}}
            healthCheck: {path: /healthz, periodSeconds: 5}
            """;

    @Test
    void wsgiAppRunsGunicornOnItsPortWithSizedWorkers() {
        Container container = AppPodTemplate.of(app(WSGI), "pyfleet-scheduler").pod(0).getSpec().getContainers()
                .get(0);
        assertThat(container.getCommand()).containsExactly("gunicorn", "--bind", "0.0.0.0:8080", "--workers", "3",
                "--access-logfile", "-", "--error-logfile", "-", "shop.wsgi:application");
        assertThat(container.getEnv()).contains(new EnvVar("PORT", "8080", null),
                new EnvVar("WEB_CONCURRENCY", "3", null));
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getLivenessProbe().getPeriodSeconds()).isEqualTo(5);
        assertThat(container.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8080));
        assertThat(container.getTerminationMessagePolicy()).as("a crash's last log lines reach the status")
                .isEqualTo("FallbackToLogsOnError");
        assertThat(container.getLifecycle().getPreStop().getSleep().getSeconds())
                .as("a Pod being replaced serves on while its endpoint is withdrawn").isEqualTo(5L);
    }

    @Test
    void asgiAppRunsUvicornAndCommandAppRunsItsCommand() {
        var asgi = AppPodTemplate.of(app(WSGI.replace("type: wsgi", "type: asgi")), "default-scheduler");
        assertThat(asgi.pod(0).getSpec().getContainers().get(0).getCommand()).containsExactly("uvicorn",
                "shop.wsgi:application", "--host", "0.0.0.0", "--port", "8080", "--workers", "3");
        var command = AppPodTemplate.of(app("""
                image: ghcr.io/acme/worker:2
                process: {type: command, command: ["python", "-m", "worker"]}
                """), "default-scheduler");
        Container container = command.pod(0).getSpec().getContainers().get(0);
        assertThat(container.getCommand()).containsExactly("python", "-m", "worker");
        assertThat(container.getEnv()).extracting(EnvVar::getName).doesNotContain("WEB_CONCURRENCY");
        assertThat(container.getReadinessProbe().getTcpSocket().getPort().getStrVal()).isEqualTo("http");
    }

    @Test
    void podMeetsTheRestrictedPodSecurityProfile() {
        Pod pod = AppPodTemplate.of(app(WSGI), "pyfleet-scheduler").pod(0);
        var podSecurity = pod.getSpec().getSecurityContext();
        assertThat(podSecurity.getRunAsNonRoot()).isTrue();
        assertThat(podSecurity.getRunAsUser()).isPositive();
        assertThat(podSecurity.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        var containerSecurity = pod.getSpec().getContainers().get(0).getSecurityContext();
        assertThat(containerSecurity.getAllowPrivilegeEscalation()).isFalse();
        assertThat(containerSecurity.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    }

    @Test
    void podCarriesTheLabelsOwnerAndSchedulerOfItsApp() {
        var template = AppPodTemplate.of(app(WSGI), "pyfleet-scheduler");
        Pod pod = template.pod(2);
        assertThat(pod.getMetadata().getName()).isEqualTo("shop-" + template.revision() + "-2");
        assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "shop")
                .containsEntry("app.kubernetes.io/instance", "shop")
                .containsEntry("app.kubernetes.io/managed-by", "pyfleet")
                .containsEntry("pyfleet.dev/app", "shop")
                .containsEntry("pyfleet.dev/revision", template.revision());
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
            assertThat(ref.getController()).isTrue();
            assertThat(ref.getUid()).isEqualTo("0b6f2e4c-1111-2222-3333-444455556666");
        });
        assertThat(pod.getSpec().getSchedulerName()).isEqualTo("pyfleet-scheduler");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("pyfleet.dev/placement-strategy", "Balanced");
    }

    @Test
    void spreadOverATopologyKeyBecomesAConstraintPerRevisionAndAnAnnotationForTheExtender() {
        var template = AppPodTemplate.of(app(WSGI + "placement: {strategy: Spread, topologyKey: "
                + "topology.kubernetes.io/zone, maxSkew: 2}\n"), "pyfleet-scheduler");
        Pod pod = template.pod(0);
        assertThat(pod.getMetadata().getAnnotations())
                .containsEntry("pyfleet.dev/spread-key", "topology.kubernetes.io/zone");
        assertThat(pod.getSpec().getTopologySpreadConstraints()).singleElement().satisfies(c -> {
            assertThat(c.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
            assertThat(c.getMaxSkew()).isEqualTo(2);
            assertThat(c.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
            assertThat(c.getLabelSelector().getMatchLabels()).containsExactly(java.util.Map.entry("pyfleet.dev/app",
                    "shop"));
            assertThat(c.getMatchLabelKeys()).containsExactly("pyfleet.dev/revision");
        });
        Pod perNode = AppPodTemplate.of(app(WSGI + "placement: {strategy: Spread}\n"), "s").pod(0);
        assertThat(perNode.getSpec().getTopologySpreadConstraints()).isNullOrEmpty();
        assertThat(perNode.getMetadata().getAnnotations()).doesNotContainKey("pyfleet.dev/spread-key");
    }

    @Test
    void explicitWorkersStartupProbeAndPriorityClassReachThePod() {
        Pod pod = AppPodTemplate.of(app(WSGI.replace("shop.wsgi:application\"}", "shop.wsgi:application\", "
                + "workers: 7}") + "priorityClassName: critical-python\n"), "s").pod(0);
        Container container = pod.getSpec().getContainers().get(0);
        assertThat(container.getCommand()).containsSequence("--workers", "7");
        assertThat(container.getEnv()).contains(new EnvVar("WEB_CONCURRENCY", "7", null));
        assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getStartupProbe().getPeriodSeconds()).isEqualTo(2);
        assertThat(container.getStartupProbe().getFailureThreshold()).isEqualTo(30);
        assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("critical-python");
        Pod blank = AppPodTemplate.of(app(WSGI + "priorityClassName: \"\"\n"), "s").pod(0);
        assertThat(blank.getSpec().getPriorityClassName()).as("blank means none").isNull();
    }

    @Test
    void revisionChangesWithTheTemplateButNotWithReplicas() {
        String base = AppPodTemplate.of(app(WSGI), "pyfleet-scheduler").revision();
        assertThat(base).hasSize(10).matches("[0-9a-f]+");
        assertThat(AppPodTemplate.of(app(WSGI), "pyfleet-scheduler").revision()).isEqualTo(base);
        assertThat(AppPodTemplate.of(app(WSGI.replace("replicas: 3", "replicas: 7")), "pyfleet-scheduler")
                .revision()).isEqualTo(base);
        assertThat(AppPodTemplate.of(app(WSGI.replace("1.4.2", "1.4.3")), "pyfleet-scheduler").revision())
                .isNotEqualTo(base);
        assertThat(AppPodTemplate.of(app(WSGI), "default-scheduler").revision()).isNotEqualTo(base);
    }

    @Test
    void scratchSpaceIsASizedTmpAndTheContainersEphemeralStorage() {
        PodSpec pod = AppPodTemplate.of(app(WSGI + "storage: {scratch: 2Gi}\n"), "pyfleet-scheduler").pod(0)
                .getSpec();
        assertThat(pod.getVolumes()).singleElement().satisfies(v -> {
            assertThat(v.getName()).isEqualTo("scratch");
            assertThat(v.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("2Gi"));
        });
        Container app = pod.getContainers().get(0);
        assertThat(app.getVolumeMounts()).singleElement().satisfies(m -> {
            assertThat(m.getMountPath()).isEqualTo("/tmp");
            assertThat(m.getReadOnly()).isNull();
        });
        assertThat(app.getResources().getRequests()).containsEntry("ephemeral-storage", new Quantity("2Gi"))
                .containsEntry("cpu", new Quantity("1")).containsEntry("memory", new Quantity("512Mi"));
        assertThat(Quantity.getAmountInBytes(app.getResources().getLimits().get("ephemeral-storage")))
                .as("2Gi and 512Mi for logs and the writable layer").isEqualByComparingTo("2684354560");
    }

    @Test
    void volumesAreMountedReadOnlyUnlessAskedAndSecretsReadableByTheAppOnly() {
        PodSpec pod = AppPodTemplate.of(app(WSGI + """
                storage:
                  volumes:
                    - {name: uploads, mountPath: /srv/uploads, persistentVolumeClaim: shop-uploads, readOnly: false}
                    - {name: archive, mountPath: /srv/archive, persistentVolumeClaim: shop-archive}
                    - {name: settings, mountPath: /etc/shop, configMap: shop-settings}
                    - {name: keys, mountPath: /etc/shop-keys, secret: shop-keys}
                """), "pyfleet-scheduler").pod(0).getSpec();

        assertThat(pod.getVolumes()).extracting(v -> v.getName())
                .containsExactly("vol-uploads", "vol-archive", "vol-settings", "vol-keys");
        assertThat(pod.getVolumes().get(0).getPersistentVolumeClaim().getClaimName()).isEqualTo("shop-uploads");
        assertThat(pod.getVolumes().get(0).getPersistentVolumeClaim().getReadOnly()).isFalse();
        assertThat(pod.getVolumes().get(1).getPersistentVolumeClaim().getReadOnly()).isTrue();
        assertThat(pod.getVolumes().get(2).getConfigMap().getName()).isEqualTo("shop-settings");
        assertThat(pod.getVolumes().get(3).getSecret().getSecretName()).isEqualTo("shop-keys");
        assertThat(pod.getVolumes().get(3).getSecret().getDefaultMode()).isEqualTo(0440);
        assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(m -> m.getMountPath() + " "
                + m.getReadOnly()).containsExactly("/srv/uploads false", "/srv/archive true", "/etc/shop true",
                        "/etc/shop-keys true");
        assertThat(pod.getSecurityContext().getFsGroup()).as("files of the volumes are the app's group's")
                .isEqualTo(10001L);
    }

    @Test
    void anAppWithoutStorageHasNoVolumesSoItsRevisionStaysAsItWas() {
        AppPodTemplate template = AppPodTemplate.of(app(WSGI), "pyfleet-scheduler");
        String json = SERIALIZATION.asJson(template.pod(0).getSpec());
        assertThat(json).doesNotContain("volumes").doesNotContain("volumeMounts").doesNotContain("ephemeral");
        assertThat(AppPodTemplate.of(app(WSGI + "storage: {scratch: 1Gi}\n"), "pyfleet-scheduler").revision())
                .as("scratch space changes the Pods").isNotEqualTo(template.revision());
    }

    @Test
    void eachReplicaMountsTheClaimOfItsSlotReadWriteAndTheSlotIsNotPartOfTheRevision() {
        AppPodTemplate template = AppPodTemplate.of(app(WSGI + """
                rollout: {maxSurge: 0, maxUnavailable: 1}
                storage:
                  replicaVolume: {size: 10Gi, mountPath: /var/lib/shop}
                """), "pyfleet-scheduler");
        Pod first = template.pod(0, 2);
        Pod second = template.pod(1, 0);
        assertThat(first.getSpec().getVolumes()).singleElement().satisfies(v -> {
            assertThat(v.getName()).isEqualTo("replica");
            assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("shop-replica-2");
        });
        assertThat(second.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
                .isEqualTo("shop-replica-0");
        assertThat(first.getMetadata().getLabels()).containsEntry("pyfleet.dev/slot", "2")
                .containsEntry("pyfleet.dev/revision", template.revision());
        assertThat(first.getSpec().getContainers().get(0).getVolumeMounts()).singleElement().satisfies(m -> {
            assertThat(m.getMountPath()).isEqualTo("/var/lib/shop");
            assertThat(m.getReadOnly()).as("the replica's own volume is written").isNotEqualTo(Boolean.TRUE);
        });
        assertThat(template.pod(2).getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
                .as("the template itself names no replica's claim, and building a Pod changed it not")
                .isEqualTo("replica");
        assertThat(template.pod(2).getMetadata().getLabels()).doesNotContainKey("pyfleet.dev/slot");
    }
}
