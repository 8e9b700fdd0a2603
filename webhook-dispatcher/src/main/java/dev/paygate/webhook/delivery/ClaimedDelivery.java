package dev.paygate.webhook.delivery;

/**
 * A due delivery this instance holds a lease on, with what it takes to send it.
 *
 * @param attempts attempts made before this one
 * @param body     the stored webhook body
 */
public record ClaimedDelivery(String id, String eventId, String endpointId, int attempts, String url, String secret,
                              String body) {

    /** Leaves out the secret, the URL (it may carry credentials) and the body. */
    @Override
    public String toString() {
        return "ClaimedDelivery[id=" + id + ", eventId=" + eventId + ", endpointId=" + endpointId
                + ", attempts=" + attempts + "]";
    }
}
