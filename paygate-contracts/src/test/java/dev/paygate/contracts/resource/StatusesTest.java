package dev.paygate.contracts.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatusesTest {

    @Test
    void everyPaymentStatusHasItsWireNameAndBack() {
        assertThat(PaymentStatus.wireNames())
                .containsExactly(
                        "requiresPaymentMethod",
                        "requiresConfirmation",
                        "requiresAction",
                        "processing",
                        "requiresCapture",
                        "succeeded",
                        "canceled");
        for (PaymentStatus status : PaymentStatus.values()) {
            assertThat(PaymentStatus.fromWire(status.wireName())).isSameAs(status);
        }
        assertThatThrownBy(() -> PaymentStatus.fromWire("SUCCEEDED")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyRefundStatusHasItsWireNameAndBack() {
        assertThat(RefundStatus.wireNames()).containsExactly("pending", "succeeded", "failed");
        for (RefundStatus status : RefundStatus.values()) {
            assertThat(RefundStatus.fromWire(status.wireName())).isSameAs(status);
        }
        assertThatThrownBy(() -> RefundStatus.fromWire("canceled")).isInstanceOf(IllegalArgumentException.class);
    }
}
