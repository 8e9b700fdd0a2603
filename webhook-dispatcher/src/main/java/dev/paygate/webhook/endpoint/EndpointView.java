package dev.paygate.webhook.endpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * A webhook endpoint as the internal API returns it. {@code secret} is present only in the answer to create;
 * {@link #toString()} never shows it.
 */
@JsonPropertyOrder({"id", "url", "enabledEvents", "description", "status", "created", "secret"})
public record EndpointView(String id, String url, List<String> enabledEvents, String description, String status,
                           Instant created, @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

    @Override
    public String toString() {
        return "EndpointView[id=" + id + ", enabledEvents=" + enabledEvents + ", status=" + status + "]";
    }
}
