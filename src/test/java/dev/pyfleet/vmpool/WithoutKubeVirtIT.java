package dev.pyfleet.vmpool;

import static dev.pyfleet.testing.PythonApps.conditionIs;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.pyfleet.api.v1alpha1.VMPool;
import dev.pyfleet.kubevirt.VirtualMachine;
import dev.pyfleet.testing.ArgoCdHealth;
import dev.pyfleet.testing.ControlPlane;
import dev.pyfleet.testing.Inputs;
import dev.pyfleet.testing.Kstatus;
import dev.pyfleet.testing.OperatorProcess;
import dev.pyfleet.testing.PythonApps;
import dev.pyfleet.testing.TestNamespace;

/**
 * On a cluster without KubeVirt the operator starts and runs PythonApps on Pods, and its pools wait with
 * KubeVirtAvailable=False; once KubeVirt's CRDs are installed the waiting pool creates its VMs, without a restart.
 */
class WithoutKubeVirtIT {

    @Test
    void operatorRunsAppsWithoutKubeVirtAndPoolsProceedOnceItIsInstalled() throws Exception {
        Inputs.require(Files.isDirectory(ControlPlane.kubeVirtFixtures()),
                "KubeVirt CRDs are not available: " + ControlPlane.kubeVirtFixtures() + " is absent");
        try (ControlPlane cluster = ControlPlane.withoutKubeVirt("no-kubevirt");
                var client = cluster.newClient();
                var namespace = new TestNamespace(client, "no-kubevirt");
                var operator = new OperatorProcess(cluster.kubeconfig())) {
            assertThat(client.apiextensions().v1().customResourceDefinitions().withName(VirtualMachine.CRD_NAME)
                    .get()).isNull();

            PythonApps.create(client, namespace.name(), """
                    metadata: {name: web}
                    spec:
                      image: ghcr.io/acme/web:1
                      process: {type: wsgi, module: "web:app"}
                      replicas: 2
                    """);
            client.resource(client.getKubernetesSerialization().unmarshal("""
                    apiVersion: pyfleet.dev/v1alpha1
                    kind: VMPool
                    metadata: {name: vms}
                    spec:
                      replicas: 2
                      vm: {memory: 1Gi, image: "quay.io/containerdisks/debian:12", python: {version: "3.12"}}
                    """, VMPool.class)).inNamespace(namespace.name()).create();

            PythonApps.await(client, namespace.name(), "web", conditionIs("Ready", "True"), 90);
            VMPool waiting = client.resources(VMPool.class).inNamespace(namespace.name()).withName("vms")
                    .waitUntilCondition(pool -> pool != null && pool.getStatus() != null
                            && pool.getStatus().conditions().stream().anyMatch(c -> c.getType()
                                    .equals("KubeVirtAvailable") && c.getStatus().equals("False")), 60,
                            TimeUnit.SECONDS);
            assertThat(waiting.getStatus().phase()).isEqualTo("Waiting");
            ArgoCdHealth.Verdict health = ArgoCdHealth.of(waiting);
            assertThat(health.status()).as("Argo CD's health of the waiting pool").isEqualTo("Degraded");
            assertThat(health.message()).contains("VirtualMachine CRD (virtualmachines.kubevirt.io) is not installed");
            assertThat(Kstatus.of(waiting).status()).as("kstatus of the waiting pool").isEqualTo("Failed");
            assertThat(operator.isAlive()).as(operator.log()).isTrue();

            assertThat(cluster.installKubeVirt()).isTrue();

            client.resources(VirtualMachine.class).inNamespace(namespace.name())
                    .withLabel("pyfleet.dev/pool", "vms")
                    .informOnCondition(vms -> vms.size() == 2).get(60, TimeUnit.SECONDS);
            assertThat(operator.isAlive()).as(operator.log()).isTrue();
        }
    }
}
