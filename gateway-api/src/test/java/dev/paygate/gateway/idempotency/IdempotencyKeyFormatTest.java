package dev.paygate.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdempotencyKeyFormatTest {

    @Test
    void aKeyHas1To255Characters() {
        assertThat(IdempotentRequests.isValidKey("k")).isTrue();
        assertThat(IdempotentRequests.isValidKey("k".repeat(255))).isTrue();
        assertThat(IdempotentRequests.isValidKey("k".repeat(256))).isFalse();
        assertThat(IdempotentRequests.isValidKey("")).isFalse();
        assertThat(IdempotentRequests.isValidKey("   ")).isFalse();
    }
}
