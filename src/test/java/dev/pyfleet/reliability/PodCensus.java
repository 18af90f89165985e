package dev.pyfleet.reliability;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Watches a namespace's Pods and keeps, per app, the most Pods (terminating ones included) it ever saw at once. While
 * its watch is open it delivers every change in order, so the peak is taken over every state the API server went
 * through; when the API server itself goes away, the states until the informer has listed again are not seen.
 */
final class PodCensus implements AutoCloseable {

    private final Map<String, String> appOfPod = new HashMap<>();
    private final Map<String, Integer> peaks = new ConcurrentHashMap<>();
    private final SharedIndexInformer<Pod> informer;

    PodCensus(KubernetesClient client, String namespace) {
        informer = client.pods().inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                seen(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod pod) {
                seen(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                synchronized (appOfPod) {
                    appOfPod.remove(pod.getMetadata().getName());
                }
            }
        });
    }

    private void seen(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String app = labels == null ? null : labels.get("pyfleet.dev/app");
        if (app == null) {
            return;
        }
        synchronized (appOfPod) {
            appOfPod.put(pod.getMetadata().getName(), app);
            int count = (int) appOfPod.values().stream().filter(app::equals).count();
            peaks.merge(app, count, Math::max);
        }
    }

    /** The most Pods each app had at any moment seen so far. */
    Map<String, Integer> peaks() {
        return Map.copyOf(peaks);
    }

    @Override
    public void close() {
        informer.close();
    }
}
