package dev.paygate.payment.lifecycle.domain;

import dev.paygate.contracts.command.CardDetails;
import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Payment;
import java.time.Instant;
import java.util.Map;

/**
 * A payment as payment-service keeps it. Pure state and its transitions; each transition checks the state
 * machine, bumps the version and returns the new state. No I/O: the bank is asked by the caller, which
 * passes its answer in.
 *
 * @param amountCanceled  what a partial cancellation (secupay {@code reduce_amount_by}) released of the authorization
 * @param card            the tokenized card, or null
 * @param authorizationId the bank's authorization, once authorized
 */
public record StoredPayment(
        String id,
        String merchantId,
        String transactionId,
        long amount,
        long amountCapturable,
        long amountReceived,
        long amountRefunded,
        long amountCanceled,
        String currency,
        String captureMethod,
        String status,
        CardDetails card,
        String authorizationId,
        CustomerDetails customerDetails,
        String description,
        String merchantCustomerId,
        Map<String, String> metadata,
        String returnUrl,
        Payment.PaymentMethodOptions paymentMethodOptions,
        Payment.SetupFutureUsage setupFutureUsage,
        String cancellationReason,
        Instant canceledAt,
        Payment.PaymentError lastPaymentError,
        long version,
        Instant created,
        Instant updated) {

    public static final String AUTOMATIC = "automatic";

    /** A new payment: waiting for a card, or for confirmation when it has one. */
    public static StoredPayment create(
            String id,
            String merchantId,
            String transactionId,
            long amount,
            String currency,
            String captureMethod,
            CardDetails card,
            CustomerDetails customerDetails,
            String description,
            String merchantCustomerId,
            Map<String, String> metadata,
            String returnUrl,
            Payment.PaymentMethodOptions options,
            Payment.SetupFutureUsage setupFutureUsage,
            Instant now) {
        return new StoredPayment(
                id,
                merchantId,
                transactionId,
                amount,
                0,
                0,
                0,
                0,
                currency,
                captureMethod,
                card == null ? Payment.REQUIRES_PAYMENT_METHOD : Payment.REQUIRES_CONFIRMATION,
                card,
                null,
                customerDetails,
                description,
                merchantCustomerId,
                metadata,
                returnUrl,
                options,
                setupFutureUsage,
                null,
                null,
                null,
                1,
                now,
                now);
    }

    public boolean capturesAutomatically() {
        return AUTOMATIC.equals(captureMethod);
    }

    /** Checks that a confirmation may start, with {@code newCard} replacing the stored card if given. */
    public StoredPayment confirming(CardDetails newCard) {
        PaymentStateMachine.require(id, status, PaymentOperation.CONFIRM);
        return newCard == null
                ? this
                : with(
                        status,
                        newCard,
                        authorizationId,
                        amountCapturable,
                        amountReceived,
                        cancellationReason,
                        canceledAt,
                        lastPaymentError,
                        updated,
                        version);
    }

    /** The bank reserved the amount: manual capture waits for capture; automatic capture was taken at once. */
    public StoredPayment authorized(String authorization, boolean captured, Instant now) {
        requireAuthorizable();
        return captured
                ? with(Payment.SUCCEEDED, card, authorization, 0, amount, null, null, null, now, version + 1)
                : with(Payment.REQUIRES_CAPTURE, card, authorization, amount, 0, null, null, null, now, version + 1);
    }

    /** The bank refused the card: back to waiting for a payment method, with the reason. */
    public StoredPayment declined(String code, String message, Instant now) {
        requireAuthorizable();
        return with(
                Payment.REQUIRES_PAYMENT_METHOD,
                card,
                null,
                0,
                0,
                null,
                null,
                new Payment.PaymentError(code, message),
                now,
                version + 1);
    }

    /** The bank wants 3-D Secure first. */
    public StoredPayment requiresAction(Instant now) {
        requireAuthorizable();
        return with(Payment.REQUIRES_ACTION, card, null, 0, 0, null, null, null, now, version + 1);
    }

    /** Checks that 3-D Secure may be completed now. */
    public void requireThreeDsPending() {
        PaymentStateMachine.require(id, status, PaymentOperation.COMPLETE_3DS);
    }

    /**
     * Checks a capture of {@code requested} (null = all that is capturable); emits the amount to take.
     *
     * @throws IllegalArgumentException when the amount is not within 1 … amountCapturable
     */
    public long captureAmount(Long requested) {
        PaymentStateMachine.require(id, status, PaymentOperation.CAPTURE);
        long amountToCapture = requested == null ? amountCapturable : requested;
        if (amountToCapture <= 0 || amountToCapture > amountCapturable) {
            throw new IllegalArgumentException("amountToCapture must be from 1 to " + amountCapturable + ".");
        }
        return amountToCapture;
    }

    /** Captured: the amount is received, the rest of the authorization released. */
    public StoredPayment captured(long amountToCapture, Instant now) {
        captureAmount(amountToCapture);
        return with(Payment.SUCCEEDED, card, authorizationId, 0, amountToCapture, null, null, null, now, version + 1);
    }

    /** Checks that a cancellation is allowed. */
    public void requireCancelable() {
        PaymentStateMachine.require(id, status, PaymentOperation.CANCEL);
    }

    /** Whether cancelling must release an authorization at the bank first. */
    public boolean holdsAuthorization() {
        return Payment.REQUIRES_CAPTURE.equals(status) && authorizationId != null;
    }

    /** Canceled: whatever was reserved is released. */
    public StoredPayment canceled(String reason, Instant now) {
        requireCancelable();
        return with(
                Payment.CANCELED,
                card,
                authorizationId,
                0,
                amountReceived,
                reason,
                now,
                lastPaymentError,
                now,
                version + 1);
    }

    /** Whether the authorization was lowered already: a card transaction can be lowered exactly once (secupay). */
    public boolean wasReduced() {
        return amountCanceled > 0;
    }

    /**
     * Partial cancellation: {@code by} of the authorization is released, the rest stays reserved for capture; the
     * status stays {@code requiresCapture} (docs/secupay.md: the card transaction stays authorized).
     *
     * @throws PaymentTransitionRejected unless the payment is authorized and was never lowered before
     * @throws IllegalArgumentException  unless {@code by} is from 1 to one less than what is reserved
     */
    public StoredPayment reduced(long by, Instant now) {
        requireReducible(by);
        return new StoredPayment(
                id,
                merchantId,
                transactionId,
                amount,
                amountCapturable - by,
                amountReceived,
                amountRefunded,
                amountCanceled + by,
                currency,
                captureMethod,
                status,
                card,
                authorizationId,
                customerDetails,
                description,
                merchantCustomerId,
                metadata,
                returnUrl,
                paymentMethodOptions,
                setupFutureUsage,
                cancellationReason,
                canceledAt,
                lastPaymentError,
                version + 1,
                created,
                now);
    }

    /** Checks {@link #reduced}'s rules without changing anything. */
    public void requireReducible(long by) {
        PaymentStateMachine.require(id, status, PaymentOperation.REDUCE);
        if (wasReduced()) {
            throw new AlreadyReduced(id, amountCanceled);
        }
        if (by <= 0 || by >= amountCapturable) {
            throw new IllegalArgumentException("A partial cancellation must be from 1 to " + (amountCapturable - 1)
                    + "; " + amountCapturable + " cancels the transaction in full.");
        }
    }

    /** A second partial cancellation of one card transaction (secupay allows exactly one; docs/secupay.md). */
    public static final class AlreadyReduced extends RuntimeException {
        public AlreadyReduced(String paymentId, long by) {
            super("Transaction of payment " + paymentId + " was lowered by " + by
                    + " already; a card transaction can be lowered only once. Cancel it in full instead.");
        }
    }

    /** The refunded total moved by {@code delta} (a refund succeeded, or a succeeded one was reversed). */
    public StoredPayment refunded(long delta, Instant now) {
        long total = amountRefunded + delta;
        if (total < 0 || total > amountReceived) {
            throw new IllegalStateException(
                    "payment " + id + " would have refunded " + total + " of " + amountReceived);
        }
        return new StoredPayment(
                id,
                merchantId,
                transactionId,
                amount,
                amountCapturable,
                amountReceived,
                total,
                amountCanceled,
                currency,
                captureMethod,
                status,
                card,
                authorizationId,
                customerDetails,
                description,
                merchantCustomerId,
                metadata,
                returnUrl,
                paymentMethodOptions,
                setupFutureUsage,
                cancellationReason,
                canceledAt,
                lastPaymentError,
                version + 1,
                created,
                now);
    }

    private void requireAuthorizable() {
        if (!PaymentStateMachine.allows(status, PaymentOperation.AUTHORIZE)) {
            // reported as the operation the merchant asked for
            throw new PaymentTransitionRejected(id, status, PaymentOperation.CONFIRM);
        }
    }

    private StoredPayment with(
            String newStatus,
            CardDetails newCard,
            String authorization,
            long capturable,
            long received,
            String reason,
            Instant canceled,
            Payment.PaymentError error,
            Instant now,
            long newVersion) {
        return new StoredPayment(
                id,
                merchantId,
                transactionId,
                amount,
                capturable,
                received,
                amountRefunded,
                amountCanceled,
                currency,
                captureMethod,
                newStatus,
                newCard,
                authorization,
                customerDetails,
                description,
                merchantCustomerId,
                metadata,
                returnUrl,
                paymentMethodOptions,
                setupFutureUsage,
                reason,
                canceled,
                error,
                newVersion,
                created,
                now);
    }

    public Payment toResource() {
        Payment.PaymentMethod method = card == null
                ? null
                : new Payment.PaymentMethod(
                        new Payment.Card(card.expiryMonth(), card.expiryYear(), card.holderName(), card.maskedNumber()),
                        "card");
        return new Payment(
                id,
                amount,
                amountCapturable,
                amountReceived,
                canceledAt,
                captureMethod,
                created,
                currency,
                customerDetails,
                description,
                merchantCustomerId,
                metadata,
                method,
                paymentMethodOptions,
                returnUrl,
                setupFutureUsage,
                status,
                amountRefunded,
                cancellationReason,
                transactionId,
                lastPaymentError,
                version);
    }
}
