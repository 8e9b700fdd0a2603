package dev.paygate.gateway.console;

import dev.paygate.contracts.event.StateChange;
import dev.paygate.contracts.json.PaygateJson;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One state change as the ops console shows it: what happened to which resource of which merchant, and the amount.
 * Only these fields are taken from the snapshot — never customer details, card data, metadata or descriptions.
 */
record ConsoleEvent(
        String id,
        String type,
        String resourceId,
        String status,
        Long amount,
        String currency,
        String merchantId,
        Instant time) {

    static ConsoleEvent of(StateChange change) {
        JsonNode data = PaygateJson.wire().readTree(change.data());
        JsonNode amount = data.get("amount");
        return new ConsoleEvent(
                change.id(),
                change.type().wireName(),
                change.subject(),
                text(data, "status"),
                amount != null && amount.isIntegralNumber() ? amount.asLong() : null,
                text(data, "currency"),
                change.merchantId(),
                change.time());
    }

    private static String text(JsonNode data, String field) {
        JsonNode value = data.get(field);
        return value != null && value.isString() ? value.asString() : null;
    }
}
