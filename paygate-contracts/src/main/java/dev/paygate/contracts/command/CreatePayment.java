package dev.paygate.contracts.command;

import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Payment;
import java.util.Map;

/**
 * Create a payment, and authorize it at once when {@code confirm} is set and a card is given. The gateway has
 * validated every field and assigned the ids.
 *
 * @param card null when the payment is created without a payment method
 */
public record CreatePayment(
        String commandId,
        String merchantId,
        String paymentId,
        String transactionId,
        long amount,
        String currency,
        String captureMethod,
        boolean confirm,
        CardDetails card,
        CustomerDetails customerDetails,
        String description,
        String merchantCustomerId,
        Map<String, String> metadata,
        String returnUrl,
        Payment.PaymentMethodOptions paymentMethodOptions,
        Payment.SetupFutureUsage setupFutureUsage)
        implements PaymentCommand {

    @Override
    public String key() {
        return paymentId;
    }
}
