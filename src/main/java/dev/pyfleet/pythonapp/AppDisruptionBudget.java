package dev.pyfleet.pythonapp;

import dev.pyfleet.api.v1alpha1.DisruptionBudgetSpec;
import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.app.EffectiveSpec;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.kube.Ownership;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/**
 * The PodDisruptionBudget of an app. Without an explicit budget an app of two or more replicas keeps one Pod
 * through voluntary disruptions; a single Pod gets no budget, which would otherwise block every node drain.
 */
public final class AppDisruptionBudget {

    private AppDisruptionBudget() {
    }

    public static boolean wanted(PythonApp app) {
        return app.getSpec().disruptionBudget() != null || new EffectiveSpec(app.getSpec()).replicas() > 1;
    }

    public static PodDisruptionBudget of(PythonApp app) {
        DisruptionBudgetSpec budget = app.getSpec().disruptionBudget();
        IntOrString maxUnavailable = budget == null ? null : budget.maxUnavailable();
        IntOrString minAvailable = maxUnavailable != null ? null
                : budget != null && budget.minAvailable() != null ? budget.minAvailable() : new IntOrString(1);
        return new PodDisruptionBudgetBuilder()
                .withMetadata(Ownership.namedAfter(app, Labels.ofApp(app.getMetadata().getName())))
                .withNewSpec()
                .withNewSelector().withMatchLabels(Labels.appSelector(app.getMetadata().getName())).endSelector()
                .withMinAvailable(minAvailable)
                .withMaxUnavailable(maxUnavailable)
                .endSpec()
                .build();
    }
}
