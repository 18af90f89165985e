package dev.pyfleet.pythonapp;

import dev.pyfleet.api.v1alpha1.PythonApp;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/** The Service in front of an app's Pods: service.port forwards to the Pods' named port "http". */
public final class AppService {

    private AppService() {
    }

    public static Service of(PythonApp app) {
        EffectiveSpec spec = new EffectiveSpec(app.getSpec());
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(app.getMetadata().getName())
                .withNamespace(app.getMetadata().getNamespace())
                .withLabels(AppLabels.of(app))
                .endMetadata()
                .withNewSpec()
                .withType(spec.serviceType().name())
                .withSelector(AppLabels.selector(app))
                .addNewPort().withName("http").withProtocol("TCP").withPort(spec.servicePort())
                .withTargetPort(new IntOrString("http")).endPort()
                .endSpec()
                .build();
    }
}
