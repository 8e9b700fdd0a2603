package dev.paygate.contracts.resource;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Map;

/**
 * A refund exactly as {@code GET /api2/refunds/{id}} returns it (docs/api.md, "Refunds"): the BPC API's fields
 * ({@code amount, created, currency, id, paymentId, status}), then {@code reason, metadata, failureReason, description,
 * version}. Also the data of {@code refund.updated} events and webhooks.
 */
@JsonPropertyOrder({
    "amount",
    "created",
    "currency",
    "id",
    "paymentId",
    "status",
    "reason",
    "metadata",
    "failureReason",
    "description",
    "version"
})
public record Refund(
        long amount,
        Instant created,
        String currency,
        String id,
        String paymentId,
        String status,
        String reason,
        Map<String, String> metadata,
        String failureReason,
        String description,
        long version) {

    public static final String PENDING = "pending";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
}
