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
