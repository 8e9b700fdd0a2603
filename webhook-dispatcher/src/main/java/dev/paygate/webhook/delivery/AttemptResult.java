package dev.paygate.webhook.delivery;

import java.time.Instant;

/**
 * What one attempt got back.
 *
 * @param statusCode   the HTTP status, or {@code null} when no answer came (timeout, connection error)
 * @param error        why the attempt failed without an answer, else {@code null}
 * @param responseBody the answer's body, cut to {@link WebhookSender#MAX_RESPONSE_BYTES}, or {@code null}
 * @param retryAfter   what the answer's {@code Retry-After} asked for, or {@code null}
 */
record AttemptResult(
        Instant attemptedAt,
        Integer statusCode,
        long latencyMs,
        String error,
        String responseBody,
        java.time.Duration retryAfter) {

    public AttemptResult(Instant attemptedAt, Integer statusCode, long latencyMs, String error, String responseBody) {
        this(attemptedAt, statusCode, latencyMs, error, responseBody, null);
    }

    /** {@code 410 Gone}: the receiver says the endpoint is gone for good. */
    public boolean gone() {
        return statusCode != null && statusCode == 410;
    }

    /** Only a 2xx counts: a redirect is not followed and is a failure, as the receiver did not take the event. */
    public boolean succeeded() {
        return statusCode != null && statusCode >= 200 && statusCode < 300;
    }
}
