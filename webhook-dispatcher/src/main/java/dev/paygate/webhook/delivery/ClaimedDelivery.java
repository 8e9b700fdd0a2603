package dev.paygate.webhook.delivery;

/**
 * A due delivery this instance holds a lease on, with what it takes to send it.
 *
 * @param attempts attempts made before this one
 * @param body     the stored webhook body
 * @param previousSecret the secret before the last rotation while it still signs too, else {@code null}
 * @param traceparent the trace the event arrived in, else {@code null}
 */
record ClaimedDelivery(
        String id,
        String eventId,
        String endpointId,
        int attempts,
        String url,
        String secret,
        String body,
        String previousSecret,
        String eventType,
        String merchantId,
        String traceparent) {

    /** Leaves out the secret, the URL (it may carry credentials) and the body. */
    @Override
    public String toString() {
        return "ClaimedDelivery[id=" + id + ", eventId=" + eventId + ", endpointId=" + endpointId + ", attempts="
                + attempts + "]";
    }
}
