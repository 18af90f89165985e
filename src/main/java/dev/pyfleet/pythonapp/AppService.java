package dev.pyfleet.pythonapp;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.RuntimeSpec;
import dev.pyfleet.app.EffectiveSpec;
import dev.pyfleet.kube.Labels;
import dev.pyfleet.kube.Ownership;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

/**
 * The Service in front of an app: service.port forwards to the Pods' named port "http", or, for an app on a VM pool,
 * to the app's port on the pool's virt-launcher pods (masquerade binding forwards it into the guest).
 */
public final class AppService {

    private AppService() {
    }

    public static Service of(PythonApp app) {
        EffectiveSpec spec = new EffectiveSpec(app.getSpec());
        boolean onPool = spec.runtime() == RuntimeSpec.Type.VMPool;
        return new ServiceBuilder()
                .withMetadata(Ownership.namedAfter(app, Labels.ofApp(app.getMetadata().getName())))
                .withNewSpec()
                .withType(spec.serviceType().name())
                .withSelector(spec.poolName().map(Labels::poolSelector)
                        .orElseGet(() -> Labels.appSelector(app.getMetadata().getName())))
                .addNewPort().withName("http").withProtocol("TCP").withPort(spec.servicePort())
                .withTargetPort(onPool ? new IntOrString(spec.port()) : new IntOrString("http")).endPort()
                .endSpec()
                .build();
    }
}
