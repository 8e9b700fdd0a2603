package dev.paygate.contracts.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Map;

/**
 * A payment exactly as {@code GET /api2/payments/{id}} returns it: the BPC API's cancel-response fields, then
 * {@code amountRefunded}, {@code cancellationReason}, {@code transactionId}, {@code lastPaymentError} and
 * {@code version} (docs/api.md, "Payments"). Also the data of payment events and webhooks.
 */
@JsonPropertyOrder({
    "id",
    "amount",
    "amountCapturable",
    "amountReceived",
    "canceledAt",
    "captureMethod",
    "created",
    "currency",
    "customerDetails",
    "description",
    "merchantCustomerId",
    "metadata",
    "paymentMethod",
    "paymentMethodOptions",
    "returnUrl",
    "setupFutureUsage",
    "status",
    "amountRefunded",
    "cancellationReason",
    "transactionId",
    "lastPaymentError",
    "version"
})
public record Payment(
        String id,
        long amount,
        long amountCapturable,
        long amountReceived,
        Instant canceledAt,
        String captureMethod,
        Instant created,
        String currency,
        CustomerDetails customerDetails,
        String description,
        String merchantCustomerId,
        Map<String, String> metadata,
        PaymentMethod paymentMethod,
        PaymentMethodOptions paymentMethodOptions,
        String returnUrl,
        SetupFutureUsage setupFutureUsage,
        String status,
        long amountRefunded,
        String cancellationReason,
        String transactionId,
        PaymentError lastPaymentError,
        long version) {

    public static final String REQUIRES_PAYMENT_METHOD = "requiresPaymentMethod";
    public static final String REQUIRES_CONFIRMATION = "requiresConfirmation";
    public static final String REQUIRES_ACTION = "requiresAction";
    public static final String PROCESSING = "processing";
    public static final String REQUIRES_CAPTURE = "requiresCapture";
    public static final String SUCCEEDED = "succeeded";
    public static final String CANCELED = "canceled";

    @JsonPropertyOrder({"card", "type"})
    public record PaymentMethod(Card card, String type) {}

    @JsonPropertyOrder({"expiryMonth", "expiryYear", "holderName", "maskedNumber"})
    public record Card(int expiryMonth, int expiryYear, String holderName, String maskedNumber) {}

    public record PaymentMethodOptions(CardOptions card) {

        public static final PaymentMethodOptions DEFAULT = new PaymentMethodOptions(new CardOptions("automatic", true));
    }

    @JsonPropertyOrder({"threeDSecureMode", "verify"})
    public record CardOptions(String threeDSecureMode, boolean verify) {}

    public record SetupFutureUsage(String category) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PaymentError(String code, String message) {}
}
