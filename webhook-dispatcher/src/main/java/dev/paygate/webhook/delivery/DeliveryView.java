package dev.paygate.webhook.delivery;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * A delivery as merchants see it: one event to one endpoint, its status and every attempt made, oldest first.
 *
 * @param nextAttemptAt when the next attempt is due while {@code pending}, else null
 */
@JsonPropertyOrder({
    "id",
    "endpointId",
    "eventId",
    "eventType",
    "status",
    "nextAttemptAt",
    "lastStatusCode",
    "created",
    "updated",
    "attempts"
})
record DeliveryView(
        String id,
        String endpointId,
        String eventId,
        String eventType,
        String status,
        Instant nextAttemptAt,
        Integer lastStatusCode,
        Instant created,
        Instant updated,
        List<Attempt> attempts) {

    /**
     * @param statusCode   null when no answer came
     * @param error        why no answer came (a timeout, a refused connection, the SSRF guard), else null
     * @param responseBody the answer's body, cut to 16 KiB
     */
    @JsonPropertyOrder({"attemptedAt", "statusCode", "latencyMs", "error", "responseBody"})
    public record Attempt(Instant attemptedAt, Integer statusCode, long latencyMs, String error, String responseBody) {}
}
