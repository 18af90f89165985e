/**
 * The {@code pyfleet.dev/v1alpha1} API: the contract users write manifests against. The CRDs in {@code crds/} are
 * generated from these classes; descriptions, bounds and CEL rules live here, next to the fields they guard.
 */
package dev.pyfleet.api.v1alpha1;
