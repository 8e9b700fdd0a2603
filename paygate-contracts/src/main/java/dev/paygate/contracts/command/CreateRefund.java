package dev.paygate.contracts.command;

import java.util.Map;

/**
 * Refund a captured payment, in full or in part.
 *
 * @param amount  null for all that is still refundable
 * @param secupay set when a secupay transaction cancel asked for the refund (payment-service sends it), else null
 */
public record CreateRefund(
        String commandId,
        String merchantId,
        String refundId,
        String paymentId,
        Long amount,
        String reason,
        Map<String, String> metadata,
        String description,
        SecupayRefund secupay)
        implements RefundCommand {

    /** The command whose caller waits for this refund's outcome. */
    public String answerTo() {
        return secupay == null ? commandId : secupay.answerTo();
    }

    @Override
    public String key() {
        return paymentId;
    }
}
