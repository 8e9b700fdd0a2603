package dev.paygate.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestHashTest {

    static final RequestHash HASH = new RequestHash("test-key-of-sixteen-chars");

    @Test
    void isTheHexSha256OfTheRequestAndStable() {
        String hash = HASH.of("POST", "/api2/sessions", "{\"amount\": 1}");

        assertThat(hash).matches("[0-9a-f]{64}").isEqualTo(HASH.of("POST", "/api2/sessions", "{\"amount\": 1}"));
    }

    @Test
    void differsWithTheMethodThePathOrAnyByteOfTheBody() {
        String hash = HASH.of("POST", "/api2/sessions", "{\"amount\": 1}");

        assertThat(HASH.of("PUT", "/api2/sessions", "{\"amount\": 1}")).isNotEqualTo(hash);
        assertThat(HASH.of("POST", "/api2/sessions/x/expire", "{\"amount\": 1}"))
                .isNotEqualTo(hash);
        assertThat(HASH.of("POST", "/api2/sessions", "{\"amount\":1}")).isNotEqualTo(hash);
        assertThat(HASH.of("POST", "/api2/sessions", "{\"amount\": 1} ")).isNotEqualTo(hash);
    }

    @Test
    void partsCannotRunTogether() {
        assertThat(HASH.of("POST", "/a", "b")).isNotEqualTo(HASH.of("POST", "/ab", ""));
        assertThat(HASH.of("POS", "T/a", "")).isNotEqualTo(HASH.of("POST", "/a", ""));
    }

    @Test
    void noBodyIsAnEmptyBody() {
        assertThat(HASH.of("POST", "/a", null)).isEqualTo(HASH.of("POST", "/a", ""));
    }

    @Test
    void theDigestIsKeyedSoACardNumberCannotBeGuessedFromIt() {
        String body = "{\"number\": \"4111111111111111\"}";
        assertThat(new RequestHash("another-key-of-sixteen").of("POST", "/a", body))
                .isNotEqualTo(HASH.of("POST", "/a", body));
    }
}
