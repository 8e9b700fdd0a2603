package dev.paygate.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestHashTest {

    @Test
    void isTheHexSha256OfTheRequestAndStable() {
        String hash = RequestHash.of("POST", "/api2/sessions", "{\"amount\": 1}");

        assertThat(hash).matches("[0-9a-f]{64}").isEqualTo(RequestHash.of("POST", "/api2/sessions", "{\"amount\": 1}"));
    }

    @Test
    void differsWithTheMethodThePathOrAnyByteOfTheBody() {
        String hash = RequestHash.of("POST", "/api2/sessions", "{\"amount\": 1}");

        assertThat(RequestHash.of("PUT", "/api2/sessions", "{\"amount\": 1}")).isNotEqualTo(hash);
        assertThat(RequestHash.of("POST", "/api2/sessions/x/expire", "{\"amount\": 1}")).isNotEqualTo(hash);
        assertThat(RequestHash.of("POST", "/api2/sessions", "{\"amount\":1}")).isNotEqualTo(hash);
        assertThat(RequestHash.of("POST", "/api2/sessions", "{\"amount\": 1} ")).isNotEqualTo(hash);
    }

    @Test
    void partsCannotRunTogether() {
        assertThat(RequestHash.of("POST", "/a", "b")).isNotEqualTo(RequestHash.of("POST", "/ab", ""));
        assertThat(RequestHash.of("POS", "T/a", "")).isNotEqualTo(RequestHash.of("POST", "/a", ""));
    }

    @Test
    void noBodyIsAnEmptyBody() {
        assertThat(RequestHash.of("POST", "/a", null)).isEqualTo(RequestHash.of("POST", "/a", ""));
    }
}
