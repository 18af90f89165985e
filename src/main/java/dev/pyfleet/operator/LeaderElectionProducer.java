package dev.pyfleet.operator;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/**
 * Hands the SDK a leader-election configuration when {@code pyfleet.leader-election.enabled} is set; none
 * otherwise, so a single local operator needs no Lease.
 */
public class LeaderElectionProducer {

    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(OperatorSettings settings) {
        OperatorSettings.LeaderElection election = settings.leaderElection();
        if (!election.enabled()) {
            return null;
        }
        return new LeaderElectionConfiguration(election.leaseName(), election.leaseNamespace().orElse(null),
                election.leaseDuration(), election.renewDeadline(), election.retryPeriod(),
                election.identity().orElse(null), null, true);
    }
}
