package dev.pyfleet.pythonapp;

import dev.pyfleet.api.v1alpha1.PythonApp;
import dev.pyfleet.api.v1alpha1.RuntimeSpec;
import dev.pyfleet.vmpool.PoolLabels;
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
                .withMetadata(AppLabels.ownedMetadata(app))
                .withNewSpec()
                .withType(spec.serviceType().name())
                .withSelector(onPool ? PoolLabels.selector(app.getSpec().runtime().poolRef().name())
                        : AppLabels.selector(app))
                .addNewPort().withName("http").withProtocol("TCP").withPort(spec.servicePort())
                .withTargetPort(onPool ? new IntOrString(spec.port()) : new IntOrString("http")).endPort()
                .endSpec()
                .build();
    }
}
