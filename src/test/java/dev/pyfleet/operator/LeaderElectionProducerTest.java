package dev.pyfleet.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.AuthProviderConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;

/** Which credentials leave the client's token refresher nothing to do, so it is left out. */
class LeaderElectionProducerTest {

    private static ConfigBuilder certificates() {
        return new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:6443")
                .withClientCertData("Y2VydA==").withClientKeyData("a2V5");
    }

    @Test
    void clientCertificatesAloneHaveNoTokenToRefresh() {
        assertThat(LeaderElectionProducer.noTokenToRefresh(certificates().build())).isTrue();
    }

    @Test
    void anyKindOfTokenKeepsTheRefresher() {
        assertThat(LeaderElectionProducer.noTokenToRefresh(certificates().withOauthToken("t").build()))
                .as("a token given").isFalse();
        assertThat(LeaderElectionProducer.noTokenToRefresh(certificates().withAutoOAuthToken("t").build()))
                .as("a token found in the kubeconfig or the service account").isFalse();
        assertThat(LeaderElectionProducer.noTokenToRefresh(certificates().withOauthTokenProvider(() -> "t").build()))
                .as("a token provider").isFalse();
        assertThat(LeaderElectionProducer.noTokenToRefresh(certificates().withAuthProvider(
                new AuthProviderConfigBuilder().withName("oidc").build()).build())).as("an auth provider").isFalse();
        assertThat(LeaderElectionProducer.noTokenToRefresh(certificates().withUsername("u").withPassword("p")
                .build())).as("basic auth").isFalse();
    }
}
