package dev.paygate.webhook.endpoint;

import java.time.Instant;
import java.util.List;

/** An endpoint row. {@link #toString()} leaves the secret out, so a logged endpoint never leaks it. */
public record StoredEndpoint(
        String id,
        String merchantId,
        String url,
        String description,
        List<String> enabledEvents,
        String secret,
        String status,
        String disabledReason,
        Instant created,
        Instant updated) {

    public static final String STATUS_ENABLED = "enabled";
    public static final String STATUS_DISABLED = "disabled";
    /** Disabled by the merchant. */
    public static final String DISABLED_REQUESTED = "requested";
    /** Disabled because it answered {@code 410 Gone}. */
    public static final String DISABLED_GONE = "gone";
    /** Disabled because it failed continuously for longer than {@code paygate.webhooks.disable-after}. */
    public static final String DISABLED_FAILING = "failing";

    public StoredEndpoint {
        enabledEvents = List.copyOf(enabledEvents);
    }

    /** The API view; {@code withSecret} only in the answer to create. */
    public EndpointView toView(boolean withSecret) {
        return new EndpointView(
                id, url, enabledEvents, description, status, disabledReason, created, withSecret ? secret : null);
    }

    @Override
    public String toString() {
        return "StoredEndpoint[id=" + id + ", merchantId=" + merchantId + ", enabledEvents=" + enabledEvents
                + ", status=" + status + "]";
    }
}
