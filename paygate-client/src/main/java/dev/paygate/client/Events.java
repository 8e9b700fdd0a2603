package dev.paygate.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paygate.client.api.EventsApi;
import dev.paygate.client.model.Event;
import dev.paygate.client.model.EventList;
import dev.paygate.client.webhooks.PaygateEvent;
import dev.paygate.client.webhooks.WebhookEvents;
import java.io.UncheckedIOException;
import java.util.stream.Stream;

/**
 * {@code /api2/events}: the merchant's events, exactly as their webhooks carry them — typed the same way, to reconcile
 * what webhooks missed with the same code that handles them.
 */
public final class Events {

    private final Calls calls;
    private final EventsApi api;
    private final String version;
    private final ObjectMapper json;

    Events(Calls calls, EventsApi api, String version, ObjectMapper json) {
        this.calls = calls;
        this.api = api;
        this.version = version;
        this.json = json;
    }

    public PaygateEvent get(String id) {
        return typed(calls.read("GET /api2/events/" + id, key -> api.webhookEndpointEventWithHttpInfo(id, version)));
    }

    /** The events, newest first; {@code type} (as {@code refund.updated}) or null for all. */
    public Stream<PaygateEvent> list(String type) {
        return Paging.stream(
                        startingAfter -> {
                            EventList page = calls.read(
                                    "GET /api2/events",
                                    key -> api.webhookEndpointEventsWithHttpInfo(type, "100", startingAfter, version));
                            return new Paging.Page<>(page.getData(), Boolean.TRUE.equals(page.getHasMore()));
                        },
                        Event::getId)
                .map(this::typed);
    }

    private PaygateEvent typed(Event event) {
        try {
            return WebhookEvents.parse(json.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
