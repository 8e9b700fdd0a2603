package dev.paygate.payment.lifecycle.domain;

import static dev.paygate.payment.lifecycle.domain.PaymentStateMachineTest.T1;
import static dev.paygate.payment.lifecycle.domain.PaymentStateMachineTest.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paygate.contracts.resource.Payment;
import org.junit.jupiter.api.Test;

/** The secupay cancel rule, as plain Java (a payment of 10000; "reserved" is what can still be cancelled). */
class TransactionCancelTest {

    @Test
    void aCapturedTransactionIsRefundedWhateverTheAmount() {
        StoredPayment captured = in(Payment.SUCCEEDED, "automatic");
        assertThat(TransactionCancel.decide(captured, null)).isEqualTo(new TransactionCancel.Refund());
        assertThat(TransactionCancel.decide(captured, 500L)).isEqualTo(new TransactionCancel.Refund());
    }

    @Test
    void withoutAnAmountOrWithAllThatIsReservedTheWholeTransactionIsCanceled() {
        StoredPayment authorized = in(Payment.REQUIRES_CAPTURE, "manual");
        assertThat(TransactionCancel.decide(authorized, null)).isEqualTo(new TransactionCancel.CancelWhole(true));
        assertThat(TransactionCancel.decide(authorized, 10000L)).isEqualTo(new TransactionCancel.CancelWhole(true));
        // not authorized yet: nothing to release at the bank
        StoredPayment waiting = in(Payment.REQUIRES_PAYMENT_METHOD, "manual");
        assertThat(TransactionCancel.decide(waiting, null)).isEqualTo(new TransactionCancel.CancelWhole(false));
        assertThat(TransactionCancel.decide(waiting, 10000L)).isEqualTo(new TransactionCancel.CancelWhole(false));
    }

    @Test
    void moreThanIsReservedIsRefused() {
        assertThat(TransactionCancel.decide(in(Payment.REQUIRES_CAPTURE, "manual"), 10001L))
                .isEqualTo(new TransactionCancel.ExceedsReserved(10000));
        StoredPayment lowered = in(Payment.REQUIRES_CAPTURE, "manual").reduced(4000, T1);
        assertThat(TransactionCancel.decide(lowered, 6001L)).isEqualTo(new TransactionCancel.ExceedsReserved(6000));
        // what is left of a lowered transaction can still be canceled whole
        assertThat(TransactionCancel.decide(lowered, 6000L)).isEqualTo(new TransactionCancel.CancelWhole(true));
    }

    @Test
    void lessIsALoweringOnceOnly() {
        StoredPayment authorized = in(Payment.REQUIRES_CAPTURE, "manual");
        assertThat(TransactionCancel.decide(authorized, 4000L)).isEqualTo(new TransactionCancel.Reduce(4000));
        StoredPayment lowered = authorized.reduced(4000, T1);
        assertThat(TransactionCancel.decide(lowered, 1000L))
                .isInstanceOfSatisfying(
                        TransactionCancel.AlreadyReduced.class,
                        refused -> assertThat(refused.detail()).contains("can be lowered only once"));
    }

    @Test
    void aTransactionThatCanBeNeitherCanceledNorRefundedIsRejected() {
        for (String status : new String[] {Payment.CANCELED, Payment.PROCESSING, Payment.REQUIRES_CONFIRMATION}) {
            assertThatThrownBy(() -> TransactionCancel.decide(in(status, "manual"), null))
                    .isInstanceOf(PaymentTransitionRejected.class)
                    .hasMessageContaining("is " + status);
        }
    }
}
