package dev.pyfleet.pythonapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.testing.ClusterNamespace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** The API server itself refuses bad PythonApps, with messages that say what to fix (schema and CEL rules). */
class PythonAppValidationIT {

    static final String VALID = """
            metadata: {name: shop}
            spec:
              image: ghcr.io/acme/shop:1.0.0
              process: {type: wsgi, module: "shop.wsgi:application"}
            """;

    @RegisterExtension
    static final ClusterNamespace cluster = ClusterNamespace.named("validation");

    @Test
    void validAppIsAcceptedAndDefaulted() {
        PythonApp created = create(VALID);
        assertThat(created.getSpec().replicas()).isEqualTo(1);
        assertThat(created.getSpec().port()).isEqualTo(8080);
        assertThat(created.getSpec().runtime().type().name()).isEqualTo("Pods");
        assertThat(created.getSpec().rollout().maxSurge().getStrVal()).isEqualTo("25%");
        assertThat(created.getSpec().service().port()).isEqualTo(80);
        cluster.client().resource(created).delete();
    }

    @Test
    void storageIsAcceptedAndVolumesAreReadOnlyUnlessAsked() {
        PythonApp created = create(VALID + """
                  storage:
                    scratch: 512Mi
                    volumes:
                      - {name: uploads, mountPath: /srv/uploads, persistentVolumeClaim: uploads, readOnly: false}
                      - {name: settings, mountPath: /etc/shop, configMap: shop-settings}
                """);
        assertThat(created.getSpec().storage().scratch()).isEqualTo("512Mi");
        assertThat(created.getSpec().storage().volumes()).extracting(v -> v.readOnly()).containsExactly(false, true);
        cluster.client().resource(created).delete();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            image missing                 | image: ghcr.io/acme/shop:1.0.0 |                                         | spec.image: Required value
            image with a line break       | image: ghcr.io/acme/shop:1.0.0 | image: "ghcr.io/acme/shop:1.0.0\\nExecStartPre=+/bin/sh -c id" | spec.image: Invalid value
            image with a space            | image: ghcr.io/acme/shop:1.0.0 | image: "ghcr.io/acme/shop 1.0.0"        | spec.image: Invalid value
            image with upper-case path    | image: ghcr.io/acme/shop:1.0.0 | image: ghcr.io/Acme/Shop:1.0.0          | spec.image: Invalid value
            wsgi without module           | module: "shop.wsgi:application" | module: null                           | process.module is required when process.type is wsgi or asgi
            command with a module         | type: wsgi                     | type: command, command: [python]        | process.module is only used by wsgi and asgi
            command without command       | type: wsgi, module: "shop.wsgi:application" | type: command              | process.command is required when process.type is command
            wsgi with a command           | type: wsgi                     | type: wsgi, command: [python]           | process.command is only allowed when process.type is command
            VMPool without poolRef        | process:                       | python: "3.12" ;; runtime: {type: VMPool} ;; process: | runtime.poolRef is required when runtime.type is VMPool
            VMPool without python         | process:                       | runtime: {type: VMPool, poolRef: {name: vms}} ;; process: | python is required when runtime.type is VMPool
            poolRef on Pods               | process:                       | runtime: {type: Pods, poolRef: {name: vms}} ;; process: | runtime.poolRef is only used when runtime.type is VMPool
            no surge and no unavailable   | process:                       | rollout: {maxSurge: 0, maxUnavailable: "0%"} ;; process: | cannot both be zero
            surge that is not a number    | process:                       | rollout: {maxSurge: lots} ;; process: | rollout.maxSurge must be a non-negative number of Pods or a percentage
            depends on itself             | process:                       | dependsOn: [shop] ;; process: | spec.dependsOn must not name the app itself
            both budget fields            | process:                       | disruptionBudget: {minAvailable: 1, maxUnavailable: 1} ;; process: | set either disruptionBudget.minAvailable or disruptionBudget.maxUnavailable, not both
            port out of range             | process:                       | port: 70000 ;; process: | spec.port: Invalid value
            negative replicas             | process:                       | replicas: -1 ;; process: | spec.replicas: Invalid value
            Python 2                      | process:                       | python: "2.7" ;; process: | spec.python: Invalid value
            module that is not a path     | "shop.wsgi:application"        | "shop wsgi"                             | spec.process.module: Invalid value
            name that is not a Service name | name: shop                   | name: 9shop                             | metadata.name must start with a letter
            name too long for Pod names   | name: shop                     | name: shop-with-a-name-much-longer-than-pod-names-allow | metadata.name must be at most 48 characters
            unknown strategy              | process:                       | placement: {strategy: Random} ;; process: | Unsupported value: "Random"
            topology key without Spread   | process:                       | placement: {strategy: BinPack, topologyKey: zone} ;; process: | placement.topologyKey applies only to strategy Spread
            max skew without a key        | process:                       | placement: {strategy: Spread, maxSkew: 2} ;; process: | placement.maxSkew needs placement.topologyKey
            topology key not a label key  | process:                       | placement: {strategy: Spread, topologyKey: "not a key"} ;; process: | spec.placement.topologyKey: Invalid value
            max skew of zero              | process:                       | placement: {strategy: Spread, topologyKey: zone, maxSkew: 0} ;; process: | spec.placement.maxSkew: Invalid value
            request above its limit       | process:                       | resources: {requests: {memory: 1Gi}, limits: {memory: 256Mi}} ;; process: | resources.requests.memory must not be more than resources.limits.memory
            cpu that is not a quantity    | process:                       | resources: {requests: {cpu: lots}} ;; process: | resources.requests.cpu must be a quantity such as 500m
            no surge and no unavailable set | process:                     | rollout: {maxSurge: 0} ;; process: | (maxUnavailable defaults to 0)
            scratch that is no size       | process:                       | storage: {scratch: lots} ;; process: | spec.storage.scratch: Invalid value
            scratch of nothing            | process:                       | storage: {scratch: "0"} ;; process: | storage.scratch must be more than 0 and at most 1Ti
            scratch of two tebibytes      | process:                       | storage: {scratch: 2Ti} ;; process: | storage.scratch must be more than 0 and at most 1Ti
            volume of an unknown kind     | process:                       | storage: {volumes: [{name: data, mountPath: /data, hostPath: /var/lib}]} ;; process: | each volume names exactly one source: persistentVolumeClaim, configMap or secret
            volume of two kinds           | process:                       | storage: {volumes: [{name: data, mountPath: /data, configMap: a, secret: b}]} ;; process: | each volume names exactly one source
            two volumes at one path       | process:                       | storage: {volumes: [{name: a, mountPath: /data, configMap: a}, {name: b, mountPath: /data/, secret: b}]} ;; process: | two volumes are mounted at the same path
            two volumes of one name       | process:                       | storage: {volumes: [{name: a, mountPath: /a, configMap: a}, {name: a, mountPath: /b, secret: b}]} ;; process: | two volumes have the same name
            relative mount path           | process:                       | storage: {volumes: [{name: a, mountPath: data, configMap: a}]} ;; process: | spec.storage.volumes[0].mountPath: Invalid value
            mount path climbing out       | process:                       | storage: {volumes: [{name: a, mountPath: /srv/../etc, configMap: a}]} ;; process: | mountPath must not contain a .. segment
            volume over the scratch space | process:                       | storage: {scratch: 1Gi, volumes: [{name: a, mountPath: /tmp/cache, configMap: a}]} ;; process: | a volume cannot be mounted at or under /tmp
            readiness port on a VM pool   | process:                       | python: "3.12" ;; runtime: {type: VMPool, poolRef: {name: vms}} ;; port: 9099 ;; process: | port 9099 is taken on a pool
            Secret volume on a VM pool    | process:                       | python: "3.12" ;; runtime: {type: VMPool, poolRef: {name: vms}} ;; storage: {volumes: [{name: keys, mountPath: /etc/keys, secret: keys}]} ;; process: | storage (scratch space and volumes) is for apps that run as Pods
            scratch and ephemeral-storage | process:                       | resources: {requests: {ephemeral-storage: 1Gi}} ;; storage: {scratch: 1Gi} ;; process: | set ephemeral-storage either by storage.scratch or in resources, not both
            replica volume with a surge   | process:                       | storage: {replicaVolume: {size: 1Gi, mountPath: /data}} ;; process: | storage.replicaVolume needs rollout.maxSurge: 0
            replica volume no size        | process:                       | rollout: {maxSurge: 0, maxUnavailable: 1} ;; storage: {replicaVolume: {mountPath: /data}} ;; process: | spec.storage.replicaVolume.size: Required value
            replica volume of nothing     | process:                       | rollout: {maxSurge: 0, maxUnavailable: 1} ;; storage: {replicaVolume: {size: "0", mountPath: /data}} ;; process: | storage.replicaVolume.size must be from 1Mi to 64Ti
            replica volume at a volume    | process:                       | rollout: {maxSurge: 0, maxUnavailable: 1} ;; storage: {replicaVolume: {size: 1Gi, mountPath: /data}, volumes: [{name: a, mountPath: /data/, configMap: a}]} ;; process: | a volume is mounted at the replica volume's path
            replica volume in scratch     | process:                       | rollout: {maxSurge: 0, maxUnavailable: 1} ;; storage: {scratch: 1Gi, replicaVolume: {size: 1Gi, mountPath: /tmp/state}} ;; process: | the replica volume cannot be mounted at or under /tmp
            replica volume relative path  | process:                       | rollout: {maxSurge: 0, maxUnavailable: 1} ;; storage: {replicaVolume: {size: 1Gi, mountPath: data}} ;; process: | spec.storage.replicaVolume.mountPath: Invalid value
            unknown replica retention     | process:                       | rollout: {maxSurge: 0, maxUnavailable: 1} ;; storage: {replicaVolume: {size: 1Gi, mountPath: /data, whenScaledDown: Sometimes}} ;; process: | spec.storage.replicaVolume.whenScaledDown: Unsupported value
            """)
    void invalidAppIsRejectedWithAMessageThatNamesTheProblem(String what, String replace, String with,
            String message) {
        // ";;" separates lines of the replacement, at the indentation of spec's fields.
        String yaml = VALID.replace(replace.strip(), with == null ? "" : with.strip().replace(" ;; ", "\n  "));
        assertThatThrownBy(() -> create(yaml)).as(what)
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains(message);
                });
    }

    /** Sent as written, untyped: the client must not be the one that refuses a bad value. */
    private static PythonApp create(String yaml) {
        var raw = cluster.client().getKubernetesSerialization().unmarshal(
                "apiVersion: pyfleet.dev/v1alpha1\nkind: PythonApp\n" + yaml, GenericKubernetesResource.class);
        var created = cluster.client().genericKubernetesResources("pyfleet.dev/v1alpha1", "PythonApp")
                .inNamespace(cluster.namespace()).resource(raw).create();
        return cluster.client().getKubernetesSerialization().convertValue(created, PythonApp.class);
    }
}
