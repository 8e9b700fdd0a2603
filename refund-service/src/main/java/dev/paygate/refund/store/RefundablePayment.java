package dev.paygate.refund.store;

/** What refund-service knows of a payment: enough to decide a refund and to ask the bank. */
public record RefundablePayment(
        String paymentId,
        String merchantId,
        String currency,
        String status,
        long amountReceived,
        long refundReserved,
        String maskedNumber,
        long paymentVersion) {

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
