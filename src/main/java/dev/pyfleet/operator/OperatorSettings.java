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

    Log log();

    Metrics metrics();

    Rebalance rebalance();

    interface Rebalance {
        /**
         * What the rebalance solver may hold, in MiB, beyond the JVM's heap: it stops there with the best plan
         * found. Keep it inside the operator's memory limit less its heap.
         */
        @WithDefault("256")
        int solverMemoryMib();
    }

    interface Metrics {
        /** The SDK's reconcile meters per PythonApp and VMPool too, not only per controller: costly at scale. */
        @WithDefault("false")
        boolean perResource();
    }

    interface Log {
        enum Format { text, json }

        /** text: one human-readable line per record; json: one JSON object per line. */
        @WithDefault("text")
        Format format();
    }

    interface LeaderElection {
        /** Run the controllers on one replica at a time, elected with a Lease; the extender answers on all. */
        @WithDefault("false")
        boolean enabled();

        @WithDefault("pyfleet-operator")
        String leaseName();

        /** Namespace of the Lease; the chart passes the operator's own. Empty: the client's namespace. */
        Optional<String> leaseNamespace();

        /** How long a leader's Lease holds after its last renewal; a standby takes over once it has run out. */
        @WithDefault("15s")
        Duration leaseDuration();

        /** How long the leader keeps trying to renew before it gives up leading (and exits). */
        @WithDefault("10s")
        Duration renewDeadline();

        /** How often a standby tries to acquire the Lease, and the leader to renew it. */
        @WithDefault("2s")
        Duration retryPeriod();

        /** This replica's name in the Lease; the chart passes the Pod's name. Empty: the host name. */
        Optional<String> identity();
    }

    interface ApiServer {
        /** How long the operator waits at startup for the API server before it exits with status 3. */
        @WithDefault("30s")
        Duration startupTimeout();

        /**
         * Requests per second the operator sends the API server at most, as client-go's QPS (watches, the leader
         * Lease and the extender's reads of single Pods are not counted). 0, the default: no limit.
         */
        @WithDefault("0")
        double qps();

        /** Requests allowed at once above {@link #qps()} after a quiet spell. 0: twice the qps. */
        @WithDefault("0")
        int burst();
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
