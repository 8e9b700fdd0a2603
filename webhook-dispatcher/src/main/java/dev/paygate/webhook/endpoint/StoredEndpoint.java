package dev.paygate.webhook.endpoint;

import java.time.Instant;
import java.util.List;

/** An endpoint row. {@link #toString()} leaves the secret out, so a logged endpoint never leaks it. */
public record StoredEndpoint(String id, String merchantId, String url, String description, List<String> enabledEvents,
                             String secret, String status, Instant created, Instant updated) {

    public static final String STATUS_ENABLED = "enabled";
    public static final String STATUS_DISABLED = "disabled";

    public StoredEndpoint {
        enabledEvents = List.copyOf(enabledEvents);
    }

    /** The API view; {@code withSecret} only in the answer to create. */
    public EndpointView toView(boolean withSecret) {
        return new EndpointView(id, url, enabledEvents, description, status, created, withSecret ? secret : null);
    }

    @Override
    public String toString() {
        return "StoredEndpoint[id=" + id + ", merchantId=" + merchantId + ", enabledEvents=" + enabledEvents
                + ", status=" + status + "]";
    }
}
