package dev.paygate.contracts.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Map;

/**
 * A hosted payment session exactly as {@code GET /api2/sessions/{id}} returns it (the BPC API's fields, then
 * {@code paymentId} once paid and {@code version}; docs/api.md, "Sessions"). Also the data of session events and
 * webhooks.
 */
@JsonPropertyOrder({
    "id",
    "amount",
    "created",
    "currency",
    "customerDetails",
    "expiresAt",
    "failureUrl",
    "locale",
    "merchantReferenceId",
    "metadata",
    "paymentData",
    "paymentStatus",
    "status",
    "successUrl",
    "paymentId",
    "version"
})
public record Session(
        String id,
        long amount,
        Instant created,
        String currency,
        CustomerDetails customerDetails,
        Instant expiresAt,
        String failureUrl,
        String locale,
        String merchantReferenceId,
        Map<String, String> metadata,
        PaymentData paymentData,
        String paymentStatus,
        String status,
        String successUrl,
        @JsonInclude(JsonInclude.Include.NON_NULL) String paymentId,
        long version) {

    public static final String STATUS_OPEN = "open";
    public static final String STATUS_COMPLETE = "completed";
    public static final String STATUS_EXPIRED = "expired";
    public static final String PAYMENT_UNPAID = "unpaid";
    public static final String PAYMENT_PAID = "paid";

    public record PaymentData(String captureMethod) {}
}
