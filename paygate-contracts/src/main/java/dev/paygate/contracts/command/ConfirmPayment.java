package dev.paygate.contracts.command;

/** Authorize a payment waiting for a payment method or a confirmation; {@code card} replaces the stored one. */
public record ConfirmPayment(String commandId, String merchantId, String paymentId, CardDetails card)
        implements PaymentCommand {

    @Override
    public String key() {
        return paymentId;
    }
}
