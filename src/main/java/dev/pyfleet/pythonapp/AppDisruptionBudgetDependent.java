package dev.pyfleet.pythonapp;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.RuntimeSpec;
import dev.pyfleet.app.EffectiveSpec;
import dev.pyfleet.kube.Labels;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.ALL_MANAGED))
public class AppDisruptionBudgetDependent extends CRUDKubernetesDependentResource<PodDisruptionBudget, PythonApp> {

    public AppDisruptionBudgetDependent() {
        super(PodDisruptionBudget.class);
    }

    @Override
    protected PodDisruptionBudget desired(PythonApp app, Context<PythonApp> context) {
        return AppDisruptionBudget.of(app);
    }

    public static class Wanted implements Condition<PodDisruptionBudget, PythonApp> {
        @Override
        public boolean isMet(DependentResource<PodDisruptionBudget, PythonApp> dependent, PythonApp app,
                Context<PythonApp> context) {
            return new EffectiveSpec(app.getSpec()).runtime() == RuntimeSpec.Type.Pods
                    && AppDisruptionBudget.wanted(app);
        }
    }
}
