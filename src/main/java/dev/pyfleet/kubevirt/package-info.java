/**
 * PyFleet's typed model of the KubeVirt objects it writes and reads ({@code kubevirt.io/v1}, and CDI's
 * {@code cdi.kubevirt.io/v1beta1} DataVolume): only the fields the operator uses. Fields it does not know are kept in
 * each object's {@code unknown} map, so nothing read from the cluster is lost when an object passes through this
 * model.
 */
package dev.pyfleet.kubevirt;
