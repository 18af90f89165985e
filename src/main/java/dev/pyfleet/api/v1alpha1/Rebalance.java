package dev.pyfleet.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An administrator's request to repack the cluster's PyFleet Pods and VMs: a plan, shown in status before anything
 * moves, and, when asked, carried out a few moves at a time through the Eviction API. Cluster-scoped, as nodes are.
 */
@Group(PythonApp.GROUP)
@Version(PythonApp.VERSION)
@io.fabric8.kubernetes.model.annotation.Kind("Rebalance")
@Plural("rebalances")
@Singular("rebalance")
@ShortNames("rebal")
@Categories("pyfleet")
@AdditionalPrinterColumn(name = "Objective", jsonPath = ".spec.objective", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Action", jsonPath = ".spec.action", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Now", jsonPath = ".status.plan.objectiveNow", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Planned", jsonPath = ".status.plan.objectivePlanned",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.progress", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Rebalance extends CustomResource<RebalanceSpec, RebalanceStatus> {
}
