package dev.pyfleet.pythonapp;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.app.EffectiveSpec;
import dev.pyfleet.kube.Labels;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

@KubernetesDependent(informer = @Informer(labelSelector = Labels.ALL_MANAGED))
public class AppServiceDependent extends CRUDKubernetesDependentResource<Service, PythonApp> {

    public AppServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(PythonApp app, Context<PythonApp> context) {
        return AppService.of(app);
    }

    /** service.enabled; when it turns false the workflow deletes the Service. */
    public static class Wanted implements Condition<Service, PythonApp> {
        @Override
        public boolean isMet(DependentResource<Service, PythonApp> dependent, PythonApp app,
                Context<PythonApp> context) {
            return new EffectiveSpec(app.getSpec()).serviceEnabled();
        }
    }
}
