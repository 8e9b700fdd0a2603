package dev.paygate.refund.domain;

import dev.paygate.contracts.resource.Payment;

/**
 * What refund-service knows of a payment: enough to decide a refund and to ask the bank — and the refund limit.
 *
 * <p><b>The refund limit</b> ({@link #refund}): only a succeeded payment is refunded; a refund takes at least 1 and
 * at most what is left of {@code amountReceived} once the pending and succeeded refunds are counted
 * ({@code refundReserved}; a failed refund gives its amount back); a refund without an amount takes all that is
 * left. The database enforces the same rule under concurrency: {@code PaymentMirror.reserveAll} reserves only
 * {@code WHERE status = 'succeeded' AND refund_reserved + amount <= amount_received}, and the {@code payments}
 * table's CHECK keeps {@code 0 <= refund_reserved <= amount_received} whatever any statement does
 * ({@code RefundCommandsIT.theDatabaseReservesExactlyWhatTheRefundRuleAllows} ties the two).
 */
public record RefundablePayment(
        String paymentId,
        String merchantId,
        String currency,
        String status,
        long amountReceived,
        long refundReserved,
        String maskedNumber,
        long paymentVersion) {

    /** The refund limit: what a refund of {@code requested} (null: all that is left) comes to on this payment. */
    public RefundDecision refund(Long requested) {
        if (!Payment.SUCCEEDED.equals(status)) {
            return new RefundDecision.NotRefundable(status);
        }
        long amount = requested != null ? requested : refundable();
        if (amount <= 0 || amount > refundable()) {
            return new RefundDecision.ExceedsRefundable(refundable());
        }
        return new RefundDecision.Reserve(amount);
    }

    public long refundable() {
        return amountReceived - refundReserved;
    }

    /** The same payment with {@code amount} more reserved (a refund decided on it, not yet written). */
    public RefundablePayment reserving(long amount) {
        return new RefundablePayment(
                paymentId,
                merchantId,
                currency,
                status,
                amountReceived,
                refundReserved + amount,
                maskedNumber,
                paymentVersion);
    }
}
