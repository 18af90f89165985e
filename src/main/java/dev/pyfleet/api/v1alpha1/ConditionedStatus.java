package dev.pyfleet.api.v1alpha1;

import java.util.List;

import io.fabric8.kubernetes.api.model.Condition;

/** A status record with conditions that can be copied with other conditions. */
public interface ConditionedStatus<S extends ConditionedStatus<S>> {

    List<Condition> conditions();

    S withConditions(List<Condition> conditions);
}
