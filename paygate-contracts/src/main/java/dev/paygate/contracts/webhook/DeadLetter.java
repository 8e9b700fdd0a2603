package dev.paygate.contracts.webhook;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.paygate.contracts.Topics;
import java.time.Instant;

/**
 * A webhook delivery that gave up, on {@link Topics#WEBHOOK_DLQ} (keyed by endpoint id), for operators' dashboards
 * and alerts. It names the delivery and its event, never the body, the URL or a secret; replay it with
 * {@code POST /api2/webhook-deliveries/{deliveryId}/retry}.
 *
 * @param reason         {@code exhausted} (every scheduled attempt failed) or {@code gone} (the endpoint answered 410)
 * @param lastStatusCode the last answer's status, or null when none came
 * @param lastError      why the last attempt got no answer, or null
 */
@JsonPropertyOrder({
    "deliveryId",
    "eventId",
    "eventType",
    "endpointId",
    "merchantId",
    "attempts",
    "lastStatusCode",
    "lastError",
    "reason",
    "failedAt"
})
public record DeadLetter(
        String deliveryId,
        String eventId,
        String eventType,
        String endpointId,
        String merchantId,
        int attempts,
        Integer lastStatusCode,
        String lastError,
        String reason,
        Instant failedAt) {

    public static final String EXHAUSTED = "exhausted";
    public static final String GONE = "gone";
}
