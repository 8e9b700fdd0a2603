package dev.paygate.payment.lifecycle.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paygate.contracts.command.CardDetails;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Payment;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every (status, operation) pair: allowed ones reach the right status, the others are refused unchanged. */
class PaymentStateMachineTest {

    static final Instant T0 = Instant.parse("2024-03-29T08:09:17Z");
    static final Instant T1 = T0.plusSeconds(60);
    static final CardDetails CARD = new CardDetails("tok_sim_approve_00", "411111**1111", 12, 2030, "TEST CARDHOLDER");

    static StoredPayment in(String status, String captureMethod) {
        StoredPayment p = StoredPayment.create(
                "p_1",
                "mer_1",
                "PCI_X",
                10000,
                "EUR",
                captureMethod,
                CARD,
                CustomerDetails.EMPTY,
                null,
                null,
                Map.of(),
                null,
                Payment.PaymentMethodOptions.DEFAULT,
                null,
                T0);
        return new StoredPayment(
                p.id(),
                p.merchantId(),
                p.transactionId(),
                p.amount(),
                Payment.REQUIRES_CAPTURE.equals(status) ? p.amount() : 0,
                Payment.SUCCEEDED.equals(status) ? p.amount() : 0,
                0,
                0,
                p.currency(),
                p.captureMethod(),
                status,
                CARD,
                Payment.REQUIRES_CAPTURE.equals(status) || Payment.SUCCEEDED.equals(status) ? "auth_1" : null,
                p.customerDetails(),
                null,
                null,
                Map.of(),
                null,
                p.paymentMethodOptions(),
                null,
                null,
                null,
                null,
                5,
                T0,
                T0);
    }

    /** Applies an operation with a successful bank; returns the resulting status. */
    static String apply(StoredPayment p, PaymentOperation op) {
        return switch (op) {
            case CONFIRM ->
                p.confirming(null)
                        .authorized("auth_2", p.capturesAutomatically(), T1)
                        .status();
            case CAPTURE -> p.captured(p.captureAmount(null), T1).status();
            case CANCEL -> p.canceled("requestedByCustomer", T1).status();
            case REDUCE -> p.reduced(1, T1).status();
            case AUTHORIZE ->
                p.authorized("auth_2", p.capturesAutomatically(), T1).status();
            case COMPLETE_3DS -> {
                p.requireThreeDsPending();
                yield p.authorized("auth_2", p.capturesAutomatically(), T1).status();
            }
        };
    }

    static Stream<Arguments> everyPair() {
        return PaymentStateMachine.STATUSES.stream()
                .flatMap(status -> Stream.of(PaymentOperation.values())
                        .flatMap(op ->
                                Stream.of("manual", "automatic").map(capture -> Arguments.of(status, op, capture))));
    }

    @ParameterizedTest(name = "{0} + {1} ({2})")
    @MethodSource("everyPair")
    void everyStatusAndOperation(String status, PaymentOperation op, String captureMethod) {
        StoredPayment payment = in(status, captureMethod);
        String expected = expected(status, op, captureMethod);

        if (expected == null) {
            assertThatThrownBy(() -> apply(payment, op))
                    .isInstanceOf(PaymentTransitionRejected.class)
                    .hasMessageContaining("is " + status);
        } else {
            assertThat(apply(payment, op)).isEqualTo(expected);
        }
    }

    /** The expected table, written out independently of PaymentStateMachine. */
    static String expected(String status, PaymentOperation op, String captureMethod) {
        String authorized = "automatic".equals(captureMethod) ? Payment.SUCCEEDED : Payment.REQUIRES_CAPTURE;
        return switch (status + "/" + op) {
            case "requiresPaymentMethod/CONFIRM", "requiresConfirmation/CONFIRM", "requiresAction/COMPLETE_3DS" ->
                authorized;
            case "requiresCapture/CAPTURE" -> Payment.SUCCEEDED;
            case "requiresPaymentMethod/CANCEL", "requiresCapture/CANCEL", "requiresAction/CANCEL" -> Payment.CANCELED;
            case "requiresCapture/REDUCE" -> Payment.REQUIRES_CAPTURE;
            // the bank's answer to an authorization, recorded only while one can be under way
            case "requiresPaymentMethod/AUTHORIZE", "requiresConfirmation/AUTHORIZE", "requiresAction/AUTHORIZE" ->
                authorized;
            default -> null;
        };
    }

    @Test
    void cancelReleasesTheReservationAndStampsTheTime() {
        StoredPayment canceled = in(Payment.REQUIRES_CAPTURE, "manual").canceled("duplicate", T1);

        assertThat(canceled.amountCapturable()).isZero();
        assertThat(canceled.amountReceived()).isZero();
        assertThat(canceled.canceledAt()).isEqualTo(T1);
        assertThat(canceled.cancellationReason()).isEqualTo("duplicate");
        assertThat(canceled.version()).isEqualTo(6);
    }

    @Test
    void aPartialCancellationLowersWhatIsReservedOnceAndKeepsTheOriginalAmount() {
        StoredPayment reduced = in(Payment.REQUIRES_CAPTURE, "manual").reduced(995, T1);

        assertThat(reduced.status()).isEqualTo(Payment.REQUIRES_CAPTURE);
        assertThat(reduced.amount()).isEqualTo(10000);
        assertThat(reduced.amountCapturable()).isEqualTo(9005);
        assertThat(reduced.amountCanceled()).isEqualTo(995);
        assertThat(reduced.version()).isEqualTo(6);
        assertThatThrownBy(() -> reduced.reduced(5, T1)).isInstanceOf(StoredPayment.AlreadyReduced.class);
        // after a partial cancellation, capture takes at most what is still reserved, and a full cancel stays allowed
        assertThat(reduced.captured(reduced.captureAmount(null), T1).amountReceived())
                .isEqualTo(9005);
        assertThat(reduced.canceled(null, T1).amountCapturable()).isZero();
    }

    @Test
    void aPartialCancellationMustLeaveSomethingReserved() {
        StoredPayment p = in(Payment.REQUIRES_CAPTURE, "manual");

        assertThatThrownBy(() -> p.reduced(10000, T1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.reduced(0, T1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(p.reduced(9999, T1).amountCapturable()).isEqualTo(1);
    }

    @Test
    void partialCaptureReleasesTheRest() {
        StoredPayment captured = in(Payment.REQUIRES_CAPTURE, "manual").captured(4000, T1);

        assertThat(captured.amountReceived()).isEqualTo(4000);
        assertThat(captured.amountCapturable()).isZero();
        assertThat(captured.amount()).isEqualTo(10000);
    }

    @Test
    void captureAmountMustBeWithinWhatIsCapturable() {
        StoredPayment p = in(Payment.REQUIRES_CAPTURE, "manual");

        assertThatThrownBy(() -> p.captureAmount(10001L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.captureAmount(0L)).isInstanceOf(IllegalArgumentException.class);
        assertThat(p.captureAmount(null)).isEqualTo(10000);
    }

    @Test
    void aDeclineKeepsThePaymentWaitingForAPaymentMethodWithTheReason() {
        StoredPayment declined =
                in(Payment.REQUIRES_CONFIRMATION, "automatic").declined("card_declined", "The card was declined.", T1);

        assertThat(declined.status()).isEqualTo(Payment.REQUIRES_PAYMENT_METHOD);
        assertThat(declined.lastPaymentError().code()).isEqualTo("card_declined");
        assertThat(declined.toResource().lastPaymentError().code()).isEqualTo("card_declined");
    }
}
