package dev.paygate.refund.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoredRefundTest {

    static final Instant T0 = Instant.parse("2024-03-31T23:52:06Z");

    static StoredRefund pending() {
        return StoredRefund.pending("re_1", "p_1", "mer_1", 70000, "EUR", null, Map.of(), null, T0);
    }

    @Test
    void pendingThenSucceeded() {
        StoredRefund done = pending().succeeded("ref", T0.plusSeconds(1));
        assertThat(done.status()).isEqualTo("succeeded");
        assertThat(done.version()).isEqualTo(2);
        assertThat(done.reservesAmount()).isTrue();
        assertThat(done.toResource().amount()).isEqualTo(70000);
    }

    @Test
    void pendingThenFailedGivesTheAmountBack() {
        StoredRefund failed = pending().failed("ref", "declined", T0.plusSeconds(1));
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.failureReason()).isEqualTo("declined");
        assertThat(failed.reservesAmount()).isFalse();
    }

    @Test
    void aSucceededRefundCanBeReversedButNotSucceedAgain() {
        StoredRefund succeeded = pending().succeeded("ref", T0);
        assertThat(succeeded.failed("ref", "reversed by the bank", T0).status()).isEqualTo("failed");
        assertThatThrownBy(() -> succeeded.succeeded("ref", T0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> succeeded.stillPending("ref", T0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailedRefundIsFinal() {
        StoredRefund failed = pending().failed("ref", "x", T0);
        assertThatThrownBy(() -> failed.failed("ref", "x", T0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> failed.succeeded("ref", T0)).isInstanceOf(IllegalStateException.class);
    }
}
