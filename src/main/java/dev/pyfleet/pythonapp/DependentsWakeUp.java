package dev.pyfleet.pythonapp;

import java.util.Set;
import java.util.function.Function;

import dev.pyfleet.api.v1alpha1.PythonApp;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.EventHandler;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;

/**
 * Wakes the apps that depend on an app whenever that app changes (its Ready condition, or it appears or goes). The
 * SDK tells this of every change of a PythonApp as its primary cache stores it, so no second cache of PythonApps is
 * needed: the woken apps read their dependencies from the primary cache, which already holds the change.
 */
final class DependentsWakeUp extends AbstractEventSource<Void, PythonApp> implements ResourceEventAware<PythonApp> {

    private final Function<PythonApp, Set<ResourceID>> dependentsOf;

    /** @param dependentsOf the apps that name the given one in their dependsOn */
    DependentsWakeUp(Function<PythonApp, Set<ResourceID>> dependentsOf) {
        super(Void.class, "dependents");
        this.dependentsOf = dependentsOf;
    }

    @Override
    public void onResourceCreated(PythonApp app) {
        wakeDependentsOf(app);
    }

    @Override
    public void onResourceUpdated(PythonApp app, PythonApp before) {
        wakeDependentsOf(app);
    }

    @Override
    public void onResourceDeleted(PythonApp app) {
        wakeDependentsOf(app);
    }

    @Override
    public Set<Void> getSecondaryResources(PythonApp primary) {
        return Set.of();
    }

    private void wakeDependentsOf(PythonApp app) {
        EventHandler handler = getEventHandler();
        if (handler == null || !isRunning()) {
            return;
        }
        dependentsOf.apply(app).forEach(dependent -> handler.handleEvent(new Event(dependent)));
    }
}
