package dev.paygate.webhook.delivery;

import java.time.Duration;
import java.util.Optional;

/**
 * What an attempt's result means for its delivery (docs/webhooks.md, "Retries, dead letters and replay"). Pure, so
 * every rule is unit-tested: a 2xx succeeds; {@code 410 Gone} fails the delivery at once and disables the endpoint;
 * anything else (3xx, 4xx, 5xx, a timeout, no connection) is retried on the schedule, no sooner than a
 * {@code Retry-After} asked (bounded), and fails after the last attempt.
 *
 * @param status  {@code succeeded}, {@code pending} (retry after {@code retryIn}) or {@code failed}
 * @param retryIn the wait before the next attempt when pending, else null
 * @param gone    the endpoint answered 410 and is to be disabled
 */
record DeliveryDecision(String status, Duration retryIn, boolean gone) {

    public static final String SUCCEEDED = "succeeded";
    public static final String PENDING = "pending";
    public static final String FAILED = "failed";
    /** Every status a delivery can have (the {@code deliveries.status} CHECK lists the same). */
    public static final java.util.List<String> STATUSES = java.util.List.of(PENDING, SUCCEEDED, FAILED);

    public static DeliveryDecision after(
            AttemptResult result, int attemptsMade, RetrySchedule schedule, Duration maxRetryAfter) {
        if (result.succeeded()) {
            return new DeliveryDecision(SUCCEEDED, null, false);
        }
        if (result.gone()) {
            return new DeliveryDecision(FAILED, null, true);
        }
        Optional<Duration> next = schedule.delayAfter(attemptsMade);
        if (next.isEmpty()) {
            return new DeliveryDecision(FAILED, null, false);
        }
        Duration wait = next.get();
        if (result.retryAfter() != null) {
            Duration asked = result.retryAfter().compareTo(maxRetryAfter) > 0 ? maxRetryAfter : result.retryAfter();
            wait = asked.compareTo(wait) > 0 ? asked : wait;
        }
        return new DeliveryDecision(PENDING, wait, false);
    }

    public boolean failed() {
        return FAILED.equals(status);
    }
}
