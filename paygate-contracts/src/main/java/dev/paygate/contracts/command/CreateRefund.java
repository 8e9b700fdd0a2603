package dev.paygate.contracts.command;

import java.util.Map;

/**
 * Refund a captured payment, in full or in part.
 *
 * @param amount null for all that is still refundable
 */
public record CreateRefund(String commandId, String merchantId, String refundId, String paymentId, Long amount,
                           String reason, Map<String, String> metadata, String description) implements RefundCommand {

    @Override
    public String key() {
        return paymentId;
    }
}
