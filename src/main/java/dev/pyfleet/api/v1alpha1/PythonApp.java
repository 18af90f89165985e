package dev.pyfleet.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A Python web app or worker, run as Pods the operator owns or on the VMs of a {@link VMPool}. */
@Group(PythonApp.GROUP)
@Version(PythonApp.VERSION)
@ShortNames("pyapp")
@Categories("pyfleet")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Runtime", jsonPath = ".spec.runtime.type", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.STRING)
@ValidationRule(value = "!has(self.spec.dependsOn) || !(self.metadata.name in self.spec.dependsOn)",
        message = "spec.dependsOn must not name the app itself", fieldPath = ".spec.dependsOn")
@ValidationRule(value = "size(self.metadata.name) <= 48",
        message = "metadata.name must be at most 48 characters: Pod names add a revision and an ordinal to it")
@ValidationRule(value = "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
        message = "metadata.name must start with a letter and contain only lowercase letters, digits and '-': "
                + "it also names the app's Service")
public class PythonApp extends CustomResource<PythonAppSpec, PythonAppStatus> implements Namespaced {

    public static final String GROUP = "pyfleet.dev";
    public static final String VERSION = "v1alpha1";
}
