package dev.paygate.acquirer;

/**
 * A refund to execute at the bank.
 *
 * @param authorizationId the bank's reference of the captured payment (a real connector refunds against it)
 * @param maskedNumber    the card as it may be shown (the simulator decides by test card)
 */
public record RefundRequest(
        String refundId, String paymentId, String authorizationId, String maskedNumber, long amount, String currency) {}
