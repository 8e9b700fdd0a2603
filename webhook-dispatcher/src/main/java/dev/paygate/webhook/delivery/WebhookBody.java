package dev.paygate.webhook.delivery;

import dev.paygate.contracts.ApiVersions;
import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import java.io.StringWriter;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhook body of a state change:
 * {@code {"id", "type", "created", "apiVersion", "data": {"object": <resource>}}}. Built once, when the event
 * arrives, and stored, so every attempt sends and signs exactly the same bytes.
 */
final class WebhookBody {

    private static final JsonMapper JSON = PaygateJson.wire();

    private WebhookBody() {}

    /**
     * The resource snapshot is embedded as the producer wrote it (not re-serialized), so the receiver sees the
     * very object the API returns. It must be a JSON object: anything else is a producer bug and fails here.
     */
    public static String of(StateChange change) {
        if (!JSON.readTree(change.data()).isObject()) {
            throw new IllegalArgumentException("event " + change.id() + ": data is not a JSON object");
        }
        StringWriter out = new StringWriter(change.data().length() + 200);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("id", change.id());
            g.writeStringProperty("type", change.type().wireName());
            g.writeStringProperty(
                    "created",
                    DateTimeFormatter.ISO_INSTANT.format(change.time().truncatedTo(ChronoUnit.SECONDS)));
            g.writeStringProperty("apiVersion", ApiVersions.V2023_10_31);
            g.writeName("data");
            g.writeStartObject();
            g.writeName("object");
            g.writeRawValue(change.data());
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toString();
    }
}
