package dev.paygate.contracts.command;

/**
 * The bank reversed a succeeded refund (test mode: {@code POST /api2/refunds/{id}/test-reverse}); the refund
 * becomes {@code failed} and its amount is refundable again. Keyed by the refund's payment.
 */
public record ReverseRefund(String commandId, String merchantId, String refundId, String paymentId, String reason)
        implements RefundCommand {

    @Override
    public String key() {
        return paymentId;
    }
}
