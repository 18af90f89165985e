package dev.pyfleet.vmpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.testing.ClusterNamespace;

/**
 * Property: every VirtualMachine PyFleet generates, for any pool and apps the schema accepts, is accepted by
 * KubeVirt's own CRD and comes back unchanged (nothing pruned, nothing rejected).
 */
class VirtualMachineRoundTripIT {

    @RegisterExtension
    static final ClusterNamespace cluster = ClusterNamespace.withKubeVirt("vm-roundtrip");

    @Test
    void generatedVirtualMachinesComeBackFromKubeVirtsSchemaUnchanged() {
        Random random = new Random(4242);
        for (int i = 0; i < 40; i++) {
            VMPool pool = randomPool(random, "pool-" + i);
            List<PythonApp> apps = randomApps(random, pool.getMetadata().getName());
            VirtualMachine vm = PoolVirtualMachines.of(pool, apps, random.nextBoolean() ? "pyfleet-scheduler"
                    : "default-scheduler").vm(random.nextInt(5));
            vm.getMetadata().setOwnerReferences(null);

            VirtualMachine created = cluster.client().resources(VirtualMachine.class)
                    .inNamespace(cluster.namespace()).resource(vm).create();

            assertThat(asMap(created.getSpec())).as("case %d: %s", i, vm.getSpec()).isEqualTo(asMap(vm.getSpec()));
            assertThat(created.getMetadata().getLabels()).containsAllEntriesOf(vm.getMetadata().getLabels());
        }
    }

    private static VMPool randomPool(Random random, String name) {
        String[] memory = {"512Mi", "1Gi", "1.5Gi", "4Gi", "16Gi", "2048Mi"};
        String[] runStrategy = {"Always", "RerunOnFailure", "Manual", "Halted"};
        String[] strategy = {"Balanced", "BinPack", "Spread", "LoadAware"};
        List<String> packages = new ArrayList<>();
        String[] known = {"gunicorn==23.0.0", "uvicorn[standard]>=0.30", "flask", "django~=5.1", "requests!=2.0"};
        for (int p = random.nextInt(known.length); p > 0; p--) {
            packages.add(known[random.nextInt(known.length)]);
        }
        String cloudInit = random.nextBoolean() ? ""
                : "    cloudInit: |\n      #cloud-config\n      timezone: UTC\n      runcmd: [[touch, /tmp/extra-"
                        + random.nextInt(100) + "]]\n";
        return cluster.client().getKubernetesSerialization().unmarshal("""
                apiVersion: pyfleet.dev/v1alpha1
                kind: VMPool
                metadata: {name: %s, namespace: %s, uid: 00000000-0000-0000-0000-000000000001}
                spec:
                  replicas: %d
                  vm:
                    cpu: %d
                    memory: %s
                    image: quay.io/containerdisks/debian:1%d
                    python: {version: "3.1%d", packages: %s}
                    runStrategy: %s
                %s  placement: {strategy: %s}
                """.formatted(name, cluster.namespace(), random.nextInt(6), 1 + random.nextInt(16),
                memory[random.nextInt(memory.length)], random.nextInt(3), random.nextInt(4),
                toYamlList(packages), runStrategy[random.nextInt(runStrategy.length)],
                cloudInit,
                strategy[random.nextInt(strategy.length)]), VMPool.class);
    }

    private static List<PythonApp> randomApps(Random random, String pool) {
        List<PythonApp> apps = new ArrayList<>();
        String[] process = {"{type: wsgi, module: \"shop.wsgi:application\"}", "{type: asgi, module: \"api:app\"}",
                "{type: command, command: [python, -m, worker, \"--queue=a b\"]}"};
        for (int a = random.nextInt(4); a > 0; a--) {
            apps.add(cluster.client().getKubernetesSerialization().unmarshal("""
                    apiVersion: pyfleet.dev/v1alpha1
                    kind: PythonApp
                    metadata: {name: app-%d, namespace: demo}
                    spec:
                      image: ghcr.io/acme/app:%d
                      python: "3.12"
                      process: %s
                      port: %d
                      env: [{name: MODE, value: "a\\"b %%c"}]
                      runtime: {type: VMPool, poolRef: {name: %s}}
                    """.formatted(a, a, process[random.nextInt(process.length)],
                    // A port each (apps on one VM share its ports), away from the readiness check's 9099.
                    1024 + 10000 * a + random.nextInt(9000), pool), PythonApp.class));
        }
        return apps;
    }

    private static String toYamlList(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").toList().toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return cluster.client().getKubernetesSerialization().convertValue(value, Map.class);
    }
}
