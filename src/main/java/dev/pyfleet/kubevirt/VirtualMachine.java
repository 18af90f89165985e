package dev.pyfleet.kubevirt;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** A KubeVirt VirtualMachine: a stateful VM whose instances KubeVirt starts and stops per runStrategy. */
@Group("kubevirt.io")
@Version("v1")
@Kind("VirtualMachine")
@Plural("virtualmachines")
public class VirtualMachine extends CustomResource<VirtualMachineSpec, VirtualMachineStatus> implements Namespaced {

    public static final String CRD_NAME = "virtualmachines.kubevirt.io";
}
