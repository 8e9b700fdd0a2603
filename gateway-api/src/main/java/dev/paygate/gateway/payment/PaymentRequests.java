package dev.paygate.gateway.payment;

import dev.paygate.contracts.resource.CustomerDetails;
import dev.paygate.contracts.resource.Payment;
import java.util.Map;

/** The bodies of the payment endpoints, parsed strictly (an unknown field is a 400). */
public final class PaymentRequests {

    private PaymentRequests() {}

    /** {@code paymentMethod: {type: "card", card: {number, cvc, expiryMonth, expiryYear, holderName}}} */
    public record PaymentMethodInput(String type, CardInputJson card) {}

    public record CardInputJson(String number, String cvc, Integer expiryMonth, Integer expiryYear, String holderName) {

        @Override
        public String toString() {
            return "CardInputJson[redacted]"; // the number and CVC must never reach a log
        }
    }

    public record CreatePaymentRequest(
            Long amount,
            String currency,
            String captureMethod,
            Boolean confirm,
            PaymentMethodInput paymentMethod,
            CustomerDetails customerDetails,
            String description,
            String merchantCustomerId,
            Map<String, String> metadata,
            String returnUrl,
            Payment.PaymentMethodOptions paymentMethodOptions,
            Payment.SetupFutureUsage setupFutureUsage) {}

    public record ConfirmRequest(PaymentMethodInput paymentMethod) {}

    public record CaptureRequest(Long amountToCapture) {}

    public record CancelRequest(String cancellationReason) {}

    public record ThreeDsRequest(String result) {}

    public record PaySessionRequest(PaymentMethodInput paymentMethod) {}
}
