package dev.paygate.client.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paygate.client.invoker.ApiClient;
import dev.paygate.client.model.Payment;
import dev.paygate.client.model.Refund;
import dev.paygate.client.model.Session;
import java.time.OffsetDateTime;

/** Reads a webhook's body into a {@link PaygateEvent}, with the API client's own JSON mapping. */
public final class WebhookEvents {

    private static final ObjectMapper JSON = ApiClient.createDefaultObjectMapper();

    private WebhookEvents() {}

    /**
     * The event in a (verified) webhook body.
     *
     * @throws InvalidWebhookException it is not an event
     */
    public static PaygateEvent parse(String body) {
        try {
            JsonNode event = JSON.readTree(body);
            String id = text(event, "id");
            String type = text(event, "type");
            OffsetDateTime created = OffsetDateTime.parse(text(event, "created"));
            String apiVersion = event.path("apiVersion").asText(null);
            JsonNode object = event.path("data").path("object");
            if (!object.isObject()) {
                throw new InvalidWebhookException("no data.object");
            }
            String kind = type.substring(0, Math.max(type.indexOf('.'), 0));
            return switch (kind) {
                case "payment" ->
                    new PaygateEvent.PaymentEvent(
                            id, type, created, apiVersion, JSON.treeToValue(object, Payment.class));
                case "refund" ->
                    new PaygateEvent.RefundEvent(id, type, created, apiVersion, JSON.treeToValue(object, Refund.class));
                case "session" ->
                    new PaygateEvent.SessionEvent(
                            id, type, created, apiVersion, JSON.treeToValue(object, Session.class));
                default -> new PaygateEvent.Other(id, type, created, apiVersion, object);
            };
        } catch (JsonProcessingException e) {
            throw new InvalidWebhookException("not a Paygate event: " + e.getOriginalMessage());
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidWebhookException("not a Paygate event: " + e.getMessage());
        }
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidWebhookException("no " + field);
        }
        return value.asText();
    }
}
