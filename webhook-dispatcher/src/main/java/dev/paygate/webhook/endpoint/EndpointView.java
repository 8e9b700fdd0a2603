package dev.paygate.webhook.endpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * A webhook endpoint as the internal API returns it. {@code disabledReason} ({@code requested}, {@code gone},
 * {@code failing}) only while disabled. {@code secret} is present only in the answer to create and rotate;
 * {@link #toString()} never shows it.
 */
@JsonPropertyOrder({"id", "url", "enabledEvents", "description", "status", "disabledReason", "created", "secret"})
record EndpointView(
        String id,
        String url,
        List<String> enabledEvents,
        String description,
        String status,
        @JsonInclude(JsonInclude.Include.NON_NULL) String disabledReason,
        Instant created,
        @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

    @Override
    public String toString() {
        return "EndpointView[id=" + id + ", enabledEvents=" + enabledEvents + ", status=" + status + "]";
    }
}
