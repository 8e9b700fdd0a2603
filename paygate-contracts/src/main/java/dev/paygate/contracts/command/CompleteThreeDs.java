package dev.paygate.contracts.command;

/** Test mode: the payer passed ({@code success = true}) or failed 3-D Secure. */
public record CompleteThreeDs(String commandId, String merchantId, String paymentId, boolean success)
        implements PaymentCommand {

    @Override
    public String key() {
        return paymentId;
    }
}
