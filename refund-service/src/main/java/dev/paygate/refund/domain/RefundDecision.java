package dev.paygate.refund.domain;

/** What a refund asked of a payment comes to ({@link RefundablePayment#refund}). */
public sealed interface RefundDecision {

    /** Reserve {@code amount} of the payment's balance and store the refund pending. */
    record Reserve(long amount) implements RefundDecision {}

    /** Refused: only a succeeded payment is refunded ({@code payment_invalid_status}). */
    record NotRefundable(String status) implements RefundDecision {}

    /** Refused: more than is left, or nothing left ({@code amount_exceeds_refundable}). */
    record ExceedsRefundable(long refundable) implements RefundDecision {}
}
