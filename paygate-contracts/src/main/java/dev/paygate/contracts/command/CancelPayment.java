package dev.paygate.contracts.command;

/** Cancel (void) a payment before capture. */
public record CancelPayment(String commandId, String merchantId, String paymentId, String cancellationReason)
        implements PaymentCommand {

    @Override
    public String key() {
        return paymentId;
    }
}
