package dev.paygate.payment.session.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Session;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoredSessionTest {

    static final Instant T0 = Instant.parse("2024-03-29T05:33:26Z");

    static StoredSession session(String status) {
        return new StoredSession(
                "ps_x",
                "mer_x",
                20000,
                "EUR",
                CustomerDetails.EMPTY,
                T0.plusSeconds(1200),
                null,
                null,
                "EN",
                "4002",
                Map.of(),
                "automatic",
                status,
                "unpaid",
                null,
                3,
                T0,
                T0);
    }

    @Test
    void expiringAnOpenSessionMakesItExpiredAndBumpsItsVersion() {
        StoredSession expired = session(Session.STATUS_OPEN).expire(T0.plusSeconds(60));

        assertThat(expired.status()).isEqualTo("expired");
        assertThat(expired.paymentStatus()).isEqualTo("unpaid");
        assertThat(expired.version()).isEqualTo(4);
        assertThat(expired.updated()).isEqualTo(T0.plusSeconds(60));
        assertThat(expired.toResource().status()).isEqualTo("expired");
        assertThat(expired.toResource().version()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"expired", "completed"})
    void finalSessionsCannotBeExpired(String status) {
        assertThatThrownBy(() -> session(status).expire(T0))
                .isInstanceOf(SessionTransitionRejected.class)
                .hasMessageContaining("is " + status);
    }
}
