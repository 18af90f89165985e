package dev.pyfleet.vmpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pyfleet.testing.ClusterNamespace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** The API server refuses bad VMPools with messages that name the field (schema and CEL rules). */
class VMPoolValidationIT {

    static final String VALID = """
            metadata: {name: vms}
            spec:
              replicas: 2
              vm:
                cpu: 2
                memory: 2Gi
                image: quay.io/containerdisks/debian:12
                python: {version: "3.12", packages: ["gunicorn==23.0.0"]}
              updateStrategy: {type: RollingUpdate, maxUnavailable: 1}
            """;

    @RegisterExtension
    static final ClusterNamespace cluster = ClusterNamespace.named("vmpool-validation");

    @Test
    void validPoolIsAcceptedAndDefaulted() {
        var created = create(VALID);
        @SuppressWarnings("unchecked")
        var spec = (java.util.Map<String, Object>) created.getAdditionalProperties().get("spec");
        assertThat(spec).containsKeys("scaleDown", "autoHealing", "placement");
        assertThat(spec.get("scaleDown")).isEqualTo(java.util.Map.of("policy", "NewestFirst"));
        cluster.client().resource(created).delete();
    }

    @Test
    void poolWithDisksIsAcceptedAndDefaultedToLoseNothing() {
        var created = create(VALID.replace("    cpu: 2\n", """
                    cpu: 2
                    rootDisk: {size: 20Gi, storageClassName: fast-ssd}
                    dataDisks: [{name: data, size: 50Gi, mountPath: /srv/data}]
                """));
        @SuppressWarnings("unchecked")
        var spec = (java.util.Map<String, Object>) created.getAdditionalProperties().get("spec");
        assertThat(spec.get("diskRetention")).as("every disk is kept unless the pool says otherwise")
                .isEqualTo(java.util.Map.of("whenScaledDown", "Retain", "whenHealed", "Retain"));
        @SuppressWarnings("unchecked")
        var vm = (java.util.Map<String, Object>) spec.get("vm");
        assertThat(vm.get("rootDisk")).isEqualTo(java.util.Map.of("size", "20Gi", "storageClassName", "fast-ssd",
                "onRollout", "Replace"));
        cluster.client().resource(created).delete();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no image                      | image: quay.io/containerdisks/debian:12 | ~                    | spec.vm.image: Required value
            image with a line break       | image: quay.io/containerdisks/debian:12 | image: "quay.io/containerdisks/debian:12\\nx" | spec.vm.image: Invalid value
            no memory                     | memory: 2Gi                | ~                                 | spec.vm.memory: Required value
            no python                     | python: {version: "3.12", packages: ["gunicorn==23.0.0"]} | ~ | spec.vm.python: Required value
            zero vCPUs                    | cpu: 2                     | cpu: 0                            | spec.vm.cpu: Invalid value
            too many vCPUs                | cpu: 2                     | cpu: 65                           | spec.vm.cpu: Invalid value
            memory not a quantity         | memory: 2Gi                | memory: lots                      | spec.vm.memory: Invalid value
            memory too small              | memory: 2Gi                | memory: 256Mi                     | vm.memory must be at least 512Mi
            Python 2                      | version: "3.12"            | version: "2.7"                    | spec.vm.python.version: Invalid value
            package with a shell command  | "gunicorn==23.0.0"         | "gunicorn; rm -rf /"              | spec.vm.python.packages[0]: Invalid value
            unknown runStrategy           | cpu: 2                     | cpu: 2 ;;; runStrategy: Sometimes | spec.vm.runStrategy: Unsupported value
            cloudInit not cloud-config    | cpu: 2                     | cpu: 2 ;;; cloudInit: "echo hi"   | vm.cloudInit must be a #cloud-config document
            negative replicas             | replicas: 2                | replicas: -1                      | spec.replicas: Invalid value
            too many replicas             | replicas: 2                | replicas: 101                     | spec.replicas: Invalid value
            maxUnavailable with OnDelete  | type: RollingUpdate        | type: OnDelete                    | updateStrategy.maxUnavailable applies only to type RollingUpdate
            maxUnavailable zero           | maxUnavailable: 1          | maxUnavailable: 0                 | updateStrategy.maxUnavailable must be at least 1 VM
            unknown update strategy       | type: RollingUpdate        | type: Recreate                    | spec.updateStrategy.type: Unsupported value
            unknown scale-down policy     | updateStrategy:            | scaleDown: {policy: Random} ;; updateStrategy: | spec.scaleDown.policy: Unsupported value
            failureThreshold zero         | updateStrategy:            | autoHealing: {failureThreshold: 0} ;; updateStrategy: | spec.autoHealing.failureThreshold: Invalid value
            minFailingDuration in words   | updateStrategy:            | autoHealing: {minFailingDuration: five minutes} ;; updateStrategy: | spec.autoHealing.minFailingDuration: Invalid value
            name starting with a digit    | name: vms                  | name: 1vms                        | metadata.name must start with a letter
            root disk size in words       | cpu: 2                     | cpu: 2 ;;; rootDisk: {size: twenty}   | spec.vm.rootDisk.size: Invalid value
            root disk size in GB units    | cpu: 2                     | cpu: 2 ;;; rootDisk: {size: 20GB}     | spec.vm.rootDisk.size: Invalid value
            root disk too small           | cpu: 2                     | cpu: 2 ;;; rootDisk: {size: 512Mi}    | vm.rootDisk.size must be from 1Gi to 64Ti
            root disk without a size      | cpu: 2                     | cpu: 2 ;;; rootDisk: {storageClassName: fast} | spec.vm.rootDisk.size: Required value
            root disk class not a name    | cpu: 2                     | cpu: 2 ;;; rootDisk: {size: 20Gi, storageClassName: Fast_SSD} | spec.vm.rootDisk.storageClassName: Invalid value
            unknown root disk rollout     | cpu: 2                     | cpu: 2 ;;; rootDisk: {size: 20Gi, onRollout: Sometimes} | spec.vm.rootDisk.onRollout: Unsupported value
            data disk too large           | cpu: 2                     | cpu: 2 ;;; dataDisks: [{name: data, size: 100Ti, mountPath: /srv/data}] | a data disk's size must be from 1Gi to 64Ti
            data disk without a size      | cpu: 2                     | cpu: 2 ;;; dataDisks: [{name: data, mountPath: /srv/data}] | spec.vm.dataDisks[0].size: Required value
            data disk named root          | cpu: 2                     | cpu: 2 ;;; dataDisks: [{name: root, size: 1Gi, mountPath: /srv/data}] | a data disk cannot be named root
            two data disks of one name    | cpu: 2                     | cpu: 2 ;;; dataDisks: [{name: data, size: 1Gi, mountPath: /srv/a}, {name: data, size: 1Gi, mountPath: /srv/b}] | two data disks have the same name
            two data disks at one path    | cpu: 2                     | cpu: 2 ;;; dataDisks: [{name: a, size: 1Gi, mountPath: /srv/data}, {name: b, size: 1Gi, mountPath: /srv/data}] | two data disks are mounted at the same path
            data disk at a relative path  | cpu: 2                     | cpu: 2 ;;; dataDisks: [{name: data, size: 1Gi, mountPath: srv/data}] | spec.vm.dataDisks[0].mountPath: Invalid value
            data disk over /etc           | cpu: 2                     | cpu: 2 ;;; dataDisks: [{name: data, size: 1Gi, mountPath: /etc}] | mountPath must not hide a directory the guest or PyFleet needs
            index source without a url    | packages: ["gunicorn==23.0.0"]} | packages: ["gunicorn==23.0.0"], source: Index} | python.indexUrl is where packages come from with source Index
            index url without Index       | packages: ["gunicorn==23.0.0"]} | packages: ["gunicorn==23.0.0"], indexUrl: "https://pypi.example/simple"} | python.indexUrl is where packages come from with source Index
            index url with a shell escape | packages: ["gunicorn==23.0.0"]} | packages: ["gunicorn==23.0.0"], source: Index, indexUrl: "https://x/`id`"} | spec.vm.python.indexUrl: Invalid value
            index url not http            | packages: ["gunicorn==23.0.0"]} | packages: ["gunicorn==23.0.0"], source: Index, indexUrl: "file:///etc"} | spec.vm.python.indexUrl: Invalid value
            unknown python source         | packages: ["gunicorn==23.0.0"]} | packages: ["gunicorn==23.0.0"], source: Conda} | spec.vm.python.source: Unsupported value
            data disk under /usr          | cpu: 2                     | cpu: 2 ;;; dataDisks: [{name: data, size: 1Gi, mountPath: /usr/lib}] | mountPath must not hide a directory the guest or PyFleet needs
            data disk over cloud-init     | cpu: 2                     | cpu: 2 ;;; dataDisks: [{name: data, size: 1Gi, mountPath: /var/lib/cloud}] | mountPath must not hide a directory the guest or PyFleet needs
            data disk name past a serial  | cpu: 2                     | cpu: 2 ;;; dataDisks: [{name: a-twenty-one-letterss, size: 1Gi, mountPath: /srv/data}] | spec.vm.dataDisks[0].name: Too long
            data disk path with ..        | cpu: 2                     | cpu: 2 ;;; dataDisks: [{name: data, size: 1Gi, mountPath: /srv/../etc}] | mountPath must not contain a .. segment
            unknown scale-down retention  | updateStrategy:            | diskRetention: {whenScaledDown: Sometimes} ;; updateStrategy: | spec.diskRetention.whenScaledDown: Unsupported value
            unknown healing retention     | updateStrategy:            | diskRetention: {whenHealed: Delete} ;; updateStrategy: | spec.diskRetention.whenHealed: Unsupported value
            """)
    void invalidPoolIsRejectedWithAMessageThatNamesTheField(String what, String replace, String with,
            String message) {
        // "~" deletes the line; ";;" and ";;;" start a new line at the indentation of spec's and vm's fields.
        String replacement = with.strip().equals("~") ? ""
                : with.strip().replace(" ;;; ", "\n    ").replace(" ;; ", "\n  ");
        String yaml = VALID.replace(replace.strip(), replacement);
        assertThatThrownBy(() -> create(yaml)).as(what)
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains(message);
                });
    }

    private static GenericKubernetesResource create(String yaml) {
        var raw = cluster.client().getKubernetesSerialization().unmarshal(
                "apiVersion: pyfleet.dev/v1alpha1\nkind: VMPool\n" + yaml, GenericKubernetesResource.class);
        return cluster.client().genericKubernetesResources("pyfleet.dev/v1alpha1", "VMPool")
                .inNamespace(cluster.namespace()).resource(raw).create();
    }
}
