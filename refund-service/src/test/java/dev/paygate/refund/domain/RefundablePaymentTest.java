package dev.paygate.refund.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The refund limit, as plain Java. */
class RefundablePaymentTest {

    static RefundablePayment payment(String status, long received, long reserved) {
        return new RefundablePayment("p_1", "mer_1", "EUR", status, received, reserved, "411111**1111", 3);
    }

    @Test
    void onlyASucceededPaymentIsRefunded() {
        for (String status : new String[] {"requires_capture", "canceled", "requires_payment_method", "processing"}) {
            assertThat(payment(status, 1000, 0).refund(100L)).isEqualTo(new RefundDecision.NotRefundable(status));
        }
        assertThat(payment("succeeded", 1000, 0).refund(100L)).isEqualTo(new RefundDecision.Reserve(100));
    }

    @Test
    void atMostWhatIsLeftAtLeastOne() {
        RefundablePayment p = payment("succeeded", 1000, 300);
        assertThat(p.refund(700L)).isEqualTo(new RefundDecision.Reserve(700));
        assertThat(p.refund(701L)).isEqualTo(new RefundDecision.ExceedsRefundable(700));
        assertThat(p.refund(1L)).isEqualTo(new RefundDecision.Reserve(1));
        assertThat(p.refund(0L)).isEqualTo(new RefundDecision.ExceedsRefundable(700));
        assertThat(p.refund(-5L)).isEqualTo(new RefundDecision.ExceedsRefundable(700));
    }

    @Test
    void withoutAnAmountAllThatIsLeftAndNothingWhenNothingIs() {
        assertThat(payment("succeeded", 1000, 300).refund(null)).isEqualTo(new RefundDecision.Reserve(700));
        assertThat(payment("succeeded", 1000, 1000).refund(null)).isEqualTo(new RefundDecision.ExceedsRefundable(0));
        assertThat(payment("succeeded", 0, 0).refund(null)).isEqualTo(new RefundDecision.ExceedsRefundable(0));
    }

    @Test
    void refundsDecidedOneAfterAnotherNeverExceedWhatWasReceived() {
        Random random = new Random(17);
        for (int run = 0; run < 200; run++) {
            long received = 1 + random.nextInt(10_000);
            RefundablePayment p = payment("succeeded", received, 0);
            long granted = 0;
            for (int i = 0; i < 30; i++) {
                Long asked = random.nextInt(5) == 0 ? null : (long) (1 + random.nextInt((int) received));
                if (p.refund(asked) instanceof RefundDecision.Reserve reserve) {
                    granted += reserve.amount();
                    p = p.reserving(reserve.amount());
                }
                assertThat(granted).isLessThanOrEqualTo(received).isEqualTo(p.refundReserved());
            }
        }
    }
}
