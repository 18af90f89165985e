package dev.pyfleet.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A pool of identical KubeVirt VirtualMachines with Python installed at first boot. */
@Group(PythonApp.GROUP)
@Version(PythonApp.VERSION)
@Kind("VMPool")
@Plural("vmpools")
@Singular("vmpool")
@ShortNames("vmp")
@Categories("pyfleet")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Image", jsonPath = ".spec.vm.image", type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(value = "size(self.metadata.name) <= 52",
        message = "metadata.name must be at most 52 characters: VM names append an ordinal to it")
@ValidationRule(value = "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
        message = "metadata.name must start with a letter and contain only lowercase letters, digits and '-': "
                + "it names the pool's VMs")
public class VMPool extends CustomResource<VMPoolSpec, VMPoolStatus> implements Namespaced {
}
