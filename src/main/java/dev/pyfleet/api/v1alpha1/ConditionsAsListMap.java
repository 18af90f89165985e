package dev.pyfleet.api.v1alpha1;

import java.util.List;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;

/**
 * Declares {@code status.conditions} of PyFleet's CRDs a list-map keyed by {@code type}, as Kubernetes' own
 * conditions are: each type appears once, server-side apply merges them by type, and kstatus and kubectl read them as
 * such. The CRD generator's annotations cannot say this, so it is added when the CRDs are generated (build time
 * only; configured in application.properties).
 */
public class ConditionsAsListMap implements CRDPostProcessor {

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (crd instanceof CustomResourceDefinition definition) {
            definition.getSpec().getVersions().forEach(version -> {
                JSONSchemaProps status = version.getSchema().getOpenAPIV3Schema().getProperties().get("status");
                JSONSchemaProps conditions = status == null ? null : status.getProperties().get("conditions");
                if (conditions != null) {
                    conditions.setXKubernetesListType("map");
                    conditions.setXKubernetesListMapKeys(List.of("type"));
                    conditions.getItems().getSchema().setRequired(List.of("status", "type"));
                }
            });
        }
        return crd;
    }
}
