package dev.pyfleet.operator;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Operator-wide settings ({@code pyfleet.*} in application.properties, or PYFLEET_* environment variables). */
@ConfigMapping(prefix = "pyfleet")
public interface OperatorSettings {

    Scheduler scheduler();

    ApiServer apiServer();

    LeaderElection leaderElection();

    interface LeaderElection {
        /** Run the controllers on one replica at a time, elected with a Lease; the extender answers on all. */
        @WithDefault("false")
        boolean enabled();

        @WithDefault("pyfleet-operator")
        String leaseName();

        /** Namespace of the Lease; the chart passes the operator's own. Empty: the client's namespace. */
        Optional<String> leaseNamespace();
    }

    interface ApiServer {
        /** How long the operator waits at startup for the API server before it exits with status 3. */
        @WithDefault("30s")
        Duration startupTimeout();
    }

    interface Scheduler {
        /** Whether Pods and VMs name PyFleet's scheduler; when false they use the cluster's default scheduler. */
        @WithDefault("true")
        boolean enabled();

        /** The schedulerName of PyFleet's kube-scheduler profile. */
        @WithDefault("pyfleet-scheduler")
        String name();
    }

    /** The schedulerName to put on Pods and VM templates. */
    default String schedulerName() {
        return scheduler().enabled() ? scheduler().name() : "default-scheduler";
    }
}
