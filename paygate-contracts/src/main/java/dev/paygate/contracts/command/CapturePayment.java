package dev.paygate.contracts.command;

/** Capture an authorized payment, in full or in part ({@code amountToCapture}; the rest is released). */
public record CapturePayment(String commandId, String merchantId, String paymentId, Long amountToCapture)
        implements PaymentCommand {

    @Override
    public String key() {
        return paymentId;
    }
}
